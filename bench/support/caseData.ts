// The cases of a busy year, made up for bench/cases.ts: BENCH_CASES (default 1,000,000) cases over the
// 2,589 micro-grids of the demo district, its 67 leaf categories and 14 departments, reported over the
// twelve months before the build, each taken as far along the case loop as its age allows (verified,
// filed, dispatched, returned, fed back, reworked, parked, closed, evaluated, or stuck past its
// deadline), with the departments working it (case_handler) and the per-unit daily counters
// (case_tally) counted by the real rules: `tallyStep` of cases.tally.ts, action by action, as the
// server does. The timelines (case_event) are left out: neither the lists nor the rankings read them.
//
// Built straight into the database (better-sqlite3, or PostgreSQL through unnest batches) on top of
// the cached demo district of bench/demoCity.ts, after `wangge migrate`, and cached under a key of
// this generator, the tally rules, the migrations and the demo city, like bench/demoCity.ts caches
// its city. The sweeper's next look (`due_at`) is left empty on every case, so a server started days
// after the build finds no backlog of escalations to climb while it is being measured; cases past
// their stage deadline are at the top of their escalation ladder, as the sweeper would have left them.
import BetterSqlite3 from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { monotonicFactory } from 'ulid';
import { createRandom, type Random } from '../../src/demo/random.ts';
import { MEASURES, tallyStep, type Increment, type TallyRules } from '../../src/modules/cases/cases.tally.ts';
import type { CaseRow } from '../../src/modules/cases/cases.repository.ts';
import { ESCALATION_LADDER, OPEN_STATES, type CaseState } from '../../src/modules/cases/cases.workflow.ts';
import { cachedDemoCity, cachedDemoCityOnPostgres, demoCityKey, type CachedCity } from '../demoCity.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEED = 'wangge-bench-cases';
const RULES: TallyRules = { widths: [6, 9, 12, 15, 17], timeZone: 'Asia/Shanghai' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CHUNK = 10_000;

export interface CaseDatasetMeta {
  cases: number;
  /** The window the cases were reported in: twelve months before the build. */
  from: string;
  to: string;
  handlers: number;
  tallies: number;
  /** Cases by state at the end of the window. */
  states: Record<string, number>;
  /** Cases still open past their stage deadline at the end of the window. */
  overdue: number;
  /** The last whole month of the window, and the one before it: the ranking's month and its trend. */
  rankingMonth: string;
  /** A leaf category of middling frequency, for the list's category filter, and its share of cases. */
  category: { code: string; cases: number };
  generatorSeconds: number;
}

export interface CaseDataset {
  /** A DATA_DIR holding the SQLite database (or, on PostgreSQL, the demo's secrets only). */
  dataDir: string;
  /** On PostgreSQL: the database holding the dataset, a template for each run's copy. */
  databaseUrl?: string;
  meta: CaseDatasetMeta;
  /** Seconds the build took in this run (null: it came from the cache). */
  builtSeconds: number | null;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** This generator, the tally rules and workflow it follows, every migration, the demo city, the size. */
export function caseDatasetKey(cases: number, password: string): string {
  const hash = createHash('sha256').update(`${cases}\n${demoCityKey(1, password)}\n`);
  const sources = [
    fileURLToPath(import.meta.url),
    join(ROOT, 'src', 'modules', 'cases', 'cases.tally.ts'),
    join(ROOT, 'src', 'modules', 'cases', 'cases.workflow.ts'),
    ...filesUnder(join(ROOT, 'migrations')),
  ];
  for (const file of sources) hash.update(file.slice(ROOT.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// The district as the generator needs it, read from the demo database

interface World {
  microgrids: { code: string; name: string; worker: string | null; lng: number | null; lat: number | null }[];
  leaves: { code: string; name: string; public: number; conditions: { code: string; limitMs: number }[] }[];
  routes: Map<string, { lead: string; co: string[] }>;
}

function limitMs(amount: number, unit: string): number {
  // Wall-clock equivalents of the work calendar, near enough for made-up cases: a working hour is
  // about three hours of the clock (eight of them a day, lunch and nights between), a working day
  // about 1.4 days (weekends).
  switch (unit) {
    case 'urgent_hours':
      return amount * HOUR;
    case 'working_hours':
      return amount * 3 * HOUR;
    case 'working_days':
      return amount * 1.4 * DAY;
    default:
      return amount * DAY;
  }
}

interface WorldRows {
  units: { code: string; name: string; level: string; centroid_lng: number | null; centroid_lat: number | null }[];
  workers: { user_id: string; microgrid_code: string }[];
  categories: { code: string; parent_code: string | null; name: string; public: number; active: number }[];
  conditions: { code: string; category_code: string; limit_amount: number; limit_unit: string }[];
  routes: { category_code: string; area_code: string; lead_department: string; co_handlers: string }[];
}

function worldOf(rows: WorldRows): World {
  const workerOf = new Map<string, string>();
  for (const w of rows.workers) if (!workerOf.has(w.microgrid_code)) workerOf.set(w.microgrid_code, w.user_id);
  const microgrids = rows.units
    .filter((u) => u.level === 'microgrid' && u.code.startsWith('410804'))
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((u) => ({ code: u.code, name: u.name, worker: workerOf.get(u.code) ?? null, lng: u.centroid_lng, lat: u.centroid_lat }));
  const conditions = new Map<string, { code: string; limitMs: number }[]>();
  for (const c of [...rows.conditions].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    conditions.set(c.category_code, [
      ...(conditions.get(c.category_code) ?? []),
      { code: c.code, limitMs: limitMs(c.limit_amount, c.limit_unit) },
    ]);
  }
  const leaves = rows.categories
    .filter((c) => c.parent_code !== null && c.active === 1)
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((c) => ({ code: c.code, name: c.name, public: c.public, conditions: conditions.get(c.code) ?? [] }));
  const routes = new Map<string, { lead: string; co: string[] }>();
  for (const r of rows.routes)
    if (r.area_code === '410804') routes.set(r.category_code, { lead: r.lead_department, co: JSON.parse(r.co_handlers) as string[] });
  if (microgrids.length === 0 || leaves.length === 0) throw new Error('the demo database has no micro-grids or no case catalogue');
  return { microgrids, leaves, routes };
}

const WORLD_QUERIES = {
  units: 'select code, name, level, centroid_lng, centroid_lat from org_unit',
  workers: 'select user_id, microgrid_code from user_microgrid order by user_id',
  categories: 'select code, parent_code, name, public, active from case_category',
  conditions: 'select code, category_code, limit_amount, limit_unit from case_condition',
  routes: 'select category_code, area_code, lead_department, co_handlers from case_route',
};

// ---------------------------------------------------------------------------------------------
// The generator: one case at a time, in the order they were reported

const CASE_COLUMNS = [
  'id',
  'source',
  'state',
  'category_code',
  'condition_code',
  'public',
  'area_code',
  'lng',
  'lat',
  'address',
  'description',
  'attachments',
  'reporter_user_id',
  'reporter_name',
  'reporter_contact_enc',
  'external_ref',
  'external_due_at',
  'lead_department',
  'stage_seq',
  'stage_started_at',
  'stage_due_at',
  'due_at',
  'rung',
  'handling_due_at',
  'dispatched_at',
  'handled_at',
  'closed_at',
  'closure_type',
  'solved',
  'satisfied',
  'evaluated_at',
  'respond_by',
  'tally_dispatch_day',
  'tally_dispatch_department',
  'tally_due_day',
  'tally_due_department',
  'tally_flags',
  'created_at',
  'updated_at',
  'version',
] as const satisfies readonly (keyof CaseRow)[];
const INTEGER_COLUMNS = new Set(['public', 'stage_seq', 'rung', 'solved', 'satisfied', 'tally_flags', 'version']);
const REAL_COLUMNS = new Set(['lng', 'lat']);
const HANDLER_COLUMNS = ['case_id', 'department_code', 'role', 'dispatched_at', 'done_at', 'note'] as const;

type Value = string | number | null;

interface Batch {
  cases: Value[][];
  handlers: Value[][];
}

const PROBLEMS = [
  '现场情况较严重，请尽快处理',
  '多次出现，居民反映强烈',
  '影响居民出行',
  '存在安全隐患',
  '已拍照留存，请核实',
  '夜间尤为明显',
];
const SOURCES: { source: CaseRow['source']; weight: number }[] = [
  { source: 'worker', weight: 70 },
  { source: 'hotline', weight: 15 },
  { source: 'staff', weight: 10 },
  { source: 'open311', weight: 5 },
];

/** Cumulative weights, drawn by binary search (a million draws over 2,589 weights). */
function sampler(random: Random, weights: number[]): () => number {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (cumulative[i] = sum += w));
  return () => {
    const r = random.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

interface Event {
  action: string;
  at: number;
  /** The state after it (unchanged for contact and escalate). */
  to?: CaseState;
}

/**
 * Generates the cases in id order, `CHUNK` at a time, handing each chunk to `sink`; returns the
 * counters and the figures of the metadata.
 */
async function generate(
  world: World,
  count: number,
  end: number,
  sink: (batch: Batch) => Promise<void>,
): Promise<{ tallies: Tallies; meta: Omit<CaseDatasetMeta, 'tallies' | 'generatorSeconds'> }> {
  const random = createRandom(SEED);
  const start = end - 365 * DAY;
  // When each case was reported: days evenly, hours mostly in the day (Beijing time).
  const times = new Float64Array(count);
  const when = random.fork('when');
  const hourWeights = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 8, 8, 7, 5, 6, 8, 8, 7, 6, 4, 3, 3, 2, 2, 1];
  const hour = sampler(when, hourWeights);
  const firstMidnight = Math.floor((start + 8 * HOUR) / DAY) * DAY - 8 * HOUR; // Beijing midnight before the start
  for (let i = 0; i < count; i++) {
    const dayStart = firstMidnight + Math.floor(when.next() * 366) * DAY;
    times[i] = Math.min(end - MINUTE, Math.max(start, dayStart + hour() * HOUR + Math.floor(when.next() * HOUR)));
  }
  times.sort();

  const pickMicrogrid = sampler(
    random.fork('where'),
    world.microgrids.map((_, i) => Math.exp(0.7 * Math.sin(i * 12.9898) * 1.7)),
  );
  const pickLeaf = sampler(
    random.fork('what'),
    world.leaves.map((_, i) => 1 / Math.pow(1 + ((i * 37) % world.leaves.length), 0.8)),
  );
  const pickSource = sampler(
    random.fork('who'),
    SOURCES.map((s) => s.weight),
  );
  const idRandom = random.fork('ids');
  const nextId = monotonicFactory(() => idRandom.next());
  const life = random.fork('life');

  const tallies = new Tallies();
  const states: Record<string, number> = {};
  const byCategory = new Map<string, number>();
  let overdue = 0;
  let handlers = 0;
  let hotlineSeq = 0;
  let batch: Batch = { cases: [], handlers: [] };
  const iso = (t: number) => new Date(t).toISOString();

  for (let i = 0; i < count; i++) {
    const t0 = times[i];
    const microgrid = world.microgrids[pickMicrogrid()];
    const leaf = world.leaves[pickLeaf()];
    const source = SOURCES[pickSource()].source;
    const route = world.routes.get(leaf.code) ?? null;
    const condition = leaf.conditions.length > 0 ? leaf.conditions[Math.floor(life.next() * leaf.conditions.length)] : null;
    const handlingMs = condition?.limitMs ?? 5 * 1.4 * DAY;
    byCategory.set(leaf.code, (byCategory.get(leaf.code) ?? 0) + 1);

    // The case's life, as if nothing stopped it; cut at the end of the window below.
    const events: Event[] = [{ action: 'report', at: t0, to: 'reported' }];
    let t = t0 + life.range(5, 40) * MINUTE;
    let handlingDue = 0;
    let respondBy = 0;
    let closure: 'normal' | 'overdue' | 'special' | null = null;
    let stuck = false;
    let solved = 0;
    let satisfied = 0;
    if (life.chance(0.03)) events.push({ action: 'refuse', at: t, to: 'refused' });
    else {
      events.push({ action: 'verify', at: t, to: 'verified' });
      t += life.range(5, 60) * MINUTE;
      events.push({ action: 'file', at: t, to: 'filed' });
      t += life.range(10, 120) * MINUTE;
      const dispatch = (at: number) => {
        events.push({ action: 'dispatch', at, to: 'dispatched' });
        handlingDue = at + handlingMs;
        respondBy = at + 1.4 * DAY;
      };
      dispatch(t);
      if (life.chance(0.8)) events.push({ action: 'contact', at: t + life.range(0.05, 1.2) * 1.4 * DAY });
      const fate = life.next();
      if (fate < 0.04) {
        // Returned as not theirs, dispatched again.
        t += life.range(1, 8) * HOUR;
        events.push({ action: 'return', at: t, to: 'returned' });
        t += life.range(1, 4) * HOUR;
        dispatch(t);
      }
      if (fate >= 0.04 && fate < 0.05) {
        events.push({ action: 'close_special', at: t + life.range(1, 10) * DAY, to: 'closed' });
        closure = 'special';
      } else if (fate >= 0.05 && fate < 0.06) {
        t += life.range(1, 3) * DAY;
        events.push({ action: 'request_parking', at: t, to: 'parking_requested' });
        events.push({ action: 'approve_parking', at: t + life.range(2, 24) * HOUR, to: 'parked' });
      } else if (fate >= 0.06 && fate < 0.075) {
        // Stuck: nobody reports back.
        stuck = true;
      } else {
        const feedback = (from: number) => from + handlingMs * (life.chance(0.85) ? life.range(0.15, 0.95) : life.range(1.05, 3));
        let fed = feedback(t);
        if (fed > handlingDue) events.push({ action: 'escalate', at: handlingDue });
        events.push({ action: 'feedback', at: fed, to: 'fed_back' });
        let checked = fed + life.range(20, 180) * MINUTE;
        if (life.chance(0.05)) {
          events.push({ action: 'fail_check', at: checked, to: 'dispatched' });
          handlingDue = checked + handlingMs;
          fed = feedback(checked);
          events.push({ action: 'feedback', at: fed, to: 'fed_back' });
          checked = fed + life.range(20, 180) * MINUTE;
        }
        events.push({ action: 'pass_check', at: checked, to: 'closed' });
        closure = fed > handlingDue ? 'overdue' : 'normal';
      }
      if (closure && life.chance(0.9)) {
        const closedAt = events[events.length - 1].at;
        solved = life.chance(0.92) ? 1 : 0;
        satisfied = solved && life.chance(0.93) ? 1 : life.chance(0.2) ? 1 : 0;
        events.push({ action: 'evaluate', at: closedAt + life.range(1, 72) * HOUR, to: 'evaluated' });
      }
      // A stuck case's handling deadline passes, and the sweeper sees it.
      if (stuck) events.push({ action: 'escalate', at: handlingDue });
      events.sort((a, b) => a.at - b.at);
    }

    // The case as it stands at the end of the window, counted action by action.
    const id = nextId(t0);
    const kase = {
      id,
      area_code: microgrid.code,
      state: 'reported' as string,
      lead_department: null as string | null,
      respond_by: null as string | null,
      handling_due_at: null as string | null,
      due_at: null as string | null,
      closure_type: null as string | null,
      solved: null as number | null,
      satisfied: null as number | null,
      tally_dispatch_day: null as string | null,
      tally_dispatch_department: null as string | null,
      tally_due_day: null as string | null,
      tally_due_department: null as string | null,
      tally_flags: 0,
    };
    let stageSeq = 1;
    let stageStarted = t0;
    let version = 0;
    let dispatchedAt: number | null = null;
    let handledAt: number | null = null;
    let closedAt: number | null = null;
    let evaluatedAt: number | null = null;
    let conditionCode: string | null = null;
    let handlersAt: number | null = null;
    let updated = t0;
    for (const event of events) {
      if (event.at > end) break;
      const before = kase as unknown as CaseRow;
      const changes: Record<string, unknown> = {};
      switch (event.action) {
        case 'file':
          conditionCode = condition?.code ?? null;
          break;
        case 'dispatch':
          changes.lead_department = route?.lead ?? null;
          changes.respond_by = iso(respondBy);
          changes.handling_due_at = iso(handlingDue);
          dispatchedAt = event.at;
          handledAt = null;
          handlersAt = event.at;
          break;
        case 'return':
          changes.lead_department = null;
          handlersAt = null;
          break;
        case 'fail_check':
          changes.handling_due_at = iso(handlingDue);
          handledAt = null;
          break;
        case 'feedback':
          handledAt = event.at;
          break;
        case 'pass_check':
        case 'close_special':
          changes.closure_type = closure;
          closedAt = event.at;
          if (event.action === 'close_special') handlersAt = null;
          break;
        case 'evaluate':
          changes.solved = solved;
          changes.satisfied = satisfied;
          evaluatedAt = event.at;
          break;
        case 'escalate':
          // The sweeper's first rung, seen with the handling deadline as the running one.
          kase.due_at = kase.handling_due_at;
          break;
      }
      const after = { ...kase, ...changes } as unknown as CaseRow;
      const tally = tallyStep(RULES, event.action, before, after, new Date(event.at), 1);
      Object.assign(kase, changes, tally.bookkeeping);
      kase.due_at = null;
      for (const increment of tally.increments) tallies.add(increment);
      if (event.to && event.to !== kase.state) {
        kase.state = event.to;
        stageSeq++;
        stageStarted = event.at;
      }
      version++;
      updated = event.at;
    }

    const state = kase.state as CaseState;
    const stageDue: number | null =
      state === 'reported'
        ? stageStarted + 1.5 * HOUR
        : state === 'verified' || state === 'filed' || state === 'returned' || state === 'fed_back'
          ? stageStarted + 1.5 * HOUR
          : state === 'dispatched' || state === 'extension_requested' || state === 'parking_requested'
            ? Date.parse(kase.handling_due_at!)
            : null;
    const isOverdue = OPEN_STATES.includes(state) && stageDue !== null && stageDue < end;
    if (isOverdue) overdue++;
    states[state] = (states[state] ?? 0) + 1;
    const hotline = source === 'hotline';
    batch.cases.push([
      id,
      source,
      state,
      leaf.code,
      conditionCode,
      leaf.public,
      microgrid.code,
      source === 'worker' && microgrid.lng !== null ? microgrid.lng + life.range(-0.002, 0.002) : null,
      source === 'worker' && microgrid.lat !== null ? microgrid.lat + life.range(-0.002, 0.002) : null,
      `${microgrid.name}${1 + Math.floor(life.next() * 40)}号`,
      `${leaf.name}：${life.pick(PROBLEMS)}`,
      '[]',
      source === 'worker' ? microgrid.worker : null,
      hotline ? '张先生' : null,
      null,
      hotline ? `HL${iso(t0).slice(0, 10).replaceAll('-', '')}${String(++hotlineSeq).padStart(7, '0')}` : null,
      null,
      kase.lead_department,
      stageSeq,
      iso(stageStarted),
      stageDue === null ? null : iso(stageDue),
      null,
      isOverdue ? (ESCALATION_LADDER[state]?.length ?? 0) : 0,
      kase.handling_due_at,
      dispatchedAt === null ? null : iso(dispatchedAt),
      handledAt === null ? null : iso(handledAt),
      closedAt === null ? null : iso(closedAt),
      kase.closure_type,
      kase.solved,
      kase.satisfied,
      evaluatedAt === null ? null : iso(evaluatedAt),
      kase.respond_by,
      kase.tally_dispatch_day,
      kase.tally_dispatch_department,
      kase.tally_due_day,
      kase.tally_due_department,
      kase.tally_flags,
      iso(t0),
      iso(updated),
      version,
    ]);
    if (handlersAt !== null && route) {
      const doneAt = handledAt === null ? null : iso(handledAt);
      batch.handlers.push([id, route.lead, 'lead', iso(handlersAt), doneAt, doneAt && '已处置完毕']);
      for (const co of route.co.filter((code) => code !== route.lead))
        batch.handlers.push([id, co, 'co', iso(handlersAt), doneAt, doneAt && '已配合处置']);
      handlers += 1 + route.co.length;
    }
    if (batch.cases.length >= CHUNK || i === count - 1) {
      await sink(batch);
      batch = { cases: [], handlers: [] };
    }
  }

  const ranked = [...byCategory].sort((a, b) => b[1] - a[1]);
  const middling = ranked[Math.min(ranked.length - 1, 19)];
  const endMonth = new Date(end + 8 * HOUR).toISOString().slice(0, 7);
  const [year, month] = endMonth.split('-').map(Number);
  const rankingMonth = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  return {
    tallies,
    meta: {
      cases: count,
      from: iso(start),
      to: iso(end),
      handlers,
      states,
      overdue,
      rankingMonth,
      category: { code: middling[0], cases: middling[1] },
    },
  };
}

/**
 * The counters being summed: tens of millions of increments land in a few million (unit, day,
 * measure) cells, kept as numbers in one growing array per unit rather than as string keys.
 */
class Tallies {
  private readonly units = new Map<string, Int32Array>();
  private readonly dayIndex = new Map<string, number>();
  private readonly days: string[] = [];
  private static readonly MAX_DAYS = 800;

  add({ unit, day, measure }: Increment): void {
    let d = this.dayIndex.get(day);
    if (d === undefined) {
      d = this.days.push(day) - 1;
      if (d >= Tallies.MAX_DAYS) throw new Error('more days than the counters were sized for');
      this.dayIndex.set(day, d);
    }
    let cells = this.units.get(unit);
    if (!cells) this.units.set(unit, (cells = new Int32Array(Tallies.MAX_DAYS * MEASURES.length)));
    cells[d * MEASURES.length + MEASURE_INDEX.get(measure)!]++;
  }

  /** The counters as rows, in primary-key order (unit, day, measure). */
  rows(): Value[][] {
    const rows: Value[][] = [];
    const days = this.days.map((day, index) => ({ day, index })).sort((a, b) => (a.day < b.day ? -1 : 1));
    const measures = MEASURES.map((measure, index) => ({ measure, index })).sort((a, b) => (a.measure < b.measure ? -1 : 1));
    for (const unit of [...this.units.keys()].sort()) {
      const cells = this.units.get(unit)!;
      for (const { day, index } of days) {
        for (const m of measures) {
          const count = cells[index * MEASURES.length + m.index];
          if (count > 0) rows.push([unit, day, m.measure, count]);
        }
      }
    }
    return rows;
  }
}

const MEASURE_INDEX = new Map<string, number>(MEASURES.map((measure, index) => [measure, index]));

// ---------------------------------------------------------------------------------------------
// SQLite

function migrate(env: NodeJS.ProcessEnv): void {
  execFileSync(process.execPath, ['bin/wangge.js', 'migrate'], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'warn', WANGGE_DEMO: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function placeholders(columns: number, rows: number): string {
  const row = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(row).join(', ');
}

async function buildOnSqlite(dataDir: string, count: number, log: (line: string) => void): Promise<CaseDatasetMeta> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  migrate(env);
  const db = new BetterSqlite3(join(dataDir, 'wangge.sqlite'));
  try {
    // A scratch build: nothing here needs to survive a crash (the cache is renamed into place at the end).
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    const world = worldOf(
      Object.fromEntries(Object.entries(WORLD_QUERIES).map(([name, text]) => [name, db.prepare(text).all()])) as unknown as WorldRows,
    );
    // Secondary indexes are dropped during the load and made again after: one sort each instead of a million random inserts.
    const indexes = db
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('dispatch_case', 'case_handler', 'case_tally')`,
      )
      .all() as { name: string; sql: string }[];
    for (const index of indexes) db.exec(`drop index "${index.name}"`);
    const insertCases = new Map<number, BetterSqlite3.Statement>();
    const insertMany = (table: string, columns: readonly string[], rows: Value[][], perStatement: number) => {
      for (let i = 0; i < rows.length; i += perStatement) {
        const slice = rows.slice(i, i + perStatement);
        const key = slice.length * 1000 + columns.length;
        let statement = insertCases.get(key);
        if (!statement) {
          statement = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${placeholders(columns.length, slice.length)}`);
          insertCases.set(key, statement);
        }
        statement.run(slice.flat());
      }
    };
    const started = performance.now();
    let done = 0;
    db.exec('begin');
    const { tallies, meta } = await generate(world, count, Date.now(), async (batch) => {
      insertMany('dispatch_case', CASE_COLUMNS, batch.cases, 20);
      insertMany('case_handler', HANDLER_COLUMNS, batch.handlers, 100);
      done += batch.cases.length;
      if (done % 100_000 === 0) log(`  ${done.toLocaleString('en')} cases (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    });
    const rows = tallies.rows();
    insertMany('case_tally', ['unit_code', 'day', 'measure', 'count'], rows, 200);
    db.exec('commit');
    const generatorSeconds = (performance.now() - started) / 1000;
    log(`  indexing (${indexes.length} indexes)...`);
    for (const index of indexes) db.exec(index.sql);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { ...meta, tallies: rows.length, generatorSeconds };
  } finally {
    db.close();
  }
}

const CACHE_PREFIX = 'wangge-bench-cases';

/**
 * Removes the cached datasets of other keys (built before a migration or generator change): each is
 * 1.5-2 GB and will never be read again. `postgres` picks the DATA_DIRs kept beside PostgreSQL datasets.
 */
async function forgetOtherDatasets(keep: string, postgres: boolean, log: (line: string) => void): Promise<void> {
  const pattern = postgres ? /^wangge-bench-cases-\d+-pg-[0-9a-f]{16}$/ : /^wangge-bench-cases-\d+-[0-9a-f]{16}$/;
  for (const name of readdirSync(os.tmpdir()).filter((entry) => pattern.test(entry) && entry !== keep)) {
    log(`  removing the outdated dataset ${join(os.tmpdir(), name)}`);
    await rm(join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * The cached DATA_DIR of the dataset on SQLite: the demo district (bench/demoCity.ts, scale 1) with
 * `count` cases, built when missing into a scratch directory renamed at the end.
 */
export async function cachedCaseDataset(count: number, password: string, log: (line: string) => void): Promise<CaseDataset> {
  const dataDir = join(os.tmpdir(), `${CACHE_PREFIX}-${count}-${caseDatasetKey(count, password)}`);
  const metaFile = join(dataDir, 'cases-meta.json');
  if (existsSync(metaFile)) return { dataDir, meta: JSON.parse(await readFile(metaFile, 'utf8')) as CaseDatasetMeta, builtSeconds: null };
  const city: CachedCity = await cachedDemoCity(1, password, log);
  const scratch = `${dataDir}.building-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await cp(city.dataDir, scratch, { recursive: true });
  log(`building ${count.toLocaleString('en')} cases into ${dataDir} (once; a few minutes)...`);
  const started = performance.now();
  const meta = await buildOnSqlite(scratch, count, log);
  await writeFile(join(scratch, 'cases-meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await rename(scratch, dataDir);
  await forgetOtherDatasets(basename(dataDir), false, log);
  return { dataDir, meta, builtSeconds: (performance.now() - started) / 1000 + (city.builtSeconds ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function insertUnnest(client: pg.Client, table: string, columns: readonly string[], rows: Value[][]): Promise<void> {
  if (rows.length === 0) return;
  const types = columns.map((c) =>
    INTEGER_COLUMNS.has(c) || c === 'count' ? 'integer' : REAL_COLUMNS.has(c) ? 'double precision' : 'text',
  );
  const arrays = columns.map((_, i) => rows.map((row) => row[i]));
  await client.query(
    `insert into ${table} (${columns.join(', ')}) select * from unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`,
    arrays,
  );
}

/**
 * The dataset on PostgreSQL: a database of its own made from the cached demo district
 * (bench/demoCity.ts) as a template, migrated, filled, indexed and analysed, kept for later runs.
 */
export async function cachedCaseDatasetOnPostgres(
  count: number,
  password: string,
  adminUrl: string,
  log: (line: string) => void,
): Promise<CaseDataset> {
  const key = caseDatasetKey(count, password);
  const name = `wangge_bench_cases_${key}`;
  const dataDir = join(os.tmpdir(), `${CACHE_PREFIX}-${count}-pg-${key}`);
  const metaFile = join(dataDir, 'cases-meta.json');
  if (existsSync(metaFile)) {
    return {
      dataDir,
      databaseUrl: databaseUrl(adminUrl, name),
      meta: JSON.parse(await readFile(metaFile, 'utf8')) as CaseDatasetMeta,
      builtSeconds: null,
    };
  }
  const city = await cachedDemoCityOnPostgres(1, password, adminUrl, log);
  const template = new URL(city.databaseUrl!).pathname.slice(1);
  const scratch = `${name}_building`;
  await withClient(adminUrl, async (admin) => {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${scratch} template ${template}`);
  });
  await rm(dataDir, { recursive: true, force: true });
  await cp(city.dataDir, dataDir, { recursive: true });
  await rm(join(dataDir, 'complete'), { force: true });
  log(`building ${count.toLocaleString('en')} cases into PostgreSQL database ${name} (once; a few minutes)...`);
  const started = performance.now();
  const url = databaseUrl(adminUrl, scratch);
  migrate({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: url });
  const meta = await withClient(url, async (client) => {
    const read: Record<string, unknown[]> = {};
    for (const [table, text] of Object.entries(WORLD_QUERIES)) read[table] = (await client.query(text)).rows;
    const world = worldOf(read as unknown as WorldRows);
    const indexes = (
      await client.query<{ indexname: string; indexdef: string }>(
        `select indexname, indexdef from pg_indexes i where schemaname = 'public' and tablename in ('dispatch_case', 'case_handler', 'case_tally')
           and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
      )
    ).rows;
    for (const index of indexes) await client.query(`drop index "${index.indexname}"`);
    await client.query('begin');
    const generatorStarted = performance.now();
    let done = 0;
    const { tallies, meta } = await generate(world, count, Date.now(), async (batch) => {
      await insertUnnest(client, 'dispatch_case', CASE_COLUMNS, batch.cases);
      await insertUnnest(client, 'case_handler', HANDLER_COLUMNS, batch.handlers);
      done += batch.cases.length;
      if (done % 100_000 === 0)
        log(`  ${done.toLocaleString('en')} cases (${((performance.now() - generatorStarted) / 1000).toFixed(0)} s)`);
    });
    const rows = tallies.rows();
    for (let i = 0; i < rows.length; i += 20_000)
      await insertUnnest(client, 'case_tally', ['unit_code', 'day', 'measure', 'count'], rows.slice(i, i + 20_000));
    await client.query('commit');
    const generatorSeconds = (performance.now() - generatorStarted) / 1000;
    log(`  indexing (${indexes.length} indexes) and analysing...`);
    await client.query(`set maintenance_work_mem = '512MB'`);
    for (const index of indexes) await client.query(index.indexdef);
    await client.query('vacuum analyze');
    return { ...meta, tallies: rows.length, generatorSeconds };
  });
  await withClient(adminUrl, async (admin) => {
    await admin.query(`alter database ${scratch} rename to ${name}`);
    const stale = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname ~ '^wangge_bench_cases_[0-9a-f]{16}(_building)?$' and datname <> $1`,
      [name],
    );
    for (const { datname } of stale.rows) {
      log(`  dropping the outdated dataset database ${datname}`);
      await admin.query(`drop database if exists ${datname} with (force)`);
    }
  });
  await forgetOtherDatasets(basename(dataDir), true, log);
  await writeFile(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return {
    dataDir,
    databaseUrl: databaseUrl(adminUrl, name),
    meta,
    builtSeconds: (performance.now() - started) / 1000 + (city.builtSeconds ?? 0),
  };
}

/** A throwaway copy of the dataset on PostgreSQL (CREATE DATABASE ... TEMPLATE) and of its secrets. */
export async function copyOfCaseDatasetOnPostgres(
  dataset: CaseDataset,
  adminUrl: string,
  into: string,
): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  const template = new URL(dataset.databaseUrl!).pathname.slice(1);
  const name = `wangge_bench_cases_run_${process.pid}`;
  await withClient(adminUrl, async (admin) => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name} template ${template}`);
  });
  await cp(dataset.dataDir, into, { recursive: true });
  return {
    databaseUrl: databaseUrl(adminUrl, name),
    drop: () => withClient(adminUrl, async (admin) => void (await admin.query(`drop database if exists ${name} with (force)`))),
  };
}
