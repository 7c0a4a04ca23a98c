import type { Actor } from '../platform/authz/actor.ts';
import { systemActor } from '../platform/authz/actor.ts';
import type { Clock } from '../platform/clock.ts';
import type { Platform } from '../platform/context.ts';
import { AppError } from '../platform/http/errors.ts';
import type { Job } from '../platform/jobs/scheduler.ts';
import { usernamesById } from '../modules/accounts/accounts.queries.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';
import { workerAccountsOf } from '../modules/people/people.contact.ts';
import { findAlertOfCheck } from '../modules/checkins/checkins.alertLog.ts';
import { activeSubjectsAfter, checksOfDay, devicesOf, type CheckRow, type SubjectRow } from '../modules/checkins/checkins.repository.ts';
import { checkinSettings, overdueAt, rungDueAt } from '../modules/checkins/checkins.settings.ts';
import { addDays, today } from '../modules/checkins/checkins.windows.ts';
import { LADDER_TOP } from '../modules/checkins/checkins.ladder.ts';
import { addAway } from '../modules/checkins/commands/awayPeriods.ts';
import { recordSignal } from '../modules/checkins/commands/recordSignal.ts';
import { acknowledgeAlert, recordOutcome } from '../modules/checkins/commands/respondToAlert.ts';
import { planChecks, sweepCheckins } from '../modules/checkins/commands/sweepCheckins.ts';
import { careDayOf, fateOf, leftOpen, type CareDayDevice, type CareDayEvent } from './careDay.ts';
import { DEMO_SEED } from './firstStart.ts';

/**
 * Plays the demo's simulated day (careDay.ts) against the real curtain pact module, as a job of the
 * server (`demo.care-day`, every minute) and before every run of the check-in sweep, only when the
 * installed district is the demo's, WANGGE_DEMO_DAY is on and WANGGE_DEMO is not off.
 *
 * Each run plays what has come due since the last run (at start: everything of the last days up to
 * now), in time order, each step with the platform's clock set to the step's own time: signals
 * through `recordSignal`, away periods through `addAway`, the sweep (`sweepCheckins`) at each
 * deadline and each rung of the ladder, the worker's acknowledgement and outcome through
 * `acknowledgeAlert` / `recordOutcome`. A server started at 14:00 thus holds a morning that happened
 * at morning times (alerts raised at the deadline, outcomes within the hour), not 1,600 alerts
 * raised at 14:00. Records of those steps (and their audit records) carry the simulated times.
 *
 * Idempotent: signals carry message ids made of the person, the day and the window (a repeat is a
 * duplicate); away periods, acknowledgements and outcomes are played only while the check or alert
 * still waits for them. Actors: the micro-grid's worker account for ticks, acknowledgements and
 * outcomes; the system (`demo`) for away periods; devices and links speak for themselves.
 */

/** How far back a run at start looks: the sweep plans yesterday too, and a server down a day or two comes back to a played day. */
const DAYS_BACK = 2;
/** The subjects, their devices and workers are read again after this long (the roster may change). */
const ROSTER_TTL_MS = 10 * 60_000;
/** A sweep runs this long after each deadline, rung and overdue time (as the real one would, every 30 s). */
const SWEEP_AFTER_MS = 30_000;

const demoActor = systemActor('demo');

interface Roster {
  readAt: number;
  subjects: SubjectRow[];
  microgridOf: Map<string, string>;
  devices: Map<string, CareDayDevice[]>;
  workers: Map<string, Actor>;
  /** The days drawn so far. */
  days: Map<string, CareDayEvent[]>;
}

interface State {
  /** Everything due up to here has been played (epoch ms); unset after a start. */
  playedUntil?: number;
  /** The day this process last planned checks. */
  plannedDay?: string;
  roster?: Roster;
  running?: Promise<CareDayRun>;
  /** The platform with a settable clock the steps run under. */
  sim: Platform;
  clock: { at: number } & Clock;
  isDemo?: boolean;
}

const states = new WeakMap<Platform, State>();

export interface CareDayRun {
  played: boolean;
  signals: number;
  aways: number;
  acks: number;
  outcomes: number;
  sweeps: number;
  /** Steps that threw (logged); the others went on. */
  failed: number;
}

/** The check-in sweep waits for the simulation: a morning not played yet must not be raised as 1,600 missed checks. */
export function withDemoDay(platform: Platform, jobs: Job[]): Job[] {
  if (!demoDayOn(platform)) return jobs;
  const ordered = jobs.map((job): Job =>
    job.name === 'checkins.sweep'
      ? {
          ...job,
          run: async () => {
            try {
              await runDemoDay(platform);
            } finally {
              await job.run();
            }
          },
        }
      : job,
  );
  return [...ordered, { name: 'demo.care-day', everySeconds: 60, run: async () => void (await runDemoDay(platform)) }];
}

