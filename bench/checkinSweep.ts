// `npx tsx bench/checkinSweep.ts`: the curtain pact's (窗帘之约) deadline sweep of issue 5 at
// BENCH_SUBJECTS (100,000) people under care, each figure against a baseline measured in the same run.
//
// The roster: a copy of the cached demo district (bench/demoCity.ts, scale 1: 2,589 micro-grids,
// ~160,000 residents, a worker account per micro-grid), migrated, with BENCH_SUBJECTS of its residents
// put under care by one bulk insert (the district's default plan, 06:00-09:00, and one family contact
// sealed as the roster stores it), on a fresh SQLite database, and on PostgreSQL too when BENCH_PG_URL
// names an account that may create databases (postgres://postgres@127.0.0.1:5432/postgres).
//
// The sweep runs in this process on the platform a server opens (openPlatform), with its clock set by
// hand to a believable day, Tuesday 3 March 2026 in Jiaozuo. Each round, on a roster with no checks:
//
//   plan (start)   `sweepCheckins` at 05:00, the first sweep of the day on a fresh roster: it plans
//                  today's and tomorrow's checks (2 x BENCH_SUBJECTS rows; yesterday's deadline was
//                  before the roster's plans took effect) and finds nothing due.
//   plan (daily)   `planChecks` at 00:05 the next day, what the sweep does once a day: yesterday and
//                  today are planned already, tomorrow is new (BENCH_SUBJECTS new rows, the rest kept).
//   deadline       `sweepCheckins` at 09:00:30 when 97 % of the day's checks are safe (marked safe by
//                  a bulk UPDATE, as a link, tick or meter signal inside the window leaves them) and
//                  3 % are still waiting: those alerts raised, each with its timeline step and its
//                  caretakers' in-app messages and outbox rows, all committed (target < 1 s).
//   worst case     the same with every check still waiting at the deadline: BENCH_SUBJECTS alerts.
//
// The timed region is the one call, from its start to its return with every transaction committed;
// preparing the state (deleting the last round's checks, alerts and messages, marking checks safe)
// is outside it. Sending the queued messages is the dispatcher's job after commit and is not timed.
// Baseline, in the same round on the same database and state, just before each deadline sweep: the
// bare statement `UPDATE care_check SET state = 'alerted', updated_at = ?, version = version + 1 WHERE
// state = 'waiting' AND due_at <= ?` over the same due checks (undone again, untimed, before the sweep).
//
// And a floor under the worst case, just before it: the same raise written as three set-based statements
// in one transaction (the checks marked, an alert row per check by INSERT ... SELECT, a timeline step per
// alert likewise), committed, then undone untimed: no messages, no audit, no JavaScript per alert. No sweep
// that records an alert and its step per person can be faster than this.
//
// Before each timed call the database is settled, untimed, as the hours between two steps of the day
// leave it (`settle`): on SQLite the preparation's writes checkpointed out of the write-ahead log, on
// PostgreSQL the checks ANALYZEd as autovacuum would have in the four hours since the plan. Each
// figure is also given in this process's CPU time (user + system; on PostgreSQL the server's own CPU
// is not in it), which a busy machine inflates far less than the wall.
//
// Medians over BENCH_ROUNDS (3) rounds; prints PASS/FAIL against the target, writes
// bench/results/checkin-sweep-latest.json, and never changes the exit code for a timing.
// BENCH_SWEEP_DATABASES=postgres measures one database only; BENCH_PROFILE=deadline (worst,
// planStart, planDaily) writes a CPU profile of that figure's first round to bench/results/.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import inspector from 'node:inspector';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { sealContacts } from '../src/modules/checkins/checkins.personalData.ts';
import { insertSubjects, type SubjectRow } from '../src/modules/checkins/checkins.repository.ts';
import { DEFAULT_SETTINGS, overdueAt, rungDueAt } from '../src/modules/checkins/checkins.settings.ts';
import { planChecks, sweepCheckins, type SweepResult } from '../src/modules/checkins/commands/sweepCheckins.ts';
import { ulidFactory } from '../src/platform/ids.ts';
import type { Clock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Platform } from '../src/platform/context.ts';
import { createLog } from '../src/platform/log.ts';
import { openPlatform } from '../src/platform/open.ts';
import { migrateToLatest } from '../src/schema.ts';
import { cachedDemoCity, cachedDemoCityOnPostgres, copyOfCityOnPostgres } from './demoCity.ts';
import { setting } from './support/settings.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = join(ROOT, 'bench', 'results', 'checkin-sweep-latest.json');
const PASSWORD = 'wangge-demo';
const TARGET_MS = 1000;
const PG_ADMIN_URL = process.env.BENCH_PG_URL || undefined;

