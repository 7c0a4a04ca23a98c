// `npx tsx bench/demoLoad.ts`: wall time of the whole demo load for one district, what the first
// start and `wangge demo` do: a fresh SQLite DATA_DIR, migrations, then loadDemo (geography and
// population generated, units imported with the seamless-coverage check, departments, 2,4xx worker
// accounts and every other demo account, ~160,000 residents sealed and inserted). Baseline, measured in
// the same process in interleaved rounds: the two generators alone (generateDemoGeography and
// generateDemoPopulation, same seed and district), so the ratio is what loading costs on top of
// making the data. Prints PASS/FAIL against "< 30 s" (issue 3); never changes the exit code.
// BENCH_ROUNDS (default 2) sets the rounds; each takes about a minute.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { DEMO_DISTRICT, DEMO_SEED, loadDemo } from '../src/demo/firstStart.ts';
import { generateDemoGeography } from '../src/demo/geography.ts';
import { generateDemoPopulation } from '../src/demo/population.ts';
import { modules } from '../src/modules/index.ts';
import { registerPolicies } from '../src/platform/authz/policy.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLog } from '../src/platform/log.ts';
import { openPlatform } from '../src/platform/open.ts';
import { migrateToLatest } from '../src/schema.ts';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const TARGET_MS = 30_000;

for (const module of modules) if (module.policies) registerPolicies(module.policies);

async function timeLoad(): Promise<{ ms: number; rows: number }> {
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wangge-bench-demo-'));
  try {
    const started = performance.now();
    const platform = openPlatform(loadConfig({ DATA_DIR: dataDir, WANGGE_DEMO: '0', LOG_LEVEL: 'silent' }), { log: createLog('silent') });
    let rows = 0;
    try {
      await migrateToLatest(platform);
      await loadDemo(platform);
      const ms = performance.now() - started;
      const { db } = platform.database;
      for (const table of ['org_unit', 'building', 'household', 'resident', 'worker', 'app_user'] as const) {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        rows += Number(row.n);
      }
      return { ms, rows };
    } finally {
      await platform.database.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function timeGenerators(): number {
  const started = performance.now();
  const geography = generateDemoGeography({ seed: DEMO_SEED, districtCode: DEMO_DISTRICT.code, districtName: DEMO_DISTRICT.name });
  generateDemoPopulation(geography, { seed: DEMO_SEED });
  return performance.now() - started;
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

timeGenerators(); // warm-up (JIT, module loading), not measured
const loads: number[] = [];
const generators: number[] = [];
const ratios: number[] = [];
let rows = 0;
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so neither always runs on a warmer (or more fragmented) heap.
  let baseline = 0;
  if (round % 2 === 0) baseline = timeGenerators();
  const load = await timeLoad();
  if (round % 2 === 1) baseline = timeGenerators();
  loads.push(load.ms);
  generators.push(baseline);
  ratios.push(load.ms / baseline);
  rows = load.rows;
  process.stderr.write(`round ${round + 1}/${ROUNDS}: whole demo load ${seconds(load.ms)}, generators alone ${seconds(baseline)}\n`);
}

const l = summary(loads);
const g = summary(generators);
const r = summary(ratios);
console.log(
  `demo load, one district (${DEMO_DISTRICT.code}, seed ${DEMO_SEED}) into a fresh SQLite DATA_DIR, ${ROUNDS} rounds, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`,
);
console.log(`  ${rows.toLocaleString('en-US')} rows (units, buildings, households, residents, workers, accounts)`);
console.log(`  whole load              median ${seconds(l.median)}  (min ${seconds(l.min)}, max ${seconds(l.max)})`);
console.log(`  baseline: generators    median ${seconds(g.median)}  (min ${seconds(g.min)}, max ${seconds(g.max)})`);
console.log(`  ratio                   median ${r.median.toFixed(1)}x  (min ${r.min.toFixed(1)}x, max ${r.max.toFixed(1)}x)`);
console.log(`${l.median < TARGET_MS ? 'PASS' : 'FAIL'}: whole demo load median ${seconds(l.median)} against < ${seconds(TARGET_MS)}`);