/** Plays what has come due; one run at a time per platform (the sweep and the job share it). */
export function runDemoDay(platform: Platform): Promise<CareDayRun> {
  const state = stateOf(platform);
  state.running ??= play(platform, state).finally(() => (state.running = undefined));
  return state.running;
}

/**
 * True when the installed district was created by the demo loader (its creation in the audit trail
 * is the system actor `demo`): a real district named 马村区 with code 410804 never is.
 */
export async function demoInstalled(platform: Platform): Promise<boolean | undefined> {
  const { db } = platform.database;
  const district = await installedDistrict(db);
  if (!district) return undefined;
  const created = await db
    .selectFrom('audit_record')
    .select('actor_label')
    .where('action', '=', 'org.create')
    .where('object_type', '=', 'org_unit')
    .where('object_id', '=', district.code)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return created?.actor_label === `system:${demoActor.label}`;
}

function stateOf(platform: Platform): State {
  let state = states.get(platform);
  if (!state) {
    const clock = { at: 0, now: () => new Date(clock.at) };
    state = { sim: { ...platform, clock }, clock };
    states.set(platform, state);
  }
  return state;
}

async function play(platform: Platform, state: State): Promise<CareDayRun> {
  const run: CareDayRun = { played: false, signals: 0, aways: 0, acks: 0, outcomes: 0, sweeps: 0, failed: 0 };
  if (!demoDayOn(platform)) return run;
  // Decided once per process: a district does not change its nature; none installed yet is asked again.
  state.isDemo ??= await demoInstalled(platform);
  if (!state.isDemo) return run;
  const now = platform.clock.now().getTime();
  const tz = platform.config.timeZone;
  const day = today(new Date(now), tz);
  if (state.plannedDay !== day) {
    // The sweep plans at start and once a day too; planning here first lets the day be played before it raises anything.
    await planChecks(platform);
    state.plannedDay = day;
  }
  if (!state.roster || now - state.roster.readAt > ROSTER_TTL_MS) state.roster = await readRoster(platform, now);
  const from = state.playedUntil ?? -Infinity;
  const days = Array.from({ length: DAYS_BACK + 1 }, (_, i) => addDays(day, i - DAYS_BACK));
  const events = days.flatMap((d) => dayEvents(state.roster!, d, tz)).filter((e) => e.at > from && e.at <= now);
  const checks = events.length > 0 ? await checksOf(platform, days) : new Map<string, CheckRow>();
  const sweeps = await sweepTimes(platform, [...checks.values()], from, now);
  const steps: Step[] = [
    ...events.filter((e) => wanted(e, checks)).map((e): Step => ({ at: e.at, event: e })),
    ...sweeps.map((at): Step => ({ at, event: null })),
  ].sort((a, b) => a.at - b.at);
  for (const step of steps) {
    state.clock.at = step.at;
    try {
      if (step.event) await playEvent(state, step.event, checks, run);
      else {
        await sweepCheckins(state.sim);
        run.sweeps++;
      }
    } catch (error) {
      // One step gone wrong must not stop the day (nor, through the sweep's wait, the real sweep). Ids and codes only.
      run.failed++;
      const reason = error instanceof AppError ? error.code : (error as Error).name;
      platform.log.warn(
        { demoDay: { step: step.event?.kind ?? 'sweep', subjectId: step.event?.subjectId, reason } },
        'demo day step failed',
      );
    }
  }
  state.playedUntil = now;
  run.played = true;
  return run;
}

/** Everything the day holds for everyone on the roster (drawn once per day and roster read). */
function dayEvents(roster: Roster, day: string, timeZone: string): CareDayEvent[] {
  let events = roster.days.get(day);
  if (!events) {
    const missed = roster.subjects.filter((s) => fateOf(DEMO_SEED, s.id, day) === 'miss').map((s) => s.id);
    const open = leftOpen(DEMO_SEED, day, missed);
    events = roster.subjects.flatMap((s) => careDayOf(DEMO_SEED, s, roster.devices.get(s.id) ?? [], day, timeZone, open.has(s.id)));
    roster.days.set(day, events);
  }
  return events;
}

/** WANGGE_DEMO_DAY on, and WANGGE_DEMO not turned off (a deployment that declares itself no demo never plays one). */
function demoDayOn(platform: Platform): boolean {
  return platform.config.demoDay && platform.config.demoAllowed;
}

interface Step {
  at: number;
  event: CareDayEvent | null;
}

const checkKey = (subjectId: string, day: string, window: string) => `${subjectId}|${day}|${window}`;

/**
 * Only what the check still waits for: a sign of life or an away period while it is waiting; the
 * steps of a missed check while it is alerted (or not raised yet). After a restart this skips what
 * was played before, without a write.
 */
