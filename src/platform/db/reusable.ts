import { createQueryId, RawNode, type Compilable, type DialectAdapter, type Insertable, type Kysely, type QueryResult } from 'kysely';
import type { Tables } from './database.ts';
import type { AnyDb } from './dialect.ts';

/**
 * Queries on a hot path, built once. Kysely builds a query as a tree of frozen nodes and compiles it
 * to SQL on every call; for a query of a few microseconds that is most of its cost (a case report
 * runs about fifteen). `runReusable` compiles the query the first time a `shape` is seen on a
 * dialect, keeps its SQL, and afterwards sends that SQL with the call's values alone.
 *
 * The caller names the shape and lists the values in the order the compiled query takes them. Both
 * are checked: the first compile of a shape must take exactly the values given (else the shape is
 * never kept and every call compiles, as without this), and only plain values (strings, numbers,
 * null, bytes) can be sent this way; anything else goes through Kysely as usual. A shape must say
 * everything that changes the SQL (the columns written, how many rows): the values are all that may
 * differ between two calls of one shape. The check compares values position by position, so two values
 * that are equal on the first call (two nulls) could be listed the wrong way round unnoticed: list them
 * in the order the query is written, as `insertReusable` does by construction.
 */
export async function runReusable<R>(
  db: AnyDb,
  shape: string,
  values: readonly unknown[],
  build: () => Compilable<R>,
): Promise<QueryResult<R>> {
  const known = shapesOf(db.getExecutor().adapter);
  const kept = known.get(shape);
  const plain = values.every(isPlain);
  if (kept && plain) return db.executeQuery<R>({ ...kept, parameters: values, queryId: createQueryId() });
  const compiled = build().compile();
  if (!kept && plain && sameValues(compiled.parameters, values))
    known.set(shape, { sql: compiled.sql, query: RawNode.createWithSql(compiled.sql) });
  return db.executeQuery(compiled);
}

/** The rows of a reusable query: a select, or a write with RETURNING. */
export async function selectReusable<R>(db: AnyDb, shape: string, values: readonly unknown[], build: () => Compilable<R>): Promise<R[]> {
  return (await runReusable(db, shape, values, build)).rows;
}

/**
 * Inserts one row as a reusable query, its shape the table and the columns given (Kysely leaves
 * out the columns whose value is undefined, so they are left out here too).
 */
export async function insertReusable<T extends keyof Tables & string>(
  db: Kysely<Tables>,
  table: T,
  row: Insertable<Tables[T]>,
): Promise<void> {
  const values = row as Record<string, unknown>;
  const columns = Object.keys(values).filter((column) => values[column] !== undefined);
  await runReusable(
    db,
    `insert ${table} (${columns.join(',')})`,
    columns.map((column) => values[column]),
    () => (db as AnyDb).insertInto(table).values(values),
  );
}

// Per dialect: the SQL text differs (`?` against `$1`), and a transaction shares its database's adapter.
const shapes = new WeakMap<DialectAdapter, Map<string, Kept>>();

/** A kept shape: its SQL, and the node a raw query of that SQL is (built once, not per call). */
interface Kept {
  sql: string;
  query: RawNode;
}

function shapesOf(adapter: DialectAdapter): Map<string, Kept> {
  let known = shapes.get(adapter);
  if (!known) shapes.set(adapter, (known = new Map()));
  return known;
}

/** Whether a reusable write (`runReusable`) wrote exactly one row. */
export function wroteOneRow(result: { numAffectedRows?: bigint }): boolean {
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** The shapes kept for this database's dialect: what a test checks to see that a hot query is reused. */
export function keptShapes(db: AnyDb): string[] {
  return [...shapesOf(db.getExecutor().adapter).keys()];
}

function isPlain(value: unknown): boolean {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || value instanceof Uint8Array
  );
}

function sameValues(compiled: readonly unknown[], given: readonly unknown[]): boolean {
  return compiled.length === given.length && compiled.every((value, i) => value === given[i]);
}
