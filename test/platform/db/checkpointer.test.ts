import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WRITER_CHECKPOINT_PAGES } from '../../../src/platform/db/checkpointer.ts';
import { openSqlite, type Database } from '../../../src/platform/db/database.ts';

const MB = 1024 * 1024;
const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** Polls `check` every 20 ms for up to `ms`; the checkpoint thread works on its own clock. */
async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * SQLite's checkpoints run on a thread of their own (platform/db/checkpointer.ts): a commit only
 * appends to the write-ahead log, and the log is copied into the database file beside it.
 */
describe('the SQLite checkpoint thread', () => {
  let dir: string;
  let file: string;
  let database: Database;

  beforeEach(async () => {
    dir = await mkdtemp(join(os.tmpdir(), 'wangge-checkpoint-'));
    file = join(dir, 'wangge.sqlite');
    database = openSqlite(file);
    await sql`create table filler (id integer primary key, body blob not null)`.execute(database.db);
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `mb` megabytes in one transaction (1 KiB rows), as a burst of alerts would. */
  const writeBurst = async (mb: number, from: number) => {
    const handle = database.sqlite!;
    const insert = handle.prepare('insert into filler (id, body) values (?, randomblob(1024))');
    handle.transaction(() => {
      for (let i = 0; i < mb * 1024; i++) insert.run(from + i);
    })();
  };

  it('copies a committed burst into the database file without the writer checkpointing', async () => {
    await writeBurst(8, 0);
    // 8 MB is about 2,000 pages: far under the writer's own backstop, so the writer did not copy them.
    expect(8 * MB).toBeLessThan(WRITER_CHECKPOINT_PAGES * 4096);
    expect(await eventually(() => size(file) >= 8 * MB)).toBe(true);
  });

  it('keeps the log small: once copied, the next burst writes it from its beginning again', async () => {
    for (let burst = 0; burst < 6; burst++) {
      await writeBurst(4, burst * 4096);
      expect(await eventually(() => size(file) >= (burst + 1) * 4 * MB)).toBe(true);
      // The log starts over only once every frame of it is copied: wait for the thread's checkpoint to be whole.
      const state = await database.checkpointer!.checkpointNow();
      expect(state).toMatchObject({ busy: 0, checkpointed: state.log });
    }
    // Six bursts of 4 MB went through a log that never held much more than one.
    expect(size(`${file}-wal`)).toBeLessThan(8 * MB);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(database.db);
    expect(Number(rows.rows[0].n)).toBe(6 * 4096);
  });

  it('leaves everything in the database file once closed, and reopens with every row', async () => {
    await writeBurst(2, 0);
    await database.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    database = openSqlite(file);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(database.db);
    expect(Number(rows.rows[0].n)).toBe(2048);
  });
});
