import { insertInBatches } from '../../platform/db/batch.ts';
import { underPrefixes } from '../../platform/db/prefix.ts';
import { inChunks, type AlertEventRow, type AlertRow, type Executor } from './checkins.repository.ts';
import './checkins.tables.ts';

/**
 * The SQL of the alerts (care_alert: one per missed check or panic, with its rung, acknowledgement,
 * late signal and outcome) and of their timelines (care_alert_event: one row per step). The rest of
 * the curtain pact's SQL is in checkins.repository.ts and checkins.signalLog.ts.
 */

export function insertAlerts(db: Executor, rows: AlertRow[]): Promise<void> {
  return insertInBatches(db, 'care_alert', rows);
}

export function findAlert(db: Executor, id: string): Promise<AlertRow | undefined> {
  return db.selectFrom('care_alert').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAlertOfCheck(db: Executor, checkId: string): Promise<AlertRow | undefined> {
  return db.selectFrom('care_alert').selectAll().where('check_id', '=', checkId).executeTakeFirst();
}

export function alertsOfChecks(db: Executor, checkIds: string[]): Promise<AlertRow[]> {
  return inChunks(checkIds, (chunk) => db.selectFrom('care_alert').selectAll().where('check_id', 'in', chunk).execute());
}

/** The alerts of these checks, by check id (a check has at most one). */
export async function alertsByCheck(db: Executor, checkIds: string[]): Promise<Map<string, AlertRow>> {
  return new Map((await alertsOfChecks(db, checkIds)).map((alert) => [alert.check_id!, alert]));
}

/** Applies `changes` to an alert still at `version`; false when it moved on meanwhile. */
export async function updateAlert(db: Executor, id: string, version: number, changes: Partial<AlertRow>): Promise<boolean> {
  const result = await db
    .updateTable('care_alert')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Alerts whose next rung is due, soonest first. */
export function listDueRungs(db: Executor, now: string, limit: number): Promise<AlertRow[]> {
  return db
    .selectFrom('care_alert')
    .selectAll()
    .where('next_rung_at', 'is not', null)
    .where('next_rung_at', '<=', now)
    .orderBy('next_rung_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Alerts that became overdue without an outcome, soonest first. */
export function listDueOverdue(db: Executor, now: string, limit: number): Promise<AlertRow[]> {
  return db
    .selectFrom('care_alert')
    .selectAll()
    .where('overdue_due_at', 'is not', null)
    .where('overdue_due_at', '<=', now)
    .orderBy('overdue_due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Alerts whose outcome wants a care case that is not open yet, recorded before `before`. */
export function listWantedCases(db: Executor, before: string, limit: number): Promise<AlertRow[]> {
  return db
    .selectFrom('care_alert')
    .selectAll()
    .where('case_wanted', '=', 1)
    .where('outcome_at', '<=', before)
    .orderBy('outcome_at')
    .limit(limit)
    .execute();
}

export async function setAlertCase(db: Executor, id: string, caseId: string, at: string): Promise<void> {
  await db.updateTable('care_alert').set({ case_wanted: 0, case_id: caseId, updated_at: at }).where('id', '=', id).execute();
}

export interface AlertFilter {
  prefixes: string[];
  from: string;
  to: string;
  open?: boolean;
  subjectId?: string;
  after?: string;
  limit: number;
}

/** Alerts under the prefixes whose deadline falls in [from, to), newest first. */
export function listAlerts(db: Executor, filter: AlertFilter): Promise<AlertRow[]> {
  let query = db
    .selectFrom('care_alert')
    .selectAll()
    .where(underPrefixes('microgrid_code', filter.prefixes))
    .where('due_at', '>=', filter.from)
    .where('due_at', '<', filter.to);
  if (filter.open !== undefined) query = query.where('outcome', filter.open ? 'is' : 'is not', null);
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.after) query = query.where('id', '<', filter.after);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Inserts timeline steps; a step already taken throws (unique violation): the caller raced and lost. */
export function insertAlertEvents(db: Executor, rows: AlertEventRow[]): Promise<void> {
  return insertInBatches(db, 'care_alert_event', rows);
}

/** A timeline step that any of several racing callers may write: the first one stands. */
export async function insertAlertEventOnce(db: Executor, row: AlertEventRow): Promise<void> {
  await db
    .insertInto('care_alert_event')
    .values(row)
    .onConflict((oc) => oc.columns(['alert_id', 'step']).doNothing())
    .execute();
}

export function eventsOfAlert(db: Executor, alertId: string): Promise<AlertEventRow[]> {
  return db.selectFrom('care_alert_event').selectAll().where('alert_id', '=', alertId).orderBy('at').orderBy('step').execute();
}
