import { systemActor } from '../../../platform/authz/actor.ts';
import type { Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { isUniqueViolation } from '../../../platform/db/dialect.ts';
import { ulidFactory } from '../../../platform/ids.ts';
import { residentMicrogrids } from '../../people/people.contact.ts';
import { openCareCase } from '../checkins.cases.ts';
import {
  alertEvent,
  audit,
  LADDER_TOP,
  levelsOf,
  minutesBetween,
  overdueMessage,
  peopleOf,
  raiseClaimed,
  rungMessage,
  rungRefs,
  sendTo,
} from '../checkins.ladder.ts';
import { insertAlertEvents, listDueOverdue, listDueRungs, listWantedCases, updateAlert } from '../checkins.alertLog.ts';
import {
  activeSubjectsAfter,
  awaysOverlapping,
  checksPlanned,
  claimDueChecks,
  insertChecks,
  moveSubject,
  type AlertRow,
  type CheckRow,
  type SubjectRow,
} from '../checkins.repository.ts';
import { pruneSignals } from '../checkins.signalLog.ts';
import { checkinSettings, rungDueAt } from '../checkins.settings.ts';
import { addDays, checksToPlan, today } from '../checkins.windows.ts';

const sweeper = systemActor('checkin-sweeper');
const ulid = ulidFactory();
const BATCH = 200;
/** Checks claimed and raised per transaction: a deadline falls due for everyone on the roster at once. */
const RAISE_BATCH = 1000;
const PLAN_BATCH = 2000;
/** Signals are kept this long (meter baselines need a day; the rest is for looking back). */
const SIGNAL_DAYS = 90;
/** A care case is opened by the outcome's own request; the sweeper steps in only after this. */
const CASE_GRACE_MS = 60_000;

export interface SweepResult {
  planned: number;
  raised: number;
  away: number;
  climbed: number;
  overdue: number;
  cases: number;
}

/** The day each platform (instance) last planned: planning runs at start and once a day after. */
const plannedDay = new WeakMap<Platform, string>();

/**
 * The curtain pact's clock (DOMAIN.md §5), run every CHECKIN_SWEEP_INTERVAL_SECONDS and once at
 * start, on every instance:
 *
 * 1. plans the checks of yesterday, today and tomorrow (once a day per instance; idempotent);
 * 2. raises an alert for every waiting check whose deadline passed — or marks it away when an away
 *    period covers the deadline — in batches claimed by one statement each;
 * 3. climbs one rung for every alert whose next rung is due (nobody acknowledged, no sign of life);
 * 4. flags overdue every alert still without an outcome at its overdue time (the command centre hears);
 * 5. opens the care cases that serious outcomes want and a crash left unopened.
 *
 * Exactly once on any number of instances: a check is claimed by a conditional update (PostgreSQL
 * skips rows another instance is claiming) and its alert is unique per check; a rung or an overdue
 * flag is taken by a conditional update on the alert's version and recorded under the primary key
 * (alert, step). Deadlines that passed while the server was down are found by the first sweep after
 * start, each raised once with its gap (`late_minutes`), and each missed rung climbed once, marked late.
 */
export async function sweepCheckins(platform: Platform): Promise<SweepResult> {
  const result: SweepResult = { planned: 0, raised: 0, away: 0, climbed: 0, overdue: 0, cases: 0 };
  const day = today(platform.clock.now(), platform.config.timeZone);
  if (plannedDay.get(platform) !== day) {
    result.planned = await planChecks(platform);
    plannedDay.set(platform, day);
  }
  await raiseDue(platform, result);
  result.climbed = await eachDue(platform, listDueRungs, climbOneRung);
  result.overdue = await eachDue(platform, listDueOverdue, flagOverdue);
  const before = new Date(platform.clock.now().getTime() - CASE_GRACE_MS).toISOString();
  for (const alert of await listWantedCases(platform.database.db, before, BATCH)) {
    if (await openCareCase(platform, alert.id, null)) result.cases++;
  }
  return result;
}

/**
 * Plans the checks of yesterday, today and tomorrow for everyone on the roster (a check already
 * planned stays as it is), following each subject to the micro-grid they now live in, and forgets
 * old signals. Yesterday is included so that a server down for more than a day still raises the
 * deadlines it missed; `planned_from` keeps anyone from being alerted for a deadline before their plan.
 */
export async function planChecks(platform: Platform): Promise<number> {
  const { db } = platform.database;
  const now = platform.clock.now();
  const at = now.toISOString();
  const tz = platform.config.timeZone;
  const day = today(now, tz);
  const days = [addDays(day, -1), day, addDays(day, 1)];
  let planned = 0;
  let after = '';
  for (;;) {
    const subjects = await activeSubjectsAfter(db, after, PLAN_BATCH);
    if (subjects.length === 0) break;
    after = subjects[subjects.length - 1].id;
    // A page in one transaction: one commit for its thousands of checks rather than one per statement.
    planned += await db.transaction().execute(async (trx) => {
      await followMoves(trx, subjects, at);
      const rows = await unplannedChecks(trx, subjects, days, tz, () => ulid(now.getTime()), at);
      await markAway(trx, rows);
      return insertChecks(trx, rows);
    });
  }
  await pruneSignals(db, new Date(now.getTime() - SIGNAL_DAYS * 86_400_000).toISOString());
  return planned;
}

/**
 * The checks of `days` not planned yet: a day on which a subject already has a check for every window
 * of their plan is passed over (on a normal day, yesterday and today), the rest is planned as
 * `checksToPlan` plans it and inserted as `insertChecks` inserts it, so a window planned meanwhile is
 * still left as it is.
 */
async function unplannedChecks(trx: Trx, subjects: SubjectRow[], days: string[], tz: string, newId: () => string, at: string) {
  const planned = await checksPlanned(
    trx,
    subjects.map((s) => s.id),
    days[0],
    days[days.length - 1],
  );
  return subjects.flatMap((subject) => {
    const windows = subject.evening_start && subject.evening_end ? 2 : 1;
    const open = days.filter((day) => (planned.get(`${subject.id} ${day}`) ?? 0) < windows);
    return open.length === 0 ? [] : checksToPlan(subject, open, tz, newId, at);
  });
}

/** Checks about to be planned whose deadline falls in an away period are planned as away. */
export async function markAway(db: Platform['database']['db'] | Trx, rows: CheckRow[]): Promise<void> {
  if (rows.length === 0) return;
  const from = rows.reduce((min, r) => (r.due_at < min ? r.due_at : min), rows[0].due_at);
  const to = rows.reduce((max, r) => (r.due_at > max ? r.due_at : max), rows[0].due_at);
  const aways = await awaysOverlapping(db, [...new Set(rows.map((r) => r.subject_id))], from, new Date(Date.parse(to) + 1).toISOString());
  for (const row of rows) {
    if (aways.some((a) => a.subject_id === row.subject_id && a.starts_at <= row.due_at && a.ends_at > row.due_at)) row.state = 'away';
  }
}

/** A household that moved takes its people to another micro-grid: their plans follow. */
async function followMoves(db: Trx, subjects: SubjectRow[], at: string): Promise<void> {
  const microgrids = await residentMicrogrids(
    db,
    subjects.map((s) => s.resident_id),
  );
  for (const subject of subjects) {
    const now = microgrids.get(subject.resident_id);
    if (now && now !== subject.microgrid_code) {
      await moveSubject(db, subject.id, now, at);
      subject.microgrid_code = now;
    }
  }
}

async function raiseDue(platform: Platform, result: SweepResult): Promise<void> {
  const { db, kind } = platform.database;
  for (;;) {
    const now = platform.clock.now();
    const { claimed, raised } = await db.transaction().execute(async (trx) => {
      const rows = await claimDueChecks(trx, kind, now.toISOString(), RAISE_BATCH);
      const alerts = await raiseClaimed(platform, trx, rows, now, sweeper, null);
      return { claimed: rows.length, raised: alerts.length };
    });
    result.raised += raised;
    result.away += claimed - raised;
    // Fewer than a batch: done, or the rest is being claimed by another instance this very moment.
    if (claimed < RAISE_BATCH) return;
  }
}

type Step = (platform: Platform, alert: AlertRow, now: Date) => Promise<'done' | 'raced'>;

/** Runs `step` on every alert `list` finds due, batch after batch, until none is left or only races remain. */
async function eachDue(platform: Platform, list: typeof listDueRungs, step: Step): Promise<number> {
  let done = 0;
  for (;;) {
    const now = platform.clock.now();
    const due = await list(platform.database.db, now.toISOString(), BATCH);
    if (due.length === 0) return done;
    let progressed = 0;
    for (const alert of due) {
      if ((await step(platform, alert, now)) === 'done') {
        done++;
        progressed++;
      }
    }
    // Everything left due is being handled by another instance this very moment.
    if (progressed === 0) return done;
  }
}

class Raced extends Error {}

/** Runs one step of one alert in its own transaction; another instance taking it first is a race, not an error. */
async function exactlyOnce(platform: Platform, work: (trx: Trx) => Promise<void>): Promise<'done' | 'raced'> {
  try {
    await platform.database.db.transaction().execute(work);
    return 'done';
  } catch (error) {
    if (error instanceof Raced || isUniqueViolation(error)) return 'raced';
    throw error;
  }
}

/** Nobody acknowledged and no sign of life: the alert climbs to the next level (marked late if it should have climbed earlier). */
function climbOneRung(platform: Platform, alert: AlertRow, now: Date): Promise<'done' | 'raced'> {
  return exactlyOnce(platform, async (trx) => {
    const at = now.toISOString();
    const rung = alert.rung + 1;
    if (rung > LADDER_TOP) {
      if (!(await updateAlert(trx, alert.id, alert.version, { next_rung_at: null, updated_at: at }))) throw new Raced();
      return;
    }
    const { settings } = await checkinSettings(trx);
    const next = rung < LADDER_TOP ? rungDueAt(settings, alert.due_at, rung + 1) : null;
    if (!(await updateAlert(trx, alert.id, alert.version, { rung, next_rung_at: next, updated_at: at }))) throw new Raced();
    const people = (await peopleOf(platform, trx, [alert.subject_id], rung >= LADDER_TOP)).get(alert.subject_id)!;
    const refs = rungRefs(levelsOf(platform, alert.microgrid_code), rung, people.contacts);
    const lateMinutes = minutesBetween(alert.next_rung_at!, now);
    await insertAlertEvents(trx, [
      alertEvent(alert.id, `rung:${rung}`, sweeper, at, { recipients: refs, lateMinutes, dueAt: alert.next_rung_at }),
    ]);
    await sendTo(platform, trx, alert, refs, people, `rung:${rung}`, (ref) => rungMessage(platform, alert, rung, people, ref));
    await audit(platform, trx, sweeper, null, {
      action: 'checkin.escalate',
      objectType: 'care_alert',
      objectId: alert.id,
      summary: { rung, lateMinutes, recipients: refs.length },
    });
  });
}

/** No outcome an hour after the deadline (by default): overdue on the board, and the command centre hears. */
function flagOverdue(platform: Platform, alert: AlertRow, now: Date): Promise<'done' | 'raced'> {
  return exactlyOnce(platform, async (trx) => {
    const at = now.toISOString();
    if (!(await updateAlert(trx, alert.id, alert.version, { overdue_at: at, overdue_due_at: null, updated_at: at }))) throw new Raced();
    const { settings } = await checkinSettings(trx);
    const people = (await peopleOf(platform, trx, [alert.subject_id], false)).get(alert.subject_id)!;
    const refs = [{ unit: levelsOf(platform, alert.microgrid_code).district }];
    const lateMinutes = minutesBetween(alert.overdue_due_at!, now);
    await insertAlertEvents(trx, [
      alertEvent(alert.id, 'overdue', sweeper, at, { recipients: refs, lateMinutes, dueAt: alert.overdue_due_at }),
    ]);
    await sendTo(platform, trx, alert, refs, people, 'overdue', () => overdueMessage(platform, settings, alert, people));
    await audit(platform, trx, sweeper, null, {
      action: 'checkin.overdue',
      objectType: 'care_alert',
      objectId: alert.id,
      summary: { lateMinutes },
    });
  });
}
