import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRAND_KINDS, ERRAND_STATES, KIND_NAMES } from '../../../src/modules/errands/errands.kinds.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}

/** 我的帮办 says every kind, state and refusal of the errands module in words, in both languages. */
describe('the errand texts of the worker H5', () => {
  const zh = JSON.parse(read('web/src/i18n/errands.zh-CN.json')).errands;
  const en = JSON.parse(read('web/src/i18n/errands.en.json')).errands;

  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  it('names every kind and state, in Chinese as the server does', () => {
    for (const kind of ERRAND_KINDS) expect(zh.kinds[kind]).toBe(KIND_NAMES[kind]);
    for (const state of ERRAND_STATES)
      expect({ state, zh: zh.states[state], en: en.states[state] }).toEqual({ state, zh: expect.any(String), en: expect.any(String) });
  });

  it('translates every errand.* refusal the module answers the worker with', () => {
    const dir = join(root, 'src/modules/errands');
    const sources = [
      ...readdirSync(dir).filter((f) => f.endsWith('.ts')),
      ...readdirSync(join(dir, 'commands')).map((f) => `commands/${f}`),
    ];
    const codes = [
      ...new Set(
        sources.flatMap((file) =>
          [...read(`src/modules/errands/${file}`).matchAll(/(?:badRequest|conflict|unprocessable)\('errand\.([a-z_]+)'/g)].map((m) => m[1]),
        ),
      ),
    ];
    expect(codes.length).toBeGreaterThanOrEqual(5);
    for (const code of codes) {
      expect({ code, zh: zh.errors.errand[code], en: en.errors.errand[code] }).toEqual({
        code,
        zh: expect.any(String),
        en: expect.any(String),
      });
    }
  });
});
