// `npm run bench`: requests/s of GET /api/health and of an authenticated, scoped read, each as a
// ratio to a bare Fastify route measured in the same run (docs/benchmarks.md). The load generator
// (autocannon) runs here; each server runs in its own child process so neither shares an event
// loop with the load. Targets are measured in interleaved rounds and the ratio is taken per round,
// so drift on a noisy machine hits baseline and target alike. Nothing here asserts a timing.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, waitFor200, type Child } from './support/children.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = join(ROOT, 'bench', 'results', 'latest.json');
const HOST = '127.0.0.1';
const ADMIN = { username: 'admin', password: 'wangge-demo' };
const SCOPED_USER = {
  username: 'bench-sub',
  displayName: 'bench',
  password: 'bench-password-1',
  role: 'subdistrict_admin',
  scopeCode: '410804001',
};

interface Settings {
  rounds: number;
  warmupSeconds: number;
  seconds: number;
  connections: number;
}

interface Target {
  id: 'baseline' | 'health' | 'scoped';
  label: string;
  url: string;
  headers?: Record<string, string>;
}

interface RoundFigures {
  round: number;
  /** Position of this target in the round's order (the order rotates each round). */
  position: number;
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
}

interface Summary {
  id: Target['id'];
  label: string;
  reqPerSec: { median: number; min: number; max: number };
  latencyMs: { p50: number; p99: number };
  /** This target's req/s over the baseline's in the same round; median and range over rounds. */
  ratio: { median: number; min: number; max: number; perRound: number[] };
  rounds: RoundFigures[];
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
    return value;
  };
  return {
    rounds: int('BENCH_ROUNDS', 3, 1),
    warmupSeconds: int('BENCH_WARMUP_SECONDS', 2, 0),
    seconds: int('BENCH_SECONDS', 5, 1),
    connections: int('BENCH_CONNECTIONS', 20, 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Setting up the scoped reader

async function call(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function login(base: string, username: string, password: string): Promise<string> {
  const answer = await call(`${base}/api/auth/login`, { method: 'POST', body: { username, password } });
  if (answer.status !== 200) throw new Error(`login as ${username}: HTTP ${answer.status} ${answer.text}`);
  return (JSON.parse(answer.text) as { token: string }).token;
}

async function scopedToken(base: string): Promise<string> {
  // /api/health can answer 200 as soon as the demo district exists, a moment before the demo's
  // admin account does; so the first login is retried briefly.
  let adminToken: string | undefined;
  for (let attempt = 1; !adminToken; attempt++) {
    try {
      adminToken = await login(base, ADMIN.username, ADMIN.password);
    } catch (error) {
      if (attempt >= 50) throw error;
      await sleep(200);
    }
  }
  const created = await call(`${base}/api/users`, { method: 'POST', token: adminToken, body: SCOPED_USER });
  if (created.status !== 201) throw new Error(`creating ${SCOPED_USER.username}: HTTP ${created.status} ${created.text}`);
  return login(base, SCOPED_USER.username, SCOPED_USER.password);
}

/** One request per target before any load: each must answer 200, the scoped read with only its own subdistrict. */
async function checkTargets(targets: Target[]): Promise<void> {
  for (const target of targets) {
    const response = await fetch(target.url, { headers: target.headers });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${target.label}: HTTP ${response.status} ${text}`);
    if (target.id === 'scoped') {
      const roots = (JSON.parse(text) as { roots: { code: string }[] }).roots.map((root) => root.code);
      if (roots.join() !== SCOPED_USER.scopeCode) {
        throw new Error(`${target.label}: expected only ${SCOPED_USER.scopeCode} in scope, got [${roots.join(', ')}]`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function load(target: Target, settings: Settings, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: target.url,
    headers: target.headers,
    connections: settings.connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
  });
}

async function measureRound(target: Target, settings: Settings, round: number, position: number): Promise<RoundFigures> {
  if (settings.warmupSeconds > 0) await load(target, settings, settings.warmupSeconds);
  const result = await load(target, settings, settings.seconds);
  if (result.errors || result.timeouts || result.non2xx) {
    // A run with failures measures the failures (a 401 is fast), not the route: stop rather than print it.
    throw new Error(
      `${target.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx ` +
        `(status counts ${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  return {
    round,
    position,
    reqPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result['2xx'],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarise(target: Target, rounds: RoundFigures[], baseline: RoundFigures[]): Summary {
  const rps = rounds.map((r) => r.reqPerSec);
  const ratios = rounds.map((r) => r.reqPerSec / baseline.find((b) => b.round === r.round)!.reqPerSec);
  return {
    id: target.id,
    label: target.label,
    reqPerSec: { median: median(rps), min: Math.min(...rps), max: Math.max(...rps) },
    latencyMs: { p50: median(rounds.map((r) => r.latencyP50Ms)), p99: median(rounds.map((r) => r.latencyP99Ms)) },
    ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), perRound: ratios },
    rounds,
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function machine(loadAtStart: number) {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    /** 1-minute load average before and after: on a shared machine, the context for the spread. */
    loadAverage: { atStart: round2(loadAtStart), atEnd: round2(os.loadavg()[0]) },
  };
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

function table(summaries: Summary[]): string {
  const int = (n: number) => Math.round(n).toString();
  // autocannon records latency in whole milliseconds.
  const ms = (n: number) => (n < 1 ? '<1' : Number.isInteger(n) ? n.toString() : n.toFixed(1));
  const header = ['target', 'req/s median', 'req/s min-max', 'p50 ms', 'p99 ms', 'ratio', 'ratio min-max'];
  const rows = summaries.map((s) => [
    s.label,
    int(s.reqPerSec.median),
    `${int(s.reqPerSec.min)}-${int(s.reqPerSec.max)}`,
    ms(s.latencyMs.p50),
    ms(s.latencyMs.p99),
    s.ratio.median.toFixed(2),
    `${s.ratio.min.toFixed(2)}-${s.ratio.max.toFixed(2)}`,
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const loadAtStart = os.loadavg()[0];
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-'));
  const children: Child[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.all(children.map((child) => child.stop()));
      await rm(dataDir, { recursive: true, force: true });
    })());
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the servers\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    const [barePort, serverPort] = [await freePort(HOST), await freePort(HOST)];
    const bareBase = `http://${HOST}:${barePort}`;
    const base = `http://${HOST}:${serverPort}`;
    const bare = startChild(
      'bare Fastify server',
      ['--import', 'tsx', 'bench/bareServer.ts'],
      {
        ...process.env,
        PORT: String(barePort),
        HOST,
      },
      ROOT,
    );
    children.push(bare);
    // The embedded database in a fresh DATA_DIR, so the first start loads the demo district.
    const serverEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(serverPort),
      HOST,
      LOG_LEVEL: 'warn',
      WANGGE_DEMO: '1',
      // The simulated curtain-pact day would play its morning while the platform is measured.
      WANGGE_DEMO_DAY: '0',
      DEMO_PASSWORD: ADMIN.password,
      LOGIN_RATE_PER_IP: '1000',
    };
    delete serverEnv.DATABASE_URL;
    delete serverEnv.PUBLIC_URL;
    const server = startChild('wangge server', ['bin/wangge.js', 'serve'], serverEnv, ROOT);
    children.push(server);

    process.stderr.write('starting the bare Fastify server and `wangge serve` (fresh demo data)...\n');
    await Promise.all([waitFor200(bare, `${bareBase}/bare`), waitFor200(server, `${base}/api/health`)]);
    const token = await scopedToken(base);

    const targets: Target[] = [
      { id: 'baseline', label: 'baseline: bare Fastify GET /bare', url: `${bareBase}/bare` },
      { id: 'health', label: 'GET /api/health', url: `${base}/api/health` },
      {
        id: 'scoped',
        label: `GET /api/org/tree (${SCOPED_USER.role} ${SCOPED_USER.scopeCode}, Bearer)`,
        url: `${base}/api/org/tree`,
        headers: { authorization: `Bearer ${token}` },
      },
    ];
    await checkTargets(targets);

    const perRound = settings.warmupSeconds + settings.seconds;
    const estimate = settings.rounds * targets.length * perRound;
    process.stderr.write(
      `${settings.rounds} rounds x ${targets.length} targets x (${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured), ` +
        `${settings.connections} connections: about ${estimate} s\n`,
    );

    const figures = new Map<Target['id'], RoundFigures[]>(targets.map((t) => [t.id, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      // Rotate the order each round so no target always follows the same one.
      const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]);
      for (const [position, target] of order.entries()) {
        for (const child of children) if (!child.running) throw new Error(child.describeExit());
        const result = await measureRound(target, settings, round, position);
        figures.get(target.id)!.push(result);
        process.stderr.write(
          `  round ${round}/${settings.rounds}  ${target.id.padEnd(8)} ${Math.round(result.reqPerSec).toString().padStart(7)} req/s` +
            `  p50 ${result.latencyP50Ms} ms  p99 ${result.latencyP99Ms} ms\n`,
        );
      }
    }

    const baseline = figures.get('baseline')!;
    const summaries = targets.map((t) => summarise(t, figures.get(t.id)!, baseline));
    const report = {
      date: new Date().toISOString(),
      commit: commit(),
      machine: machine(loadAtStart),
      settings: { ...settings, pipelining: 1, loadGenerator: 'autocannon 8, in the bench process; each server in its own process' },
      note: 'ratio = target req/s / baseline req/s within the same round; median and range over rounds',
      targets: summaries,
    };

    const m = report.machine;
    process.stdout.write(
      [
        '',
        `Wangge benchmark  ${report.date}  commit ${report.commit}`,
        `node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}`,
        `1-min load average ${m.loadAverage.atStart} at start, ${m.loadAverage.atEnd} at end`,
        `${settings.rounds} rounds, ${settings.seconds} s measured per target per round after ${settings.warmupSeconds} s warm-up, ` +
          `${settings.connections} connections`,
        '',
        table(summaries),
        '',
        'ratio: req/s of the target / req/s of the bare Fastify route, paired within each round; median over rounds.',
        '',
      ].join('\n'),
    );

    await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
    await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`written: ${RESULTS_FILE.slice(ROOT.length)}\n`);
  } finally {
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exitCode = 1;
});
