import { createHash } from 'node:crypto';
import { SqliteAdapter, sql, type DialectAdapter, type Kysely, type RawBuilder, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { DbKind } from './database.ts';

/**
 * The only place that asks "sqlite or postgres?". Everything else writes portable Kysely and calls
 * these helpers where the two databases really differ.
 */

/** True when a write failed on a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
]);

/** True when the database cannot be reached right now (answered with 503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && unavailableCodes.has(e.code)) return true;
  const message = e.message ?? '';
  return (
    message.includes('Connection terminated') ||
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('Client has encountered a connection error') ||
    message.includes('driver has already been destroyed') ||
    message.includes('The database connection is not open')
  );
}

/** A stable 64-bit advisory lock key for a name, as PostgreSQL wants a bigint. */
export function lockKey(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/**
 * Serialises transactions that take the same named lock, until they commit. On SQLite a write
 * transaction is already exclusive, so nothing is needed there.
 */
export async function lockForTransaction<T>(trx: Transaction<T>, kind: DbKind, name: string): Promise<void> {
  if (kind !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${lockKey(name).toString()}::bigint)`.execute(trx);
}

export type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * True when the database plans its queries without statistics, so a query whose best plan depends on
 * how many rows a condition matches must choose its index itself (`unindexed` in prefix.ts): SQLite,
 * where nothing runs ANALYZE. PostgreSQL keeps statistics on every column (autovacuum analyses) and
 * chooses well from them, so there the query is left as it is. Asked of the executor (a database or
 * a transaction) through its dialect adapter.
 */
export function plansWithoutStatistics(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * True when the database takes a whole column of rows as one array parameter (PostgreSQL), so bulk
 * rows can go as `unnestedRows`; SQLite has no arrays, and there rows go as multi-row VALUES.
 */
export function takesArrays(db: AnyDb): boolean {
  return !(db.getExecutor().adapter instanceof SqliteAdapter);
}

/**
 * Rows as the source of an `INSERT ... SELECT` on PostgreSQL: one array per column, unnested back into
 * rows in their order (`select * from unnest($1::text[], $2::integer[], ...)`). A thousand rows are a
 * dozen parameters rather than twelve thousand, in SQL that is the same whatever their number, which
 * PostgreSQL parses, plans and runs in about two thirds of the time of the multi-row VALUES
 * (docs/benchmarks.md, "Curtain pact: deadline sweep"). Each array is cast to its column's type.
 */
export async function unnestedRows(
  db: AnyDb,
  table: string,
  columns: string[],
  rows: readonly Record<string, unknown>[],
): Promise<RawBuilder<unknown>> {
  const types = await columnTypes(db, table);
  const arrays = columns.map((column) => {
    const type = types.get(column);
    if (!type) throw new Error(`unnestedRows: ${table} has no column ${column}`);
    return sql`${rows.map((row) => row[column] ?? null)}::${sql.raw(type)}[]`;
  });
  return sql`select * from unnest(${sql.join(arrays)})`;
}

// Per database (a transaction shares its database's adapter): tables' column types, read once each.
const typesOfTables = new WeakMap<DialectAdapter, Map<string, Promise<Map<string, string>>>>();

function columnTypes(db: AnyDb, table: string): Promise<Map<string, string>> {
  const adapter = db.getExecutor().adapter;
  let tables = typesOfTables.get(adapter);
  if (!tables) typesOfTables.set(adapter, (tables = new Map()));
  let types = tables.get(table);
  if (!types) {
    types = sql<{ name: string; type: string }>`select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
        where attrelid = to_regclass(${table}) and attnum > 0 and not attisdropped`
      .execute(db)
      .then((result) => {
        if (result.rows.length === 0) throw new Error(`unnestedRows: there is no table ${table}`);
        return new Map(result.rows.map((column) => [column.name, column.type]));
      });
    // A failed read (or a table not there yet) is not kept: the next insert asks again.
    types.catch(() => tables.delete(table));
    tables.set(table, types);
  }
  return types;
}

/**
 * Makes a table append-only in the database itself: UPDATE and DELETE fail whoever issues them, so
 * no code path (or slip at a SQL prompt) can change history. Someone who drops the triggers can, and
 * that is what the audit chain's hashes and seals are for.
 */
export async function makeAppendOnly(db: AnyDb, kind: DbKind, table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (kind === 'postgres') {
    await sql
      .raw(
        `create or replace function ${table}_append_only() returns trigger language plpgsql as $$ ` +
          `begin raise exception '${message}' using errcode = 'restrict_violation'; end $$`,
      )
      .execute(db);
    await sql
      .raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function ${table}_append_only()`)
      .execute(db);
    return;
  }
  for (const operation of ['update', 'delete']) {
    await sql
      .raw(`create trigger ${table}_no_${operation} before ${operation} on ${table} begin select raise(abort, '${message}'); end`)
      .execute(db);
  }
}

/**
 * A SELECT that locks the rows it returns and passes over rows another transaction holds
 * (`FOR UPDATE SKIP LOCKED`), on PostgreSQL: instances claiming work from one table each take
 * different rows instead of queueing behind each other. SQLite has one writer and no row locks, so
 * there the query stays as it is.
 */
export function forUpdateSkipLocked<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  kind: DbKind,
): SelectQueryBuilder<DB, TB, O> {
  return kind === 'postgres' ? query.forUpdate().skipLocked() : query;
}
