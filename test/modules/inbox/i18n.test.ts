import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}

/** The 通知 page says every refusal of the inbox module in words, in both languages. */
describe('the notify texts of the console', () => {
  const zh = JSON.parse(read('web/src/i18n/zh-CN.json')).notify;
  const en = JSON.parse(read('web/src/i18n/en.json')).notify;

  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  it('translates every notify.* error code the module answers with', () => {
    const dir = join(root, 'src/modules/inbox');
    const sources = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `src/modules/inbox/${f}`),
    ];
    sources.push(...readdirSync(join(dir, 'commands')).map((f) => `src/modules/inbox/commands/${f}`));
    const codes = [
      ...new Set(
        sources.flatMap((file) => [...read(file).matchAll(/(?:badRequest|conflict|unprocessable)\('notify\.([a-z_]+)'/g)].map((m) => m[1])),
      ),
    ];
    expect(codes.length).toBeGreaterThanOrEqual(6);
    for (const code of codes)
      expect({ code, zh: zh.errors[code], en: en.errors[code] }).toEqual({ code, zh: expect.any(String), en: expect.any(String) });
  });
});
