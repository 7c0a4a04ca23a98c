import type { Insertable, Kysely, Transaction } from 'kysely';
import type { AnyDb } from './dialect.ts';
import type { Tables } from './database.ts';

/**
 * Bound parameters one statement may carry: SQLite's default limit is 32,766 and PostgreSQL's
 * 65,535; staying under the lower one lets the same code run on both.
 */
const MAX_PARAMETERS = 30_000;

/** Inserts many rows in as few statements as the parameter limits allow, in the order given. */
export async function insertInBatches<T extends keyof Tables & string>(
  db: Kysely<Tables> | Transaction<Tables>,
  table: T,
  rows: Insertable<Tables[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]).length));
  for (let i = 0; i < rows.length; i += perStatement) {
    // Kysely cannot follow a table name that is itself a type parameter; the signature above keeps callers typed.
    await (db as unknown as AnyDb)
      .insertInto(table)
      .values(rows.slice(i, i + perStatement))
      .execute();
  }
}
