import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertInBatches, insertNewRows } from '../../../src/platform/db/batch.ts';
import type { AnyDb } from '../../../src/platform/db/dialect.ts';
import { keptShapes } from '../../../src/platform/db/reusable.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

interface Probe {
  id: string;
  n: number;
  note?: string | null;
}

/**
 * Many rows in few statements: every row stored as given; a uniform batch as arrays on PostgreSQL, in
 * statements compiled once per size on SQLite.
 */
describe.each(DATABASES)('inserting in batches on %s', (kind) => {
  let server: TestServer;
  let db: AnyDb;

  beforeAll(async () => {
    server = await startTestServer(kind);
    db = server.platform.database.db as AnyDb;
    await sql`create table batch_probe (id text primary key, n integer not null, note text default 'unset')`.execute(db);
  });
  afterAll(() => server?.dispose());

  const insert = (rows: Probe[]) => insertInBatches(db as never, 'batch_probe' as never, rows as never);
  const stored = async (prefix: string) =>
    (await sql<Probe>`select id, n, note from batch_probe where id like ${`${prefix}%`} order by id`.execute(db)).rows.map((row) => ({
      ...row,
      n: Number(row.n),
    }));
  const rowsOf = (prefix: string, count: number, note: (i: number) => string | null): Probe[] =>
    Array.from({ length: count }, (_, i) => ({ id: `${prefix}${String(i).padStart(5, '0')}`, n: i, note: note(i) }));

  it('stores a thousand rows of the same columns, as given and in their order', async () => {
    const rows = rowsOf('a', 1000, (i) => (i % 3 === 0 ? null : `note ${i}`));
    await insert(rows);
    expect(await stored('a')).toEqual(rows);
    const shapes = keptShapes(db).filter((shape) => shape.startsWith('insert batch_probe (id,n,note)'));
    if (kind === 'sqlite') {
      // In statements of 512, 256, … rows, each compiled once: 1,000 = 512 + 256 + 128 + 64 + 32 + 8.
      expect(shapes.sort()).toEqual(
        ['x128', 'x256', 'x32', 'x512', 'x64', 'x8'].map((size) => `insert batch_probe (id,n,note) ${size}`).sort(),
      );
    } else {
      // As one array per column: the same SQL whatever the number of rows, nothing kept per size.
      expect(shapes).toEqual([]);
    }
  });

  it('sends other rows with their own values, whatever characters they hold', async () => {
    const awkward = ['"quoted"', 'back\\slash', '{braces},commas', '', 'NULL', '网格 mesh', "it's", 'tab\there'];
    const rows = rowsOf('b', 37, (i) => (i < awkward.length ? awkward[i] : `again ${i}`)); // 32 + 4 + 1 on SQLite
    await insert(rows);
    expect(await stored('b')).toEqual(rows);
    if (kind === 'sqlite')
      expect(keptShapes(db)).toEqual(expect.arrayContaining(['insert batch_probe (id,n,note) x4', 'insert batch_probe (id,n,note) x1']));
  });

  it('leaves rows that differ in their columns to Kysely, which fills the gaps as it always has', async () => {
    const rows: Probe[] = [
      { id: 'c1', n: 1, note: 'given' },
      { id: 'c2', n: 2, note: undefined },
      { id: 'c3', n: 3 },
    ];
    await insert(rows);
    // As Kysely writes a gap: DEFAULT on PostgreSQL; SQLite takes no DEFAULT among VALUES, so Kysely writes null.
    const gap = kind === 'sqlite' ? null : 'unset';
    expect(await stored('c')).toEqual([
      { id: 'c1', n: 1, note: 'given' },
      { id: 'c2', n: 2, note: gap },
      { id: 'c3', n: 3, note: gap },
    ]);
    expect(keptShapes(db)).not.toContain('insert batch_probe (id,n,note) x2');
  });

  it('a batch of rows without the column stores its default too', async () => {
    await insert([
      { id: 'd1', n: 1 },
      { id: 'd2', n: 2 },
    ]);
    expect(await stored('d')).toEqual([
      { id: 'd1', n: 1, note: 'unset' },
      { id: 'd2', n: 2, note: 'unset' },
    ]);
    if (kind === 'sqlite') expect(keptShapes(db)).toContain('insert batch_probe (id,n) x2');
  });

  it('fails on a table that is not there yet, and stores into it once it is', async () => {
    const later = (rows: { id: string; n: number }[]) => insertInBatches(db as never, 'batch_later' as never, rows as never);
    await expect(later([{ id: 'x1', n: 1 }])).rejects.toThrow(/batch_later/);
    await sql`create table batch_later (id text primary key, n integer not null)`.execute(db);
    await later([
      { id: 'x1', n: 1 },
      { id: 'x2', n: 2 },
    ]);
    const rows = (await sql<{ id: string; n: number }>`select id, n from batch_later order by id`.execute(db)).rows;
    expect(rows.map((row) => ({ ...row, n: Number(row.n) }))).toEqual([
      { id: 'x1', n: 1 },
      { id: 'x2', n: 2 },
    ]);
  });

  it('stores only the rows whose key is new, the first of a key given twice, and answers the keys it stored', async () => {
    await insert([{ id: 'e1', n: 1, note: 'first' }]);
    const keys = await insertNewRows(
      db as never,
      'batch_probe' as never,
      [
        { id: 'e1', n: 10, note: 'again' },
        { id: 'e2', n: 2, note: 'new' },
        { id: 'e3', n: 3, note: 'new' },
        { id: 'e2', n: 20, note: 'twice' },
      ] as never,
      'id' as never,
    );
    expect([...keys].sort()).toEqual(['e2', 'e3']);
    expect(await stored('e')).toEqual([
      { id: 'e1', n: 1, note: 'first' },
      { id: 'e2', n: 2, note: 'new' },
      { id: 'e3', n: 3, note: 'new' },
    ]);
  });
});
