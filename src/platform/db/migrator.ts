import type { Kysely } from 'kysely';
import type { Database, DbKind } from './database.ts';
import { lockForTransaction, type AnyDb } from './dialect.ts';

/** One schema change. `up` runs inside a transaction on both databases; `kind` is for dialect helpers. */
export interface Migration {
  name: string;
  up(db: AnyDb, kind: DbKind): Promise<void>;
}

/**
 * Applies the migrations not yet applied, each in its own transaction. On PostgreSQL every
 * transaction first takes an advisory lock, so instances starting at the same moment queue up and
 * each migration runs exactly once; the loser sees it applied and skips it.
 */
export async function migrate(database: Database, migrations: Migration[]): Promise<string[]> {
  await ensureLedger(database);
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await database.db.transaction().execute(async (trx) => {
      await lockForTransaction(trx, database.kind, 'wangge.migrate');
      const anyTrx = trx as unknown as AnyDb;
      const done = await anyTrx.selectFrom('schema_migrations').select('name').where('name', '=', migration.name).executeTakeFirst();
      if (done) return false;
      await migration.up(anyTrx, database.kind);
      await anyTrx.insertInto('schema_migrations').values({ name: migration.name, applied_at: new Date().toISOString() }).execute();
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

export async function pendingMigrations(database: Database, migrations: Migration[]): Promise<string[]> {
  await ensureLedger(database);
  const rows = await (database.db as unknown as AnyDb).selectFrom('schema_migrations').select('name').execute();
  const done = new Set(rows.map((row: { name: string }) => row.name));
  return migrations.map((m) => m.name).filter((name) => !done.has(name));
}

async function ensureLedger(database: Database): Promise<void> {
  // CREATE TABLE IF NOT EXISTS can still race on PostgreSQL's catalog, hence the lock.
  await database.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, database.kind, 'wangge.migrate');
    await (trx as unknown as Kysely<unknown>).schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
  });
}
