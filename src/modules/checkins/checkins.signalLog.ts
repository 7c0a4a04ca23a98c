import type { SignalType } from './checkins.words.ts';
import { sql } from 'kysely';
import { runReusable, selectReusable, wroteOneRow } from '../../platform/db/reusable.ts';
import type { Executor, SignalRow } from './checkins.repository.ts';
import './checkins.tables.ts';

/**
 * The SQL of the signal log (care_signal: every sign of life received, kept 90 days) and of the
 * refused signals' counters (care_signal_rejection). The rest of the curtain pact's SQL is in
 * checkins.repository.ts.
 */

// ── Signals ──────────────────────────────────────────────────────────────────────────────────────

/** Reusable. Records a signal; false when this origin already sent this message id (a repeat: nothing to do). */
export async function insertSignal(db: Executor, row: SignalRow): Promise<boolean> {
  // The columns in one fixed order, whatever the caller's: the order the kept SQL takes their values in.
  const { origin, message_id, subject_id, device_id, type, ts, received_at, value, source, actor_id, effect, check_id } = row;
  const ordered: SignalRow = {
    origin,
    message_id,
    subject_id,
    device_id,
    type,
    ts,
    received_at,
    value,
    source,
    actor_id,
    effect,
    check_id,
  };
  const result = await runReusable(db, 'care signal unless known', Object.values(ordered), () =>
    db
      .insertInto('care_signal')
      .values(ordered)
      .onConflict((oc) => oc.columns(['origin', 'message_id']).doNothing()),
  );
  return wroteOneRow(result);
}

/** Reusable. */
export async function setSignalEffect(
  db: Executor,
  origin: string,
  messageId: string,
  effect: string,
  checkId: string | null,
): Promise<void> {
  await runReusable(db, 'care signal effect', [effect, checkId, origin, messageId], () =>
    db.updateTable('care_signal').set({ effect, check_id: checkId }).where('origin', '=', origin).where('message_id', '=', messageId),
  );
}

/** Reusable: the meter reading of a subject's `origin` (a device) at or before `ts`, latest first. */
export async function readingAtOrBefore(db: Executor, subjectId: string, type: SignalType, origin: string, ts: string) {
  const [reading] = await selectReusable(db, 'care signal reading at or before', [subjectId, type, ts, origin, 1], () =>
    db
      .selectFrom('care_signal')
      .select(['ts', 'value'])
      .where('subject_id', '=', subjectId)
      .where('type', '=', type)
      .where('ts', '<=', ts)
      .where('origin', '=', origin)
      .where('value', 'is not', null)
      .orderBy('ts', 'desc')
      .limit(1),
  );
  return reading;
}

/** Reusable: the first meter reading of a subject's `origin` at or after `ts`. */
export async function readingAtOrAfter(db: Executor, subjectId: string, type: SignalType, origin: string, ts: string) {
  const [reading] = await selectReusable(db, 'care signal reading at or after', [subjectId, type, ts, origin, 1], () =>
    db
      .selectFrom('care_signal')
      .select(['ts', 'value'])
      .where('subject_id', '=', subjectId)
      .where('type', '=', type)
      .where('ts', '>=', ts)
      .where('origin', '=', origin)
      .where('value', 'is not', null)
      .orderBy('ts')
      .limit(1),
  );
  return reading;
}

/** Signals received before `before` are forgotten (the checks and alerts keep what they did). */
export async function pruneSignals(db: Executor, before: string): Promise<void> {
  await db.deleteFrom('care_signal').where('received_at', '<', before).execute();
}

/** Reusable: one more rejected signal of this day, channel and reason. */
export async function countRejection(db: Executor, day: string, channel: string, reason: string): Promise<void> {
  await runReusable(db, 'care signal rejection counted', [day, channel, reason, 1], () =>
    db
      .insertInto('care_signal_rejection')
      .values({ day, channel, reason, count: 1 })
      .onConflict((oc) => oc.columns(['day', 'channel', 'reason']).doUpdateSet({ count: sql<number>`care_signal_rejection.count + 1` })),
  );
}

export function rejectionsBetween(db: Executor, fromDay: string, toDay: string) {
  return db
    .selectFrom('care_signal_rejection')
    .selectAll()
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day')
    .orderBy('channel')
    .orderBy('reason')
    .execute();
}
