import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixesWithin, underPrefixes, underPrefixesAfter } from '../../../src/platform/db/prefix.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

describe('prefixesWithin: the part of a scope under a unit', () => {
  it('nested subtrees give the deeper one, apart ones nothing', () => {
    expect(prefixesWithin(['410804'], '410804001')).toEqual(['410804001']);
    expect(prefixesWithin(['41080400100100101', '41080400100100102'], '410804001001001')).toEqual([
      '41080400100100101',
      '41080400100100102',
    ]);
    expect(prefixesWithin(['410804002'], '410804001')).toEqual([]);
    expect(prefixesWithin([''], '410804')).toEqual(['410804']);
    expect(prefixesWithin([], '410804')).toEqual([]);
  });
});

// Codes around the edges of a range: the prefix itself, its neighbours in sort order, a department.
const CODES = [
  '41080',
  '410803',
  '410803999',
  '410804',
  '4108040',
  '410804001',
  '41080400100100101',
  '410804009',
  '410804D01',
  '410805',
  '4108051',
];

describe.each(DATABASES)('code-prefix ranges on %s', (kind) => {
  let server: TestServer;
  const db = () => server.platform.database.db;
  const codesWhere = async (where: ReturnType<typeof underPrefixes>) =>
    (await sql<{ code: string }>`select code from prefix_probe where ${where} order by code, id`.execute(db())).rows.map((r) => r.code);

  beforeAll(async () => {
    server = await startTestServer(kind);
    await sql`create table prefix_probe (code text, id text)`.execute(db());
    for (const code of CODES) for (const id of ['a', 'b']) await sql`insert into prefix_probe values (${code}, ${id})`.execute(db());
    await sql`insert into prefix_probe values (${null}, ${'n'})`.execute(db());
  });
  afterAll(() => server?.dispose());

  it('a prefix matches exactly the codes that start with it, as LIKE did', async () => {
    const expected = CODES.filter((c) => c.startsWith('410804')).flatMap((c) => [c, c]);
    expect(await codesWhere(underPrefixes('code', ['410804']))).toEqual(expected);
    expect(await codesWhere(underPrefixes('code', ['410804001', '410805']))).toEqual(
      CODES.filter((c) => c.startsWith('410804001') || c.startsWith('410805')).flatMap((c) => [c, c]),
    );
  });

  it('no prefix matches nothing; the empty prefix every code but no null', async () => {
    expect(await codesWhere(underPrefixes('code', []))).toEqual([]);
    expect(await codesWhere(underPrefixes('code', ['']))).toHaveLength(CODES.length * 2);
  });

  it('pages after a cursor walk every range in (code, id) order, without gaps or repeats', async () => {
    const prefixes = ['410803', '410804'];
    const all = (
      await sql<{
        code: string;
        id: string;
      }>`select code, id from prefix_probe where ${underPrefixes('code', prefixes)} order by code, id`.execute(db())
    ).rows;
    const walked: { code: string; id: string }[] = [];
    let cursor: { code: string; id: string } | undefined;
    for (;;) {
      const where = cursor ? underPrefixesAfter('code', 'id', prefixes, cursor) : underPrefixes('code', prefixes);
      const page = (
        await sql<{ code: string; id: string }>`select code, id from prefix_probe where ${where} order by code, id limit 3`.execute(db())
      ).rows;
      if (page.length === 0) break;
      walked.push(...page);
      cursor = page[page.length - 1];
    }
    expect(walked).toEqual(all);
    // A cursor beyond every range ends the listing; one before them all starts at the beginning.
    expect(await codesWhere(underPrefixesAfter('code', 'id', prefixes, { code: '410809', id: 'a' }))).toEqual([]);
    expect(await codesWhere(underPrefixesAfter('code', 'id', prefixes, { code: '4', id: 'a' }))).toEqual(all.map((r) => r.code));
  });
});
