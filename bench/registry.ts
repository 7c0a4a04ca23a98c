// `npx tsx bench/registry.ts`: latency of the registry's heavy reads over HTTP on a demo city of
// BENCH_CITY_SCALE districts (default 10, ~26,000 micro-grids and ~1.6 million residents, built once by
// `wangge demo --scale` and cached, see bench/demoCity.ts), each against a baseline measured in the same
// run: the bare Fastify route of bench/bareServer.ts, requested the same way.
//
//   map          GET /api/org/map?within=410804&level=microgrid&zoom=13 as the district admin: all
//                2,589 micro-grid polygons of Macun, thinned for the zoom (target p95 < 300 ms)
//   residents    GET /api/people/residents?unit=<subdistrict>: first page (target p95 < 20 ms)
//   households   GET /api/people/households?unit=<subdistrict>: first page, members included
//
// BENCH_PG_URL=postgres://user@host:5432/postgres (an account that may create databases) runs the same
// on PostgreSQL instead: the city is built once into a database of its own and copied per run.
//
// Requests are sequential on one keep-alive connection (latency, not throughput), in interleaved rounds
// with the order rotated each round; p50/p95 per round, medians over rounds, and the ratio of each
// target's p95 to the bare route's p95 of the same round. Prints PASS/FAIL against the issue-3 targets
// and never changes the exit code (timings are not assertions).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoCity } from '../src/demo/city.ts';
import { cachedDemoCity, cachedDemoCityOnPostgres, copyOfCity, copyOfCityOnPostgres } from './demoCity.ts';
import { startBenchServers, type BenchServers } from './support/children.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
const PASSWORD = 'wangge-demo';
const SCALE = Math.max(1, Number(process.env.BENCH_CITY_SCALE ?? 10));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const REQUESTS = Math.max(20, Number(process.env.BENCH_REQUESTS ?? 200));
const MAP_REQUESTS = Math.max(10, Number(process.env.BENCH_MAP_REQUESTS ?? 40));
const WARMUP = 10;
const PG_ADMIN_URL = process.env.BENCH_PG_URL;

interface Target {
  id: string;
  label: string;
  url: string;
  token?: string;
  requests: number;
  /** Target p95 in ms, when issue 3 sets one. */
  targetP95?: number;
}

interface Round {
  p50: number;
  p95: number;
  bytes: number;
}

