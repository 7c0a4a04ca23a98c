import type { Insertable, Kysely, Transaction } from 'kysely';
import type { AnyDb } from './dialect.ts';
import type { Tables } from './database.ts';
import { runReusable } from './reusable.ts';

/**
 * Bound parameters one statement may carry: SQLite's default limit is 32,766 and PostgreSQL's
 * 65,535; staying under the lower one lets the same code run on both.
 */
const MAX_PARAMETERS = 30_000;

/**
 * Inserts many rows in as few statements as the parameter limits allow, in the order given.
 *
 * Rows that all give the same columns go in statements of a power-of-two number of rows, each
 * compiled once per size (`runReusable`): Kysely builds and compiles a statement of a thousand rows
 * on every call otherwise, and sizes drawn from a dozen keep the kept SQL few. Rows that differ in
 * their columns (Kysely fills the gaps with DEFAULT) go through Kysely as they are.
 */
export async function insertInBatches<T extends keyof Tables & string>(
  db: Kysely<Tables> | Transaction<Tables>,
  table: T,
  rows: Insertable<Tables[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  // Kysely cannot follow a table name that is itself a type parameter; the signature above keeps callers typed.
  const anyDb = db as unknown as AnyDb;
  const columns = definedColumns(rows[0]);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]).length));
  if (!rows.every((row) => hasExactly(row, columns))) {
    for (let i = 0; i < rows.length; i += perStatement) {
      await anyDb
        .insertInto(table)
        .values(rows.slice(i, i + perStatement))
        .execute();
    }
    return;
  }
  for (let i = 0; i < rows.length;) {
    const size = largestPowerOfTwoUpTo(Math.min(perStatement, rows.length - i));
    const chunk = rows.slice(i, i + size) as Record<string, unknown>[];
    await runReusable(
      anyDb,
      `insert ${table} (${columns.join(',')}) x${size}`,
      chunk.flatMap((row) => columns.map((column) => row[column])),
      () => anyDb.insertInto(table).values(chunk),
    );
    i += size;
  }
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
