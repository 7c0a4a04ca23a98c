import { sql, type Transaction } from 'kysely';
import type { Db, Tables } from '../../platform/db/database.ts';
import { underPrefixes } from '../../platform/db/prefix.ts';
import type { ErrandIncrement } from './errands.tally.ts';
import type { ErrandState } from './errands.kinds.ts';
import type { ErrandTable } from './errands.tables.ts';
import './errands.tables.ts';

/** All SQL of the errands module. Scoped reads take the caller's reach; nothing here decides who may act. */
export type Executor = Db | Transaction<Tables>;
export type ErrandRow = ErrandTable;

export async function insertErrand(db: Executor, row: ErrandRow): Promise<void> {
  await db.insertInto('errand').values(row).execute();
}

export function findErrand(db: Executor, id: string): Promise<ErrandRow | undefined> {
  return db.selectFrom('errand').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findErrandByLinkHash(db: Executor, linkHash: string): Promise<ErrandRow | undefined> {
  return db.selectFrom('errand').selectAll().where('link_hash', '=', linkHash).executeTakeFirst();
}

/** Writes an errand's changes if nobody changed it since `version` was read; false when someone did. */
export async function updateErrand(db: Executor, id: string, version: number, changes: Partial<ErrandRow>): Promise<boolean> {
  const result = await db
    .updateTable('errand')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whose errands a list may show: a worker's own, or those of micro-grids under an area's prefixes. */
export type ErrandReach = { kind: 'worker'; userId: string; prefixes?: string[] } | { kind: 'area'; prefixes: string[] };

export interface ErrandFilter {
  reach: ErrandReach;
  state?: ErrandState;
  /** Errands still open (logged) whose promise passed before this instant. */
  overdueAt?: string;
  after?: string;
  limit: number;
}

/** A page of errands, newest first, within the reach and filters. */
export function listErrands(db: Executor, filter: ErrandFilter): Promise<ErrandRow[]> {
  let query = db.selectFrom('errand').selectAll();
  const { reach } = filter;
  if (reach.kind === 'worker') {
    query = query.where('worker_user_id', '=', reach.userId);
    if (reach.prefixes) query = query.where(underPrefixes('microgrid_code', reach.prefixes));
  } else {
    query = query.where(underPrefixes('microgrid_code', reach.prefixes));
  }
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.overdueAt) query = query.where('state', '=', 'logged').where('promised_by', '<', filter.overdueAt);
  if (filter.after) query = query.where('id', '<', filter.after);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Open errands past their promise that the grid has not been told about, oldest promise first. */
export function listNewlyOverdue(db: Executor, now: string, limit: number): Promise<ErrandRow[]> {
  return db
    .selectFrom('errand')
    .selectAll()
    .where('state', '=', 'logged')
    .where('promised_by', '<', now)
    .where('overdue_notified_at', 'is', null)
    .orderBy('promised_by')
    .limit(limit)
    .execute();
}

/** Marks the grid told; false when another instance (or a change of state) got there first. */
export async function markOverdueNotified(db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('errand')
    .set({ overdue_notified_at: at })
    .where('id', '=', id)
    .where('state', '=', 'logged')
    .where('overdue_notified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- counters ---

/** Adds to the per-day counters (one upsert; repeated keys summed first). */
export async function addErrandTallies(db: Executor, increments: readonly ErrandIncrement[]): Promise<void> {
  if (increments.length === 0) return;
  const sums = new Map<string, { unit_code: string; worker_user_id: string; day: string; measure: string; count: number }>();
  for (const { unit, worker, day, measure } of increments) {
    const key = `${unit}|${worker}|${day}|${measure}`;
    const row = sums.get(key) ?? { unit_code: unit, worker_user_id: worker, day, measure, count: 0 };
    row.count++;
    sums.set(key, row);
  }
  await db
    .insertInto('errand_tally')
    .values([...sums.values()])
    .onConflict((oc) =>
      oc
        .columns(['unit_code', 'worker_user_id', 'day', 'measure'])
        .doUpdateSet({ count: sql<number>`errand_tally.count + excluded.count` }),
    )
    .execute();
}

export interface ErrandTallySum {
  unit_code: string;
  worker_user_id: string;
  measure: string;
  count: number;
}

/** The counters of `unitCode` and every unit and worker under it, summed over days [from, to]. */
export async function sumErrandTallies(db: Executor, unitCode: string, from: string, to: string): Promise<ErrandTallySum[]> {
  const rows = await db
    .selectFrom('errand_tally')
    .select(['unit_code', 'worker_user_id', 'measure', (eb) => eb.fn.sum<number>('count').as('count')])
    .where(underPrefixes('unit_code', [unitCode]))
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy(['unit_code', 'worker_user_id', 'measure'])
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

export function allErrandTallies(db: Executor) {
  return db.selectFrom('errand_tally').selectAll().execute();
}

export function allErrands(db: Executor): Promise<ErrandRow[]> {
  return db.selectFrom('errand').selectAll().orderBy('id').execute();
}