function wanted(event: CareDayEvent, checks: Map<string, CheckRow>): boolean {
  const check = checks.get(checkKey(event.subjectId, event.day, event.window));
  if (!check) return false;
  const missed = event.kind === 'ack' || event.kind === 'outcome' || (event.kind === 'signal' && event.late);
  return check.state === 'waiting' || (missed && check.state === 'alerted');
}

async function playEvent(state: State, event: CareDayEvent, checks: Map<string, CheckRow>, run: CareDayRun): Promise<void> {
  const sim = state.sim;
  const worker = state.roster!.workers.get(state.roster!.microgridOf.get(event.subjectId) ?? '');
  const by = { actor: worker ?? demoActor, requestId: null };
  switch (event.kind) {
    case 'signal': {
      const result = await recordSignal(sim, event.signal, { channel: 'demo', ...(event.byWorker ? { by } : {}) });
      if (result.status === 'accepted') run.signals++;
      return;
    }
    case 'away':
      await addAway(sim, { actor: demoActor, requestId: null }, event.subjectId, {
        startsAt: event.startsAt,
        endsAt: event.endsAt,
        reason: event.reason,
      });
      run.aways++;
      return;
    default: {
      const check = checks.get(checkKey(event.subjectId, event.day, event.window))!;
      const alert = await findAlertOfCheck(sim.database.db, check.id);
      if (!alert || alert.outcome !== null) return;
      try {
        if (event.kind === 'ack') {
          if (alert.acknowledged_at !== null) return;
          await acknowledgeAlert(sim, by, alert.id);
          run.acks++;
        } else {
          await recordOutcome(sim, by, alert.id, { outcome: event.outcome });
          run.outcomes++;
        }
      } catch (error) {
        // Someone at the console took it first: the demo worker leaves it to them.
        if (!(error instanceof AppError)) throw error;
      }
    }
  }
}

/** The subjects under care, their working sensors and their micro-grid's worker account (the first, if several). */
async function readRoster(platform: Platform, now: number): Promise<Roster> {
  const { db } = platform.database;
  const subjects: SubjectRow[] = [];
  for (
    let page = await activeSubjectsAfter(db, '', 1000);
    page.length > 0;
    page = await activeSubjectsAfter(db, page[page.length - 1].id, 1000)
  ) {
    subjects.push(...page);
  }
  const devices = new Map<string, CareDayDevice[]>();
  for (const device of await devicesOf(
    db,
    subjects.map((s) => s.id),
  )) {
    if (device.retired_at !== null) continue;
    devices.set(device.subject_id, [...(devices.get(device.subject_id) ?? []), { id: device.id, kind: device.kind }]);
  }
  const accounts = await workerAccountsOf(db, [...new Set(subjects.map((s) => s.microgrid_code))]);
  const usernames = await usernamesById(db, [...new Set([...accounts.values()].flat())]);
  const microgridsOf = new Map<string, string[]>();
  for (const [code, users] of accounts) for (const user of users) microgridsOf.set(user, [...(microgridsOf.get(user) ?? []), code]);
  const workers = new Map<string, Actor>();
  for (const [code, users] of accounts) {
    const id = users[0];
    workers.set(code, {
      type: 'user',
      id,
      label: usernames.get(id) ?? id,
      role: 'microgrid_worker',
      scope: { kind: 'microgrids', codes: microgridsOf.get(id)! },
    });
  }
  return { readAt: now, days: new Map(), subjects, microgridOf: new Map(subjects.map((s) => [s.id, s.microgrid_code])), devices, workers };
}

async function checksOf(platform: Platform, days: string[]): Promise<Map<string, CheckRow>> {
  const checks = new Map<string, CheckRow>();
  for (const day of days) {
    for (const check of await checksOfDay(platform.database.db, { prefixes: [''], day })) {
      checks.set(checkKey(check.subject_id, check.day, check.window_name), check);
    }
  }
  return checks;
}

/**
 * When the sweep runs during the played stretch: just after each deadline of the days' checks, each
 * rung and the overdue time of those deadlines (the ladder's times come from the district's settings).
 */
async function sweepTimes(platform: Platform, checks: CheckRow[], from: number, now: number): Promise<number[]> {
  const { settings } = await checkinSettings(platform.database.db);
  const times = new Set<number>();
  for (const due of new Set(checks.map((c) => c.due_at))) {
    const steps = [due, ...Array.from({ length: LADDER_TOP }, (_, i) => rungDueAt(settings, due, i + 1)), overdueAt(settings, due)];
    for (const step of steps) times.add(Date.parse(step) + SWEEP_AFTER_MS);
  }
  return [...times].filter((at) => at > from && at <= now);
}