const SETTINGS = {
  rounds: setting('BENCH_ROUNDS', 3, 1),
  subjects: setting('BENCH_SUBJECTS', 100_000, 100),
  /** Of every 1,000 subjects, how many miss the morning deadline on the believable day. */
  missingPerMille: setting('BENCH_MISSING_PER_MILLE', 30, 1),
};

// Tuesday 3 March 2026 in Jiaozuo (UTC+8): the plans took effect at midnight; the deadline is 09:00.
const DAY = '2026-03-03';
const PLANS_FROM = '2026-03-02T16:00:00.000Z'; // 00:00 local on the day
const AT_START = '2026-03-02T21:00:00.000Z'; // 05:00 local: the first sweep of the day
const NEXT_MIDNIGHT = '2026-03-03T16:05:00.000Z'; // 00:05 local the next day: the daily planning
const AFTER_DEADLINE = '2026-03-03T01:00:30.000Z'; // 09:00:30 local: the first sweep after the deadline
const DUE_AT = '2026-03-03T01:00:00.000Z'; // 09:00 local: the morning deadline (the default window)
const SAFE_AT = '2026-03-02T23:12:00.000Z'; // 07:12 local, inside the window

const log = (line: string) => process.stderr.write(`${line}\n`);
const load1 = () => os.loadavg()[0].toFixed(2);
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * BENCH_PROFILE=deadline (or worst, planStart, planDaily) writes a CPU profile of that figure's call in
 * the first round to bench/results/checkin-sweep-<figure>.cpuprofile (open it in Chrome's DevTools).
 */
const PROFILE = process.env.BENCH_PROFILE || undefined;

async function profiled<T>(figure: string, round: number, work: () => Promise<T>): Promise<T> {
  if (PROFILE !== figure || round !== 1) return work();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
    const file = join(ROOT, 'bench', 'results', `checkin-sweep-${figure}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    log(`  profile of ${figure} written to ${file.slice(ROOT.length)}`);
  }
}

/** Wall time, and this process's CPU time (user + system) beside it: on a shared machine the wall time also counts waiting for a core. */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

function settableClock(iso: string): Clock & { set(iso: string): void } {
  let now = Date.parse(iso);
  return { now: () => new Date(now), set: (to) => void (now = Date.parse(to)) };
}

// ---------------------------------------------------------------------------------------------
// The roster

/** Puts `count` residents of the demo district under care (spread over every micro-grid) with the default plan. */
async function enrolRoster(platform: Platform, count: number): Promise<{ subjects: string[]; missing: Set<string> }> {
  const { db } = platform.database;
  // The demo's own small roster (and whatever its day left) makes way for this one.
  await db.transaction().execute(async (trx) => {
    for (const table of [
      'care_alert_event',
      'care_alert',
      'care_check',
      'care_signal',
      'care_signal_rejection',
      'care_device',
      'care_away',
      'care_subject',
    ] as const)
      await trx.deleteFrom(table).execute();
  });
  const residents = await db.selectFrom('resident').select(['id', 'microgrid_code']).orderBy('id').execute();
  if (residents.length < count) throw new Error(`the demo district has ${residents.length} residents, fewer than ${count}`);
  // Every k-th resident in id order (ids are random, so this is a fair draw over the micro-grids).
  const step = residents.length / count;
  const chosen = Array.from({ length: count }, (_, i) => residents[Math.floor(i * step)]);
  const ulid = ulidFactory();
  const contacts = sealContacts(platform, [{ name: '家属', phone: '13903910001', relation: null, channel: 'sms' }]);
  const rows: SubjectRow[] = chosen.map((resident) => ({
    id: ulid(Date.parse(PLANS_FROM)),
    resident_id: resident.id,
    microgrid_code: resident.microgrid_code,
    morning_start: DEFAULT_SETTINGS.morningWindow.start,
    morning_end: DEFAULT_SETTINGS.morningWindow.end,
    evening_start: null,
    evening_end: null,
    signals: JSON.stringify(DEFAULT_SETTINGS.signals),
    water_litres: null,
    power_kwh: null,
    contacts_enc: contacts,
    health_notes_enc: null,
    link_hash: null,
    link_issued_at: null,
    enrolled_via: 'staff',
    planned_from: PLANS_FROM,
    removed_at: null,
    created_at: PLANS_FROM,
    updated_at: PLANS_FROM,
    version: 1,
  }));
  await db.transaction().execute((trx) => insertSubjects(trx, rows));
  // The ones who miss the deadline: a fixed share, spread evenly over the roster.
  const every = 1000 / SETTINGS.missingPerMille;
  const missing = new Set(rows.filter((_, i) => Math.floor(i / every) !== Math.floor((i + 1) / every)).map((r) => r.id));
  return { subjects: rows.map((r) => r.id), missing };
}

/** Forgets the day's checks, alerts, their timelines and the messages they queued: a roster with no checks. */
async function resetDay(platform: Platform): Promise<void> {
  const { db, kind } = platform.database;
  // On PostgreSQL a DELETE checks every check's foreign key against the alerts with a plan the session
  // made while they were few: minutes at 300,000 checks. TRUNCATE skips that (and is what is meant).
  if (kind === 'postgres') {
    await sql`truncate table care_alert_event, care_alert, care_check, inbox_message, notify_outbox`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('care_alert_event').execute();
    await trx.deleteFrom('care_alert').execute();
    await trx.deleteFrom('care_check').execute();
    await trx.deleteFrom('inbox_message').execute();
    await trx.deleteFrom('notify_outbox').execute();
  });
}

/** Forgets the alerts and messages of the deadline sweep, and puts the day's checks back as they were before it. */
async function undoDeadline(platform: Platform, missing: Set<string>, everyoneMissed: boolean): Promise<void> {
  const { db } = platform.database;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('care_alert_event').execute();
    await trx.deleteFrom('care_alert').execute();
    await trx.deleteFrom('inbox_message').execute();
    await trx.deleteFrom('notify_outbox').execute();
    await setDayStates(trx as unknown as Platform['database']['db'], missing, everyoneMissed);
  });
}

/** The day's checks: all waiting (everyone missed), or safe at 07:12 by link but for the missing ones. */
async function setDayStates(db: Platform['database']['db'], missing: Set<string>, everyoneMissed: boolean): Promise<void> {
  const waiting = { state: 'waiting' as const, safe_at: null, safe_via: null };
  if (everyoneMissed) {
    await db.updateTable('care_check').set(waiting).where('day', '=', DAY).execute();
    return;
  }
  await db.updateTable('care_check').set({ state: 'safe', safe_at: SAFE_AT, safe_via: 'link' }).where('day', '=', DAY).execute();
  const ids = [...missing];
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('care_check')
      .set(waiting)
      .where('day', '=', DAY)
      .where('subject_id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}

/**
 * The database as the hours between one step of the day and the next leave it, so that a timed call
 * pays for its own writes and not for the preparation's: on SQLite the write-ahead log checkpointed
 * (else the timed call's first commit copies the preparation's 100,000 changed checks back into the
 * database file); on PostgreSQL the statistics as autovacuum keeps them (planned from statistics of a
 * table without checks, the claim walks every due check for each batch).
 */
async function settle(platform: Platform): Promise<void> {
  if (platform.database.kind === 'postgres') await sql`analyze care_check`.execute(platform.database.db);
  else platform.database.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
}

/** The baseline: one bare UPDATE of the same due checks, committed; undone (untimed) by the caller. */
async function bareUpdate(platform: Platform, now: string): Promise<number> {
  const result = await sql`update care_check set state = 'alerted', updated_at = ${now}, version = version + 1
    where state = 'waiting' and due_at <= ${now}`.execute(platform.database.db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The floor under the worst case: every due check marked, its alert and its first timeline step
 * written by three set-based statements in one transaction, committed. Returns the alerts written.
 */
async function setBasedRaise(platform: Platform, now: string): Promise<number> {
  const settings = DEFAULT_SETTINGS;
  return platform.database.db.transaction().execute(async (trx) => {
    await sql`update care_check set state = 'alerted', updated_at = ${now}, version = version + 1
      where state = 'waiting' and due_at <= ${now}`.execute(trx);
    const alerts = await sql`insert into care_alert (id, kind, check_id, subject_id, microgrid_code, day, window_name, due_at,
        raised_at, late_minutes, rung, next_rung_at, overdue_due_at, case_wanted, created_at, updated_at, version)
      select 'F' || id, 'missed', id, subject_id, microgrid_code, day, window_name, due_at, ${now}, 0, 0,
        ${rungDueAt(settings, DUE_AT, 1)}, ${overdueAt(settings, DUE_AT)}, 0, ${now}, ${now}, 1
      from care_check where state = 'alerted' and updated_at = ${now}`.execute(trx);
    await sql`insert into care_alert_event (alert_id, step, at, actor_id, actor_label, details)
      select id, 'raise', ${now}, null, 'system:checkin-sweeper', '{}' from care_alert where raised_at = ${now}`.execute(trx);
    return Number(alerts.numAffectedRows ?? 0);
  });
}

async function undoSetBasedRaise(platform: Platform, now: string): Promise<void> {
  await platform.database.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('care_alert_event').execute();
    await trx.deleteFrom('care_alert').execute();
    await sql`update care_check set state = 'waiting' where day = ${DAY} and state = 'alerted' and updated_at = ${now}`.execute(trx);
  });
}

async function undoBareUpdate(platform: Platform): Promise<void> {
  await platform.database.db
    .updateTable('care_check')
    .set({ state: 'waiting' })
    .where('day', '=', DAY)
    .where('state', '=', 'alerted')
    .execute();
}

// ---------------------------------------------------------------------------------------------
// One database

interface Round {
  round: number;
  planStart: number;
  planDaily: number;
  deadline: number;
  deadlineBare: number;
  worst: number;
  worstBare: number;
  worstFloor: number;
  /** The same figures in this process's CPU time. */
  cpu: Record<Exclude<keyof Round, 'round' | 'cpu'>, number>;
}

interface Counts {
  planned: { start: number; daily: number };
  deadline: { raised: number; bare: number; inbox: number; outbox: number };
  worst: { raised: number; bare: number; floor: number; inbox: number; outbox: number };
}

async function messages(platform: Platform): Promise<{ inbox: number; outbox: number }> {
  const { db } = platform.database;
  const count = async (table: 'inbox_message' | 'notify_outbox') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { inbox: await count('inbox_message'), outbox: await count('notify_outbox') };
}

async function measure(kind: 'sqlite' | 'postgres') {
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-checkins-'));
  let drop = async () => {};
  const env: Record<string, string> = { DATA_DIR: dataDir, WANGGE_DEMO: '0', LOG_LEVEL: 'silent' };
  const buildStarted = performance.now();
  if (kind === 'sqlite') {
    const city = await cachedDemoCity(1, PASSWORD, log);
    await cp(city.dataDir, dataDir, { recursive: true });
  } else {
    const city = await cachedDemoCityOnPostgres(1, PASSWORD, PG_ADMIN_URL!, log);
    const copy = await copyOfCityOnPostgres(city, PG_ADMIN_URL!, dataDir);
    env.DATABASE_URL = copy.databaseUrl;
    drop = copy.drop;
  }
  const clock = settableClock(AT_START);
  const platform = openPlatform(loadConfig(env), { clock, log: createLog('silent') });
  const rounds: Round[] = [];
  let counts: Counts | undefined;
  try {
    await migrateToLatest(platform);
    const { subjects, missing } = await enrolRoster(platform, SETTINGS.subjects);
    if (kind === 'postgres') await sql`analyze`.execute(platform.database.db);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    log(
      `${kind}: ${subjects.length.toLocaleString('en')} subjects enrolled, ${missing.size.toLocaleString('en')} of them to miss the deadline (${buildSeconds.toFixed(1)} s)`,
    );

    for (let round = 1; round <= SETTINGS.rounds; round++) {
      await resetDay(platform);
      await settle(platform);
      // A platform object of its own: the sweep plans once a day per instance, so this one plans again.
      const instance: Platform = { ...platform };
      clock.set(AT_START);
      const start = await timed(() => profiled('planStart', round, () => sweepCheckins(instance)));
      clock.set(NEXT_MIDNIGHT);
      await settle(platform);
      const daily = await timed(() => profiled('planDaily', round, () => planChecks(instance)));

      clock.set(AFTER_DEADLINE);
      await setDayStates(platform.database.db, missing, false);
      await settle(platform);
      const deadlineBare = await timed(() => bareUpdate(platform, AFTER_DEADLINE));
      await undoBareUpdate(platform);
      await settle(platform);
      const deadline = await timed(() => profiled('deadline', round, () => sweepCheckins(instance)));
      const deadlineMessages = await messages(platform);

      await undoDeadline(platform, missing, true);
      await settle(platform);
      const worstBare = await timed(() => bareUpdate(platform, AFTER_DEADLINE));
      await undoBareUpdate(platform);
      await settle(platform);
      const worstFloor = await timed(() => setBasedRaise(platform, AFTER_DEADLINE));
      await undoSetBasedRaise(platform, AFTER_DEADLINE);
      await settle(platform);
      const worst = await timed(() => profiled('worst', round, () => sweepCheckins(instance)));
      const worstMessages = await messages(platform);

      const seen: Counts = {
        planned: { start: start.value.planned, daily: daily.value },
        deadline: { raised: deadline.value.raised, bare: deadlineBare.value, ...deadlineMessages },
        worst: { raised: worst.value.raised, bare: worstBare.value, floor: worstFloor.value, ...worstMessages },
      };
      expectCounts(seen, subjects.length, missing.size, [start.value, deadline.value, worst.value]);
      counts = seen;
      const figures: Round = {
        round,
        planStart: start.ms,
        planDaily: daily.ms,
        deadline: deadline.ms,
        deadlineBare: deadlineBare.ms,
        worst: worst.ms,
        worstBare: worstBare.ms,
        worstFloor: worstFloor.ms,
        cpu: {
          planStart: start.cpuMs,
          planDaily: daily.cpuMs,
          deadline: deadline.cpuMs,
          deadlineBare: deadlineBare.cpuMs,
          worst: worst.cpuMs,
          worstBare: worstBare.cpuMs,
          worstFloor: worstFloor.cpuMs,
        },
      };
      rounds.push(figures);
      const both = (t: { ms: number; cpuMs: number }) => `${ms(t.ms)} ms (cpu ${ms(t.cpuMs)})`;
      log(
        `  round ${round}/${SETTINGS.rounds}: plan at start ${both(start)}, daily ${both(daily)}; deadline ${both(deadline)}, ` +
          `bare ${both(deadlineBare)}; everyone missed ${both(worst)}, bare ${both(worstBare)}, set-based ${both(worstFloor)}; load ${load1()}`,
      );
    }
    return { kind, buildSeconds, subjects: subjects.length, missing: missing.size, counts: counts!, rounds };
  } finally {
    await platform.database.close();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** What each timed call did, checked before any figure is believed. */
function expectCounts(seen: Counts, subjects: number, missing: number, results: SweepResult[]): void {
  const problems: string[] = [];
  if (seen.planned.start !== 2 * subjects) problems.push(`planned ${seen.planned.start} at start, expected ${2 * subjects}`);
  if (seen.planned.daily !== subjects) problems.push(`planned ${seen.planned.daily} at midnight, expected ${subjects}`);
  if (seen.deadline.raised !== missing || seen.deadline.bare !== missing)
    problems.push(`deadline: raised ${seen.deadline.raised}, bare update ${seen.deadline.bare}, expected ${missing}`);
  if (seen.worst.raised !== subjects || seen.worst.bare !== subjects || seen.worst.floor !== subjects)
    problems.push(
      `everyone missed: raised ${seen.worst.raised}, bare update ${seen.worst.bare}, set-based ${seen.worst.floor}, expected ${subjects}`,
    );
  if (seen.deadline.inbox < missing || seen.worst.inbox < subjects) problems.push('an alert without its caretakers’ messages');
  for (const r of results) if (r.climbed || r.overdue || r.cases || r.away) problems.push(`unexpected work: ${JSON.stringify(r)}`);
  if (problems.length > 0) throw new Error(problems.join('; '));
}

// ---------------------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load1();
  const cpus = os.cpus();
  const header = [
    `Wangge curtain pact: deadline sweep  ${new Date().toISOString()}`,
    `node ${process.version}, ${os.availableParallelism?.() ?? cpus.length} CPUs (${cpus[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    'timed: one sweepCheckins (or planChecks) call, start to return, every transaction committed; messages queued, not sent',
  ];
  const lines: string[] = [];
  const results = [];
  const only = process.env.BENCH_SWEEP_DATABASES?.split(',').map((name) => name.trim());
  const databases = (['sqlite', 'postgres'] as const).filter(
    (kind) => (kind === 'sqlite' || PG_ADMIN_URL) && (!only || only.includes(kind)),
  );
  if (!PG_ADMIN_URL) lines.push('', 'PostgreSQL skipped: set BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres to measure it too');
  for (const kind of databases) {
    const result = await measure(kind);
    results.push(result);
    type Figure = keyof Round['cpu'];
    const of = (key: Figure) => result.rounds.map((r) => r[key]);
    const ratio = (key: Figure, base: Figure) => median(result.rounds.map((r) => r[key] / r[base]));
    const row = (label: string, key: Figure, base: Figure | null, target: boolean) => {
      const values = of(key);
      return [
        label,
        ms(median(values)),
        `${ms(Math.min(...values))}-${ms(Math.max(...values))}`,
        ms(median(result.rounds.map((r) => r.cpu[key]))),
        base ? `${ratio(key, base).toFixed(1)}x` : '',
        target ? `${median(values) < TARGET_MS ? 'PASS' : 'FAIL'} (< ${TARGET_MS} ms)` : '',
      ];
    };
    const { counts } = result;
    lines.push(
      '',
      `${kind}: ${result.subjects.toLocaleString('en')} subjects over the demo district's micro-grids; ${SETTINGS.rounds} rounds (roster built in ${result.buildSeconds.toFixed(1)} s)`,
      table(
        ['figure', 'median ms', 'min-max', 'cpu ms', 'ratio', 'verdict'],
        [
          row(
            `plan at the day's first sweep (${counts.planned.start.toLocaleString('en')} checks, sweepCheckins)`,
            'planStart',
            null,
            false,
          ),
          row(`plan once a day (${counts.planned.daily.toLocaleString('en')} new, planChecks)`, 'planDaily', null, false),
          row(`baseline: bare UPDATE of the ${counts.deadline.bare.toLocaleString('en')} due checks`, 'deadlineBare', null, false),
          row(
            `deadline sweep: ${counts.deadline.raised.toLocaleString('en')} missed of ${result.subjects.toLocaleString('en')}`,
            'deadline',
            'deadlineBare',
            true,
          ),
          row(`baseline: bare UPDATE of the ${counts.worst.bare.toLocaleString('en')} due checks`, 'worstBare', null, false),
          row(
            `floor: the same ${counts.worst.floor.toLocaleString('en')} alerts and steps by 3 set-based statements, no messages`,
            'worstFloor',
            'worstBare',
            true,
          ),
          row(`worst case: all ${counts.worst.raised.toLocaleString('en')} missed`, 'worst', 'worstBare', true),
        ],
      ),
      `queued at the deadline: ${counts.deadline.inbox.toLocaleString('en')} in-app messages, ${counts.deadline.outbox.toLocaleString('en')} outbox rows; ` +
        `worst case: ${counts.worst.inbox.toLocaleString('en')} and ${counts.worst.outbox.toLocaleString('en')}`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  header.push(`1-min load average ${loadAtStart} at start, ${load1()} at end; ${seconds.toFixed(0)} s in all`);
  process.stdout.write(`${[...header, ...lines, ''].join('\n')}\n`);
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    settings: SETTINGS,
    loadAverage: { atStart: Number(loadAtStart), atEnd: Number(load1()) },
    seconds,
    results,
  };
  await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`written: ${RESULTS_FILE.slice(ROOT.length)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