async function login(base: string, username: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login as ${username}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** One request, body read to the end: milliseconds and bytes. Anything but 200 stops the benchmark. */
async function timeRequest(target: Target): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(target.url, { headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`${target.label}: HTTP ${response.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
  return { ms, bytes: body.byteLength };
}

async function measure(target: Target): Promise<Round> {
  for (let i = 0; i < WARMUP; i++) await timeRequest(target);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < target.requests; i++) {
    const { ms, bytes: size } = await timeRequest(target);
    times.push(ms);
    bytes = size;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const city = PG_ADMIN_URL
    ? await cachedDemoCityOnPostgres(SCALE, PASSWORD, PG_ADMIN_URL, log)
    : await cachedDemoCity(SCALE, PASSWORD, log);
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-registry-'));
  let servers: BenchServers | undefined;
  let dropCopy = async () => {};
  try {
    const copyStarted = performance.now();
    let runDatabaseUrl: string | undefined;
    if (PG_ADMIN_URL) {
      await rm(dataDir, { recursive: true, force: true });
      const copy = await copyOfCityOnPostgres(city, PG_ADMIN_URL, dataDir);
      runDatabaseUrl = copy.databaseUrl;
      dropCopy = copy.drop;
    } else {
      await copyOfCity(city, dataDir);
    }
    log(`copied the cached city (${city.databaseUrl ?? city.dataDir}) in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
    const serverStarted = performance.now();
    servers = await startBenchServers(ROOT, HOST, dataDir, runDatabaseUrl);
    const { bareBase, base, children } = servers;
    log(`server ready in ${((performance.now() - serverStarted) / 1000).toFixed(1)} s (migrations included)`);

    const last = demoCity(SCALE)[SCALE - 1];
    const admin = await login(base, 'admin');
    const lastAdmin = await login(base, `admin${last.accountSuffix}`);
    const subdistrictAdmin = await login(base, 'subdistrict-410804001');
    const mapUrl = `${base}/api/org/map?within=410804&level=microgrid&zoom=13`;
    const targets: Target[] = [
      { id: 'bare', label: 'baseline: bare Fastify GET /bare', url: `${bareBase}/bare`, requests: REQUESTS },
      {
        id: 'map',
        label: 'GET /api/org/map?within=410804&level=microgrid&zoom=13 (district admin)',
        url: mapUrl,
        token: admin,
        requests: MAP_REQUESTS,
        targetP95: 300,
      },
      {
        id: 'residents',
        label: 'GET /api/people/residents?unit=410804001 (district admin)',
        url: `${base}/api/people/residents?unit=410804001`,
        token: admin,
        requests: REQUESTS,
        targetP95: 20,
      },
      {
        id: 'residents-sub',
        label: 'GET /api/people/residents?unit=410804001 (its subdistrict admin)',
        url: `${base}/api/people/residents?unit=410804001`,
        token: subdistrictAdmin,
        requests: REQUESTS,
        targetP95: 20,
      },
      {
        id: 'residents-last',
        label: `GET /api/people/residents?unit=${last.code}007 (admin of ${last.code})`,
        url: `${base}/api/people/residents?unit=${last.code}007`,
        token: lastAdmin,
        requests: REQUESTS,
        targetP95: 20,
      },
      {
        id: 'households',
        label: 'GET /api/people/households?unit=410804001 (district admin)',
        url: `${base}/api/people/households?unit=410804001`,
        token: admin,
        requests: REQUESTS,
        targetP95: 20,
      },
    ];

    // The map's first request draws and caches it: its cost, apart from the cached figure.
    const cold = await timeRequest(targets[1]);
    log(
      `map: first request (thinning and caching ${SCALE > 1 ? 'Macun' : 'the district'}'s micro-grids) ${ms(cold.ms)} ms, ${cold.bytes} bytes`,
    );
    const map = JSON.parse(await (await fetch(mapUrl, { headers: { authorization: `Bearer ${admin}` } })).text()) as {
      features: unknown[];
    };
    const page = (await (await fetch(targets[2].url, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: unknown[] };
    log(`map holds ${map.features.length} micro-grids; a residents page holds ${page.items.length} residents`);

    const rounds = new Map<string, Round[]>(targets.map((t) => [t.id, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const target of order) {
        for (const child of children) if (!child.running) throw new Error(`${child.name} exited:\n${child.output()}`);
        const figures = await measure(target);
        rounds.get(target.id)!.push(figures);
        log(
          `  round ${round + 1}/${ROUNDS}  ${target.id.padEnd(14)} p50 ${ms(figures.p50)} ms  p95 ${ms(figures.p95)} ms  ${figures.bytes} bytes`,
        );
      }
    }

    const bare = rounds.get('bare')!;
    const lines = [
      '',
      `registry reads over HTTP on a demo city of ${SCALE} districts (${PG_ADMIN_URL ? 'PostgreSQL' : 'SQLite'}), node ${process.version}, ${os.availableParallelism?.() ?? os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load ${os.loadavg()[0].toFixed(2)}`,
      `${ROUNDS} rounds; sequential requests on one connection (${REQUESTS} per target, ${MAP_REQUESTS} for the map) after ${WARMUP} unmeasured`,
      city.builtSeconds === null
        ? `the city came from the cache (${city.dataDir})`
        : `the city was built in ${city.builtSeconds.toFixed(0)} s and cached in ${city.dataDir}`,
      '',
      `${'target'.padEnd(78)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'bytes'.padStart(9)} ${'p95 / bare p95'.padStart(15)}  verdict`,
    ];
    for (const target of targets) {
      const figures = rounds.get(target.id)!;
      const ratios = figures.map((r, i) => r.p95 / bare[i].p95);
      const p95 = median(figures.map((r) => r.p95));
      const verdict = target.targetP95 === undefined ? '' : `${p95 < target.targetP95 ? 'PASS' : 'FAIL'} (p95 < ${target.targetP95} ms)`;
      lines.push(
        `${target.label.padEnd(78)} ${ms(median(figures.map((r) => r.p50))).padStart(8)} ${ms(p95).padStart(8)} ${String(figures[0].bytes).padStart(9)} ${`${median(ratios).toFixed(1)}x`.padStart(15)}  ${verdict}`,
      );
    }
    lines.push('', 'ratio: the target p95 over the bare route p95 in the same round; median over rounds.', '');
    process.stdout.write(lines.join('\n'));
  } finally {
    await servers?.stop();
    await dropCopy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exitCode = 1;
});
