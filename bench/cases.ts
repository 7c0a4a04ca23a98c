// `npx tsx bench/cases.ts`: the case figures of issue 4, each against a baseline measured in the same run.
//
//   reports    POST /api/cases as a micro-grid worker (Bearer), over HTTP on SQLite, driven by autocannon
//              (BENCH_CONNECTIONS keep-alive connections) for BENCH_REPORT_SECONDS per round, with and
//              without a fresh Idempotency-Key per request; baseline: POST /bare of bench/bareServer.ts
//              with the same body, in interleaved rounds as bench/run.ts measures (target >= 4,000/s).
//              Then no loss: the stored cases against the 201s counted, and `wangge audit verify`.
//              And the floor under it: the SQL of BENCH_FLOOR_GROUP (64) reports sent at once to a server
//              in this process, replayed BENCH_FLOOR_TIMES (100) times on its own with fresh ids
//              (support/sqlFloor.ts): what SQLite alone allows, with no HTTP or JavaScript around it.
//   lists      GET /api/cases at BENCH_CASES (1,000,000) cases, as the district admin (first page, a
//              category, the second page by cursor), a subdistrict admin (state=dispatched), a community
//              admin (overdue=true) and a department (its inbox): target p95 < 50 ms.
//   rankings   GET /api/cases/rankings?month=...&level=grid|community|subdistrict|department as the
//              district admin at the same cases: target < 200 ms (p95).
//
// Lists and rankings run on SQLite, and on PostgreSQL too when BENCH_PG_URL names an account that may
// create databases (postgres://postgres@127.0.0.1:5432/postgres). Their requests are sequential on one
// keep-alive connection, 10 unmeasured then BENCH_REQUESTS (200; BENCH_RANKING_REQUESTS, 40, for the
// rankings) per target, in BENCH_ROUNDS (3) interleaved rounds with the order rotated; the ratio is the
// target's p95 over the bare GET /bare's p95 of the same round, as bench/registry.ts measures.
//
// The cases are made up once by bench/support/caseData.ts and cached (a few minutes the first time).
// BENCH_CASES_PARTS=reports,lists limits what runs. Prints PASS/FAIL against the targets, writes
// bench/results/cases-latest.json, and never changes the exit code for a timing.
import BetterSqlite3 from 'better-sqlite3';
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { monthBounds } from '../src/modules/cases/cases.rankings.ts';
import { loadConfig } from '../src/platform/config.ts';
import { startServer } from '../src/server.ts';
import { copyOfCity, cachedDemoCity, type CachedCity } from './demoCity.ts';
import { cachedCaseDataset, cachedCaseDatasetOnPostgres, copyOfCaseDatasetOnPostgres, type CaseDataset } from './support/caseData.ts';
import { startBenchServers, type BenchServers, type Child } from './support/children.ts';
import { setting } from './support/settings.ts';
import { recordStatements, replayStatements } from './support/sqlFloor.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = join(ROOT, 'bench', 'results', 'cases-latest.json');
const HOST = '127.0.0.1';
const PASSWORD = 'wangge-demo';
const TIME_ZONE = 'Asia/Shanghai';

const SETTINGS = {
  rounds: setting('BENCH_ROUNDS', 3, 1),
  warmupSeconds: setting('BENCH_WARMUP_SECONDS', 2, 0),
  reportSeconds: setting('BENCH_REPORT_SECONDS', 10, 1),
  connections: setting('BENCH_CONNECTIONS', 20, 1),
  cases: setting('BENCH_CASES', 1_000_000, 1000),
  requests: setting('BENCH_REQUESTS', 200, 20),
  rankingRequests: setting('BENCH_RANKING_REQUESTS', 40, 10),
  floorGroup: setting('BENCH_FLOOR_GROUP', 64, 1),
  floorTimes: setting('BENCH_FLOOR_TIMES', 100, 1),
};
const WARMUP_REQUESTS = 10;
const PG_ADMIN_URL = process.env.BENCH_PG_URL || undefined;
const PARTS = new Set((process.env.BENCH_CASES_PARTS ?? 'reports,lists').split(',').map((part) => part.trim()));
const TARGETS = { reportsPerSecond: 4000, listP95: 50, rankingP95: 200 };

