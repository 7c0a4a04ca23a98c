import type { InsertQueryBuilder, Insertable, Kysely, Transaction } from 'kysely';
import { takesArrays, unnestedRows, type AnyDb } from './dialect.ts';
import type { Tables } from './database.ts';
import { runReusable } from './reusable.ts';

/**
 * Bound parameters one statement may carry: SQLite's default limit is 32,766 and PostgreSQL's
 * 65,535; staying under the lower one lets the same code run on both.
 */
const MAX_PARAMETERS = 30_000;
/** Rows per statement when they go as arrays (PostgreSQL): no parameter limit, a bound on the statement's size. */
const ARRAY_ROWS = 5_000;

type Executor = Kysely<Tables> | Transaction<Tables>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyInsert = InsertQueryBuilder<any, any, any>;

/**
 * Inserts many rows in as few statements as the parameter limits allow, in the order given.
 *
 * Rows that all give the same columns go as `sendRows` sends them. Rows that differ in their columns
 * (Kysely fills the gaps with DEFAULT) go through Kysely as they are.
 */
export async function insertInBatches<T extends keyof Tables & string>(
  db: Executor,
  table: T,
  rows: Insertable<Tables[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  // Kysely cannot follow a table name that is itself a type parameter; the signature above keeps callers typed.
  const anyDb = db as unknown as AnyDb;
  const columns = definedColumns(rows[0]);
  if (rows.every((row) => hasExactly(row, columns))) {
    await sendRows(anyDb, table, columns, rows as Record<string, unknown>[], '', (insert) => insert);
    return;
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]).length));
  for (let i = 0; i < rows.length; i += perStatement) {
    await anyDb
      .insertInto(table)
      .values(rows.slice(i, i + perStatement))
      .execute();
  }
}

/**
 * Inserts the rows whose `key` (a unique column) is not taken yet, ON CONFLICT DO NOTHING, and
 * returns the keys it stored: a key already in the table, or earlier in `rows`, stores nothing more.
 * Rows must all give the same columns; they are sent as `sendRows` sends them.
 */
export async function insertNewRows<T extends keyof Tables & string>(
  db: Executor,
  table: T,
  rows: Insertable<Tables[T]>[],
  key: keyof Tables[T] & string,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const columns = definedColumns(rows[0]);
  if (!rows.every((row) => hasExactly(row, columns))) throw new Error(`insertNewRows: rows of ${table} give different columns`);
  const stored = await sendRows(db as unknown as AnyDb, table, columns, rows as Record<string, unknown>[], ` new on ${key}`, (insert) =>
    insert.onConflict((oc) => oc.column(key).doNothing()).returning(key),
  );
  return new Set(stored.map((row) => (row as Record<string, string>)[key]));
}

/**
 * Rows that all give `columns`, in order: on PostgreSQL as one array per column (`unnestedRows`), a
 * statement per ARRAY_ROWS rows; on SQLite in statements of a power-of-two number of rows, each
 * compiled once per size (`runReusable`; `variant` names what `finish` adds to the SQL): Kysely builds
 * and compiles a statement of a thousand rows on every call otherwise, and sizes drawn from a dozen
 * keep the kept SQL few. Returns what the statements return.
 */
async function sendRows(
  db: AnyDb,
  table: string,
  columns: string[],
  rows: Record<string, unknown>[],
  variant: string,
  finish: (insert: AnyInsert) => AnyInsert,
): Promise<unknown[]> {
  const returned: unknown[] = [];
  if (takesArrays(db)) {
    for (let i = 0; i < rows.length; i += ARRAY_ROWS) {
      const source = await unnestedRows(db, table, columns, rows.slice(i, i + ARRAY_ROWS));
      returned.push(...(await finish(db.insertInto(table).columns(columns).expression(source)).execute()));
    }
    return returned;
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let i = 0; i < rows.length;) {
    const size = largestPowerOfTwoUpTo(Math.min(perStatement, rows.length - i));
    const chunk = rows.slice(i, i + size);
    const result = await runReusable(
      db,
      `insert ${table} (${columns.join(',')})${variant} x${size}`,
      chunk.flatMap((row) => columns.map((column) => row[column])),
      () => finish(db.insertInto(table).values(chunk)),
    );
    returned.push(...result.rows);
    i += size;
  }
  return returned;
}

/** The columns Kysely writes for a row: those whose value is not undefined, in the row's order. */
function definedColumns(row: object): string[] {
  return Object.entries(row).flatMap(([column, value]) => (value === undefined ? [] : [column]));
}

function hasExactly(row: object, columns: string[]): boolean {
  const values = row as Record<string, unknown>;
  let defined = 0;
  for (const column in values) if (values[column] !== undefined) defined++;
  return defined === columns.length && columns.every((column) => values[column] !== undefined);
}

function largestPowerOfTwoUpTo(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}
