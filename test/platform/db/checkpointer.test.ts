import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type Database } from '../../../src/platform/db/database.ts';

/** The embedded database's WAL is copied back by a worker thread, never inside a request's commit. */
describe('checkpoints of the embedded database', () => {
  let dir: string;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const open = () => {
    dir = mkdtempSync(join(os.tmpdir(), 'wangge-checkpoint-'));
    database = openSqlite(join(dir, 'wangge.sqlite'));
    return database;
  };
  const fill = async (db: Database, rows: number) => {
    await sql`create table if not exists filler (id integer primary key, text text)`.execute(db.db);
    for (let i = 0; i < rows; i += 100) {
      await db.db.transaction().execute(async (trx) => {
        for (let j = i; j < i + 100; j++) await sql`insert into filler (text) values (${'x'.repeat(900)})`.execute(trx);
      });
    }
  };
  const waitFor = async (condition: () => boolean) => {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    return condition();
  };

  it('the writing connection never checkpoints; the worker copies the WAL into the database file soon after', async () => {
    const db = open();
    const file = join(dir, 'wangge.sqlite');
    expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(file).size;
    await fill(db, 2000); // about 2 MB: twice the 1,000 pages SQLite would checkpoint at by itself
    // The pages reach the database file without anyone on this thread asking.
    expect(await waitFor(() => statSync(file).size > before + 1_500_000)).toBe(true);
    expect((await sql<{ n: number }>`select count(*) as n from filler`.execute(db.db)).rows[0].n).toBe(2000);
  });

  it('closing stops the worker and leaves no WAL behind', async () => {
    const db = open();
    await fill(db, 300);
    await db.close();
    database = undefined;
    expect(existsSync(join(dir, 'wangge.sqlite-wal'))).toBe(false);
    const again = openSqlite(join(dir, 'wangge.sqlite'));
    database = again;
    expect((await sql<{ n: number }>`select count(*) as n from filler`.execute(again.db)).rows[0].n).toBe(300);
  });
});