const log = (line: string) => process.stderr.write(`${line}\n`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const load1 = () => os.loadavg()[0].toFixed(2);

async function login(base: string, username: string): Promise<string> {
  // /api/health answers 200 a moment before a fresh server's sessions table is warm; retry briefly.
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const text = await response.text();
    if (response.status === 200) return (JSON.parse(text) as { token: string }).token;
    if (attempt >= 20) throw new Error(`login as ${username}: HTTP ${response.status} ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Both servers of the HTTP parts, started with the time it took logged. */
async function startServers(dataDir: string, databaseUrl?: string): Promise<BenchServers> {
  const started = performance.now();
  const servers = await startBenchServers(ROOT, HOST, dataDir, databaseUrl);
  log(`  servers ready in ${((performance.now() - started) / 1000).toFixed(1)} s (migrations included)`);
  return servers;
}

function checkRunning(children: Child[]): void {
  for (const child of children) if (!child.running) throw new Error(child.describeExit());
}

// ---------------------------------------------------------------------------------------------
// Reports per second

interface ReportTarget {
  id: 'bare' | 'report' | 'report-key';
  label: string;
  url: string;
  headers: Record<string, string>;
  idReplacement: boolean;
}

interface ReportRound {
  round: number;
  reqPerSec: number;
  p50: number;
  p99: number;
}

interface ReportFigures {
  id: ReportTarget['id'];
  label: string;
  reqPerSec: { median: number; min: number; max: number };
  p50: number;
  p99: number;
  ratio: { median: number; min: number; max: number };
  rounds: ReportRound[];
}

interface ReportingWorker {
  id: string;
  username: string;
  microgrid: string;
}

/** The worker who reports: the first demo worker, in their first micro-grid. */
function reportingWorker(file: string): ReportingWorker {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db
      .prepare(
        `select u.id, u.username, m.microgrid_code as microgrid from app_user u join user_microgrid m on m.user_id = u.id
          where u.role = 'microgrid_worker' order by u.username, m.microgrid_code limit 1`,
      )
      .get() as ReportingWorker;
  } finally {
    db.close();
  }
}

/** The report every request sends: the same body for the bare route, the server and the floor. */
function reportOf(worker: ReportingWorker) {
  return {
    categoryCode: '0101',
    areaCode: worker.microgrid,
    address: '马村区幸福路12号楼东侧',
    description: '楼道口堆放生活垃圾和废弃家具，影响通行，请尽快清理',
  };
}

async function measureReports() {
  const city = await cachedDemoCity(1, PASSWORD, log);
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-cases-run-'));
  let servers: BenchServers | undefined;
  try {
    await copyOfCity(city, dataDir);
    const file = join(dataDir, 'wangge.sqlite');
    const worker = reportingWorker(file);
    const casesBefore = countCases(file, worker.id);
    log(`reports: \`wangge serve\` on a copy of the cached demo district (SQLite), reporting as ${worker.username}`);
    servers = await startServers(dataDir);
    const token = await login(servers.base, worker.username);
    const body = JSON.stringify(reportOf(worker));
    const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const targets: ReportTarget[] = [
      {
        id: 'bare',
        label: 'baseline: bare Fastify POST /bare (same body)',
        url: `${servers.bareBase}/bare`,
        headers: json,
        idReplacement: false,
      },
      { id: 'report', label: 'POST /api/cases (worker, Bearer)', url: `${servers.base}/api/cases`, headers: json, idReplacement: false },
      {
        id: 'report-key',
        label: 'POST /api/cases with a fresh Idempotency-Key each',
        url: `${servers.base}/api/cases`,
        headers: { ...json, 'idempotency-key': 'bench-[<id>]' },
        idReplacement: true,
      },
    ];
    // One request each before any load: a 201, and the report is the worker's, in their micro-grid.
    let created = 0;
    let keyed = 0;
    for (const target of targets) {
      const headers = { ...target.headers, ...(target.idReplacement ? { 'idempotency-key': `bench-check-${Date.now()}` } : {}) };
      const response = await fetch(target.url, { method: 'POST', headers, body });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`${target.label}: HTTP ${response.status} ${text}`);
      if (target.id !== 'bare') {
        const kase = JSON.parse(text) as { state: string; areaCode: string; reporterUserId: string };
        if (kase.state !== 'reported' || kase.areaCode !== worker.microgrid || kase.reporterUserId !== worker.id)
          throw new Error(`${target.label}: unexpected answer ${text}`);
        created++;
        if (target.idReplacement) keyed++;
      }
    }
    // A retry with the same key is answered from the first request, not stored twice.
    const retryHeaders = { ...json, 'idempotency-key': `bench-retry-${Date.now()}` };
    const first = await fetch(targets[1].url, { method: 'POST', headers: retryHeaders, body });
    const again = await fetch(targets[1].url, { method: 'POST', headers: retryHeaders, body });
    const [firstCase, againCase] = [(await first.json()) as { id: string }, (await again.json()) as { id: string }];
    if (
      first.status !== 201 ||
      again.status !== 201 ||
      firstCase.id !== againCase.id ||
      again.headers.get('idempotent-replayed') !== 'true'
    )
      throw new Error('an Idempotency-Key retry was not answered with the first case');
    created++;
    keyed++;

    const perRound = SETTINGS.warmupSeconds + SETTINGS.reportSeconds;
    log(
      `  ${SETTINGS.rounds} rounds x ${targets.length} targets x (${SETTINGS.warmupSeconds} s warm-up + ${SETTINGS.reportSeconds} s), ` +
        `${SETTINGS.connections} connections: about ${SETTINGS.rounds * targets.length * perRound} s`,
    );
    const rounds = new Map<ReportTarget['id'], ReportRound[]>(targets.map((t) => [t.id, []]));
    const run = async (target: ReportTarget, seconds: number) => {
      const result = await autocannon({
        url: target.url,
        method: 'POST',
        headers: target.headers,
        body,
        idReplacement: target.idReplacement,
        connections: SETTINGS.connections,
        duration: seconds,
        pipelining: 1,
        timeout: 10,
      });
      if (result.errors || result.timeouts || result.non2xx) {
        throw new Error(
          `${target.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (status counts ${JSON.stringify(result.statusCodeStats)})`,
        );
      }
      if (target.id !== 'bare') created += result['2xx'];
      if (target.idReplacement) keyed += result['2xx'];
      return result;
    };
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]);
      for (const target of order) {
        checkRunning(servers.children);
        if (SETTINGS.warmupSeconds > 0) await run(target, SETTINGS.warmupSeconds);
        const result = await run(target, SETTINGS.reportSeconds);
        const figures = { round, reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
        rounds.get(target.id)!.push(figures);
        log(
          `  round ${round}/${SETTINGS.rounds}  ${target.id.padEnd(10)} ${Math.round(figures.reqPerSec).toString().padStart(6)} req/s` +
            `  p50 ${figures.p50} ms  p99 ${figures.p99} ms  load ${load1()}`,
        );
      }
    }
    await servers.stop();
    servers = undefined;

    // No loss: every 201 is a stored case (autocannon drops the answers still in flight when its time
    // is up, so a few more cases than 201s may be stored, never fewer), and the audit chain holds.
    const stored = countCases(file, worker.id) - casesBefore;
    const runs = SETTINGS.rounds * 2 * (SETTINGS.warmupSeconds > 0 ? 2 : 1);
    const inFlightAtMost = runs * SETTINGS.connections;
    const keysStored = countRows(file, 'idempotent_request');
    const audit = execFileSync(process.execPath, ['bin/wangge.js', 'audit', 'verify'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', WANGGE_DEMO: '0' },
      encoding: 'utf8',
    }).trim();
    const noLoss = stored >= created && stored - created <= inFlightAtMost && keysStored >= keyed;

    const bare = rounds.get('bare')!;
    const figures: ReportFigures[] = targets.map((target) => {
      const own = rounds.get(target.id)!;
      const rps = own.map((r) => r.reqPerSec);
      const ratios = own.map((r) => r.reqPerSec / bare.find((b) => b.round === r.round)!.reqPerSec);
      return {
        id: target.id,
        label: target.label,
        reqPerSec: { median: median(rps), min: Math.min(...rps), max: Math.max(...rps) },
        p50: median(own.map((r) => r.p50)),
        p99: median(own.map((r) => r.p99)),
        ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
        rounds: own,
      };
    });
    const floor = await measureReportSql(city);
    return { worker: worker.username, figures, floor, check: { created, stored, keyed, keysStored, inFlightAtMost, noLoss, audit } };
  } finally {
    await servers?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The floor under the reports figure: BENCH_FLOOR_GROUP reports sent at once to a server in this
 * process (after as many one by one, to warm its caches), so that the group commit takes them
 * together as it does under load; their SQL recorded, then replayed BENCH_FLOOR_TIMES times alone.
 */
async function measureReportSql(city: CachedCity) {
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-cases-floor-'));
  try {
    await copyOfCity(city, dataDir);
    const file = join(dataDir, 'wangge.sqlite');
    const worker = reportingWorker(file);
    const config = loadConfig({ DATA_DIR: dataDir, WANGGE_DEMO: '0', LOG_LEVEL: 'silent', HOST, PORT: '0' });
    const server = await startServer(config, { jobs: false, webDir: '/nonexistent' });
    let recorded;
    try {
      const signedIn = await server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: worker.username, password: PASSWORD },
      });
      const headers = { authorization: `Bearer ${signedIn.json().token}` };
      const report = () => server.app.inject({ method: 'POST', url: '/api/cases', headers, payload: reportOf(worker) });
      for (let i = 0; i < SETTINGS.floorGroup; i++) await report();
      recorded = await recordStatements(async () => {
        const answers = await Promise.all(Array.from({ length: SETTINGS.floorGroup }, report));
        const refused = answers.find((answer) => answer.statusCode !== 201);
        if (refused) throw new Error(`floor: a report was answered ${refused.statusCode} ${refused.body}`);
      });
    } finally {
      await server.close();
    }
    const before = { cases: countCases(file, worker.id), audit: countRows(file, 'audit_record') };
    const replay = replayStatements(file, recorded, SETTINGS.floorTimes, Date.now() + 60_000);
    const reports = SETTINGS.floorGroup * SETTINGS.floorTimes;
    // Believed only if the replay wrote what as many reports write: a case and an audit record each.
    const added = { cases: countCases(file, worker.id) - before.cases, audit: countRows(file, 'audit_record') - before.audit };
    if (added.cases !== reports || added.audit !== reports) {
      throw new Error(`floor: the replay added ${added.cases} cases and ${added.audit} audit records, not ${reports} each`);
    }
    const passMs = median(replay.passMs);
    const floor = {
      reportsPerSecond: SETTINGS.floorGroup / (passMs / 1000),
      microsEach: (passMs * 1000) / SETTINGS.floorGroup,
      overallReportsPerSecond: reports / (replay.ms / 1000),
      statementsPerReport: replay.statements / SETTINGS.floorGroup,
      transactionsPerGroup: replay.transactions,
      reports,
    };
    log(`  floor: SQL alone ${Math.round(floor.reportsPerSecond)} reports/s (${floor.microsEach.toFixed(0)} µs each), load ${load1()}`);
    return floor;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function countCases(file: string, reporter: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from dispatch_case where reporter_user_id = ?').get(reporter) as { n: number }).n;
  } finally {
    db.close();
  }
}

