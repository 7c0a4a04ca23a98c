import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Log } from '../log.ts';

/**
 * Every table of the platform. Empty here on purpose: each module's `*.tables.ts` adds its own
 * tables by declaration merging, so the platform never imports a module and every repository still
 * gets fully typed SQL over the whole schema.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tables {}

export type Db = Kysely<Tables>;
export type DbKind = 'sqlite' | 'postgres';

export interface Database {
  db: Db;
  kind: DbKind;
  /** The raw SQLite handle, for the online backup API; absent on PostgreSQL. */
  sqlite?: BetterSqlite3.Database;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  log?: Log;
  poolSize?: number;
}

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'wangge.sqlite');
}

export function openDatabase(options: DatabaseOptions): Database {
  return options.databaseUrl ? openPostgres(options) : openSqlite(sqliteFile(options.dataDir));
}

/**
 * The commit that takes the write-ahead log past this many pages copies them into the database file
 * and syncs it (a checkpoint). SQLite's default is 1,000 pages (4 MB); at 8,000 a page written again
 * and again (an index's last leaf, a check updated by every signal of a morning) is copied once
 * instead of eight times, and the file is synced an eighth as often: the MQTT ingest ran 10-25 %
 * faster on the same machine (docs/benchmarks.md). The log grows to about 32 MB between checkpoints
 * (opening the database after a crash replays it).
 */
const CHECKPOINT_PAGES = 8_000;
/** When the log starts over after a burst that made it larger than this, it is cut back to this size. */
const WAL_KEPT_BYTES = 64 * 1024 * 1024;

export function openSqlite(file: string): Database {
  mkdirSync(dirname(file), { recursive: true });
  const handle = new BetterSqlite3(file);
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  handle.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
  handle.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return {
    db,
    kind: 'sqlite',
    sqlite: handle,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

const STATEMENT_CACHE_SIZE = 1000;

/**
 * The handle as Kysely's SQLite driver sees it, with prepared statements kept: the driver prepares
 * every query it runs, and compiling the SQL again costs more than running most of them (a report
 * runs about fifteen). Statements are kept by their SQL text, the oldest dropped past
 * STATEMENT_CACHE_SIZE (lists with `in (...)` of varying length make new texts). A statement still
 * being iterated is never handed out twice: a fresh one is prepared instead. SQLite re-prepares a
 * kept statement by itself when the schema changes under it.
 */
function withStatementCache(handle: BetterSqlite3.Database): { prepare: BetterSqlite3.Database['prepare']; close(): void } {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    const kept = statements.get(source);
    if (kept && !kept.busy) return kept;
    const statement = handle.prepare(source);
    if (!kept) {
      statements.set(source, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    }
    return statement;
  };
  return {
    prepare: prepare as BetterSqlite3.Database['prepare'],
    close: () => {
      statements.clear();
      handle.close();
    },
  };
}

// PostgreSQL returns bigint counts and numerics as strings; the data rules want numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

function openPostgres(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
  });
  // An idle client losing its server emits here; without a listener the process would crash
  // instead of answering 503 until the database returns.
  pool.on('error', (error) => options.log?.warn({ err: error.message }, 'postgres client lost'));
  // pg-pool listens only while a client is idle; a client that loses its server in the middle of a
  // query would otherwise emit an unhandled 'error' and bring the process down.
  pool.on('connect', (client) => client.on('error', (error) => options.log?.warn({ err: error.message }, 'postgres connection lost')));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
