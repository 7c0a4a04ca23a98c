import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReusable, keptShapes, runReusable, selectReusable } from '../../../src/platform/db/reusable.ts';
import type { AnyDb } from '../../../src/platform/db/dialect.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/** Hot queries compiled once and sent again with new values: the same rows as Kysely, or Kysely itself. */
describe.each(DATABASES)('reusable queries on %s', (kind) => {
  let server: TestServer;
  let db: AnyDb;

  beforeAll(async () => {
    server = await startTestServer(kind);
    db = server.platform.database.db as AnyDb;
    await sql`create table reusable_probe (id text primary key, n integer, note text)`.execute(db);
  });
  afterAll(() => server?.dispose());

  const byId = (id: string) =>
    selectReusable<{ id: string; n: number; note: string | null }>(db, 'probe by id', [id], () =>
      db.selectFrom('reusable_probe').selectAll().where('id', '=', id),
    );

  it('keeps a shape after its first compile and answers every later call with that call’s values', async () => {
    for (const [id, n] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      await insertReusable(db as never, 'reusable_probe' as never, { id, n, note: null } as never);
    expect(keptShapes(db)).toEqual(expect.arrayContaining(['insert reusable_probe (id,n,note)']));
    expect(await byId('b')).toEqual([{ id: 'b', n: 2, note: null }]);
    expect(await byId('c')).toEqual([{ id: 'c', n: 3, note: null }]);
    expect(await byId('nobody')).toEqual([]);
    expect(keptShapes(db)).toContain('probe by id');
  });

  it('a column left undefined is a different shape, as Kysely leaves it out', async () => {
    await insertReusable(db as never, 'reusable_probe' as never, { id: 'd', n: 4, note: undefined } as never);
    expect(await byId('d')).toEqual([{ id: 'd', n: 4, note: null }]);
    expect(keptShapes(db)).toContain('insert reusable_probe (id,n)');
  });

  it('never keeps a shape whose values are not the ones the query takes, and still runs it right', async () => {
    const wrongOrder = (id: string, n: number) =>
      runReusable(db, 'probe n of id, values misnamed', [n, id], () =>
        db.selectFrom('reusable_probe').select('n').where('id', '=', id).where('n', '=', n),
      );
    expect((await wrongOrder('a', 1)).rows).toEqual([{ n: 1 }]);
    expect((await wrongOrder('b', 2)).rows).toEqual([{ n: 2 }]);
    expect(keptShapes(db)).not.toContain('probe n of id, values misnamed');
  });

  it('sends anything but a plain value through Kysely', async () => {
    const raw = sql<string>`'e'`;
    await runReusable(db, 'insert reusable_probe (id,n,note)', [raw, 5, null], () =>
      db.insertInto('reusable_probe').values({ id: raw, n: 5, note: null }),
    );
    expect(await byId('e')).toEqual([{ id: 'e', n: 5, note: null }]);
  });
});