function countRows(file: string, table: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Lists and rankings at a million cases

interface ReadTarget {
  id: string;
  label: string;
  url: string;
  token?: string;
  requests: number;
  kind: 'bare' | 'list' | 'ranking';
}

interface ReadRound {
  p50: number;
  p95: number;
  bytes: number;
}

interface ReadFigures {
  id: string;
  label: string;
  kind: ReadTarget['kind'];
  p50: number;
  p95: number;
  p95Range: [number, number];
  bytes: number;
  ratio: number;
  verdict: string;
}

async function timeRequest(target: ReadTarget): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(target.url, { headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  const body = await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`${target.label}: HTTP ${response.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
  return { ms: elapsed, bytes: body.byteLength };
}

async function measureRead(target: ReadTarget): Promise<ReadRound> {
  for (let i = 0; i < WARMUP_REQUESTS; i++) await timeRequest(target);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < target.requests; i++) {
    const answer = await timeRequest(target);
    times.push(answer.ms);
    bytes = answer.bytes;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), bytes };
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

type CaseList = {
  items: { id: string; state: string; areaCode: string; categoryCode: string; overdue: boolean }[];
  nextCursor: string | null;
};
type RankingAnswer = { units: { code: string; score: number | null; counts: Record<string, number> }[] };

/** Before timing: every list answers a full, correct page, and the rankings agree with the cases. */
async function checkReads(
  base: string,
  tokens: Record<string, string>,
  dataset: CaseDataset,
  units: { subdistrict: string; community: string; department: string },
  reportedInMonth: number,
): Promise<string> {
  const notes: string[] = [];
  const page = await getJson<CaseList>(`${base}/api/cases`, tokens.district);
  if (page.items.length !== 50 || !page.nextCursor) throw new Error('the district admin’s first page is not a full page');
  const second = await getJson<CaseList>(`${base}/api/cases?after=${page.nextCursor}`, tokens.district);
  if (second.items.length !== 50 || second.items[0].id >= page.items[49].id) throw new Error('the second page does not follow the first');
  const dispatched = await getJson<CaseList>(`${base}/api/cases?state=dispatched`, tokens.subdistrict);
  if (dispatched.items.length === 0 || dispatched.items.some((c) => c.state !== 'dispatched' || !c.areaCode.startsWith(units.subdistrict)))
    throw new Error('state=dispatched of the subdistrict is empty or wrong');
  const overdue = await getJson<CaseList>(`${base}/api/cases?overdue=true`, tokens.community);
  if (overdue.items.length === 0 || overdue.items.some((c) => !c.overdue || !c.areaCode.startsWith(units.community)))
    throw new Error('overdue=true of the community is empty or wrong');
  const category = await getJson<CaseList>(`${base}/api/cases?category=${dataset.meta.category.code}`, tokens.district);
  if (category.items.length !== 50 || category.items.some((c) => c.categoryCode !== dataset.meta.category.code))
    throw new Error('the category filter is wrong');
  const inbox = await getJson<CaseList>(`${base}/api/cases`, tokens.department);
  if (inbox.items.length !== 50) throw new Error('the department inbox is not a full page');
  notes.push(`pages: dispatched ${dispatched.items.length}, overdue ${overdue.items.length} (of 50)`);
  const expected: Record<string, number> = { subdistrict: 7, community: 100, grid: 337, department: 14 };
  for (const [level, count] of Object.entries(expected)) {
    const ranking = await getJson<RankingAnswer>(
      `${base}/api/cases/rankings?month=${dataset.meta.rankingMonth}&level=${level}`,
      tokens.district,
    );
    if (ranking.units.length !== count) throw new Error(`ranking of ${level}: ${ranking.units.length} units, expected ${count}`);
    if (ranking.units.filter((u) => u.score !== null).length < count * 0.9)
      throw new Error(`ranking of ${level}: most units have no score`);
    if (level !== 'department') {
      const reported = ranking.units.reduce((sum, u) => sum + (u.counts.reported ?? 0), 0);
      if (reported !== reportedInMonth)
        throw new Error(`ranking of ${level}: ${reported} reported, but ${reportedInMonth} cases were reported that month`);
    }
  }
  notes.push(`rankings: every level sums to the ${reportedInMonth.toLocaleString('en')} cases reported in ${dataset.meta.rankingMonth}`);
  return notes.join('; ');
}

async function measureReads(database: 'sqlite' | 'postgres') {
  const dataset =
    database === 'postgres'
      ? await cachedCaseDatasetOnPostgres(SETTINGS.cases, PASSWORD, PG_ADMIN_URL!, log)
      : await cachedCaseDataset(SETTINGS.cases, PASSWORD, log);
  log(
    `${database}: ${dataset.meta.cases.toLocaleString('en')} cases ${dataset.builtSeconds === null ? 'from the cache' : `built in ${dataset.builtSeconds.toFixed(0)} s`} ` +
      `(${dataset.databaseUrl ?? dataset.dataDir})`,
  );
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-cases-run-'));
  let servers: BenchServers | undefined;
  let drop = async () => {};
  const copyStarted = performance.now();
  try {
    const bounds = monthBounds(dataset.meta.rankingMonth, TIME_ZONE);
    let runUrl: string | undefined;
    let reportedInMonth: number;
    if (database === 'postgres') {
      await rm(dataDir, { recursive: true, force: true });
      const copy = await copyOfCaseDatasetOnPostgres(dataset, PG_ADMIN_URL!, dataDir);
      runUrl = copy.databaseUrl;
      drop = copy.drop;
      const client = new pg.Client({ connectionString: runUrl });
      await client.connect();
      try {
        const answer = await client.query<{ n: number }>(
          'select count(*)::int as n from dispatch_case where created_at >= $1 and created_at < $2',
          [bounds.fromInstant, bounds.toInstant],
        );
        reportedInMonth = answer.rows[0].n;
      } finally {
        await client.end();
      }
    } else {
      await copyOfCity({ dataDir: dataset.dataDir, builtSeconds: null }, dataDir);
      const db = new BetterSqlite3(join(dataDir, 'wangge.sqlite'), { readonly: true });
      try {
        reportedInMonth = (
          db
            .prepare('select count(*) as n from dispatch_case where created_at >= ? and created_at < ?')
            .get(bounds.fromInstant, bounds.toInstant) as { n: number }
        ).n;
      } finally {
        db.close();
      }
    }
    log(`  copied the dataset in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
    servers = await startServers(dataDir, runUrl);
    const { base, bareBase } = servers;
    const units = { subdistrict: '410804001', community: '410804001001', department: '410804D02' };
    const tokens = {
      district: await login(base, 'admin'),
      subdistrict: await login(base, `subdistrict-${units.subdistrict}`),
      community: await login(base, `community-${units.community}`),
      department: await login(base, `dept-${units.department}`),
    };
    const notes = await checkReads(base, tokens, dataset, units, reportedInMonth);
    log(`  checked: ${notes}`);
    const cursor = (await getJson<CaseList>(`${base}/api/cases`, tokens.district)).nextCursor!;
    const month = dataset.meta.rankingMonth;
    const list = (id: string, label: string, path: string, token: string): ReadTarget => ({
      id,
      label,
      url: `${base}${path}`,
      token,
      requests: SETTINGS.requests,
      kind: 'list',
    });
    const ranking = (level: string): ReadTarget => ({
      id: `ranking-${level}`,
      label: `GET /api/cases/rankings?month=${month}&level=${level} (district admin)`,
      url: `${base}/api/cases/rankings?month=${month}&level=${level}`,
      token: tokens.district,
      requests: SETTINGS.rankingRequests,
      kind: 'ranking',
    });
    const targets: ReadTarget[] = [
      { id: 'bare', label: 'baseline: bare Fastify GET /bare', url: `${bareBase}/bare`, requests: SETTINGS.requests, kind: 'bare' },
      list('district', 'GET /api/cases (district admin, first page)', '/api/cases', tokens.district),
      list('second-page', 'GET /api/cases?after=<cursor> (district admin, page 2)', `/api/cases?after=${cursor}`, tokens.district),
      list(
        'category',
        `GET /api/cases?category=${dataset.meta.category.code} (district admin)`,
        `/api/cases?category=${dataset.meta.category.code}`,
        tokens.district,
      ),
      list(
        'subdistrict',
        `GET /api/cases?state=dispatched (subdistrict admin ${units.subdistrict})`,
        '/api/cases?state=dispatched',
        tokens.subdistrict,
      ),
      list('community', `GET /api/cases?overdue=true (community admin ${units.community})`, '/api/cases?overdue=true', tokens.community),
      list('department', `GET /api/cases (department ${units.department}, its inbox)`, '/api/cases', tokens.department),
      ranking('grid'),
      ranking('community'),
      ranking('subdistrict'),
      ranking('department'),
    ];
    // The first request of each ranking and list (cold caches), apart from the figures.
    const cold: Record<string, number> = {};
    for (const target of targets.slice(1)) cold[target.id] = (await timeRequest(target)).ms;
    log(
      `  first requests: ${Object.entries(cold)
        .map(([id, t]) => `${id} ${ms(t)} ms`)
        .join(', ')}`,
    );

    const rounds = new Map<string, ReadRound[]>(targets.map((t) => [t.id, []]));
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const target of order) {
        checkRunning(servers.children);
        const figures = await measureRead(target);
        rounds.get(target.id)!.push(figures);
        log(
          `  round ${round + 1}/${SETTINGS.rounds}  ${target.id.padEnd(20)} p50 ${ms(figures.p50)} ms  p95 ${ms(figures.p95)} ms  load ${load1()}`,
        );
      }
    }
    const bare = rounds.get('bare')!;
    const figures: ReadFigures[] = targets.map((target) => {
      const own = rounds.get(target.id)!;
      const p95 = median(own.map((r) => r.p95));
      const limit = target.kind === 'list' ? TARGETS.listP95 : target.kind === 'ranking' ? TARGETS.rankingP95 : null;
      return {
        id: target.id,
        label: target.label,
        kind: target.kind,
        p50: median(own.map((r) => r.p50)),
        p95,
        p95Range: [Math.min(...own.map((r) => r.p95)), Math.max(...own.map((r) => r.p95))],
        bytes: own[0].bytes,
        ratio: median(own.map((r, i) => r.p95 / bare[i].p95)),
        verdict: limit === null ? '' : `${p95 < limit ? 'PASS' : 'FAIL'} (p95 < ${limit} ms)`,
      };
    });
    return { database, dataset: { ...dataset.meta, builtSeconds: dataset.builtSeconds }, cold, notes, figures };
  } finally {
    await servers?.stop();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load1();
  const cpus = os.cpus();
  const header = [
    `Wangge case benchmarks  ${new Date().toISOString()}`,
    `node ${process.version}, ${os.availableParallelism?.() ?? cpus.length} CPUs (${cpus[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  ];
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    settings: SETTINGS,
    loadAverage: { atStart: Number(loadAtStart) },
  };
  const lines: string[] = [];

  if (PARTS.has('reports')) {
    const reports = await measureReports();
    report.reports = reports;
    const rows = reports.figures.map((f) => [
      f.label,
      Math.round(f.reqPerSec.median).toString(),
      `${Math.round(f.reqPerSec.min)}-${Math.round(f.reqPerSec.max)}`,
      f.p50 < 1 ? '<1' : String(f.p50),
      String(f.p99),
      f.ratio.median.toFixed(3),
      f.id === 'bare' ? '' : `${f.reqPerSec.median >= TARGETS.reportsPerSecond ? 'PASS' : 'FAIL'} (>= ${TARGETS.reportsPerSecond}/s)`,
    ]);
    lines.push(
      '',
      `case reports over HTTP (SQLite, demo district, ${reports.worker}); ${SETTINGS.rounds} rounds of ${SETTINGS.reportSeconds} s after ${SETTINGS.warmupSeconds} s warm-up, ${SETTINGS.connections} connections`,
      table(['target', 'req/s median', 'min-max', 'p50 ms', 'p99 ms', 'ratio', 'verdict'], rows),
      `no loss: ${reports.check.created} answered 201, ${reports.check.stored} stored (up to ${reports.check.inFlightAtMost} more may be answers autocannon dropped at the end of a run); ` +
        `${reports.check.keyed} keyed, ${reports.check.keysStored} keys remembered: ${reports.check.noLoss ? 'OK' : 'LOST REPORTS'}`,
      reports.check.audit,
      `the floor, SQL alone: the ${reports.floor.statementsPerReport.toFixed(1)} statements a report runs (${SETTINGS.floorGroup} sent at once, ` +
        `${reports.floor.transactionsPerGroup} transaction(s)), replayed ${reports.floor.reports.toLocaleString('en')} times through better-sqlite3 ` +
        `with fresh ids: ${Math.round(reports.floor.reportsPerSecond)} reports/s (median of the ${SETTINGS.floorTimes} groups; ` +
        `${Math.round(reports.floor.overallReportsPerSecond)}/s over all), ${reports.floor.microsEach.toFixed(0)} µs each ` +
        `(${(TARGETS.reportsPerSecond / reports.floor.reportsPerSecond).toFixed(2)} of one core at ${TARGETS.reportsPerSecond}/s)`,
    );
  }
  if (PARTS.has('lists')) {
    const databases: ('sqlite' | 'postgres')[] = PG_ADMIN_URL ? ['sqlite', 'postgres'] : ['sqlite'];
    if (!PG_ADMIN_URL) lines.push('', 'PostgreSQL skipped: set BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres to measure it too');
    const reads = [];
    for (const database of databases) {
      const result = await measureReads(database);
      reads.push(result);
      const rows = result.figures.map((f) => [
        f.label,
        ms(f.p50),
        ms(f.p95),
        `${ms(f.p95Range[0])}-${ms(f.p95Range[1])}`,
        String(f.bytes),
        `${f.ratio.toFixed(1)}x`,
        f.verdict,
      ]);
      lines.push(
        '',
        `lists and rankings over HTTP at ${result.dataset.cases.toLocaleString('en')} cases (${database}); sequential requests on one connection, ` +
          `${SETTINGS.requests} per list and ${SETTINGS.rankingRequests} per ranking per round after ${WARMUP_REQUESTS}, ${SETTINGS.rounds} rounds`,
        table(['target', 'p50 ms', 'p95 ms', 'p95 min-max', 'bytes', 'p95 / bare', 'verdict'], rows),
        `checked before timing: ${result.notes}`,
      );
    }
    report.reads = reads;
  }

  const seconds = (performance.now() - started) / 1000;
  report.loadAverage = { atStart: Number(loadAtStart), atEnd: Number(load1()) };
  report.seconds = seconds;
  header.push(`1-min load average ${loadAtStart} at start, ${load1()} at end; ${seconds.toFixed(0)} s in all`);
  process.stdout.write(`${[...header, ...lines, ''].join('\n')}\n`);
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`written: ${RESULTS_FILE.slice(ROOT.length)}\n`);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exitCode = 1;
});
