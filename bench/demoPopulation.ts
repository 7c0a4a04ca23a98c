// `npx tsx bench/demoPopulation.ts`: wall time of generateDemoPopulation for one district (~58,000
// households, ~160,000 residents, 2,406 workers) on a geography made once beforehand (not timed:
// bench/demoGeography.ts measures that), against a baseline measured in the same process in
// interleaved rounds: allocating the same number of plain objects of the same shapes (households,
// residents with their strings and tag arrays, workers), the floor any generator of this output
// pays. The ratio is taken per round so machine drift hits both alike. Prints PASS/FAIL against
// "< 8 s for the population" (the whole demo's budget is 30 s, issue 3); never changes the exit code
// (timings are not assertions). BENCH_ROUNDS (default 3) sets the rounds.
import os from 'node:os';
import { generateDemoGeography } from '../src/demo/geography.ts';
import { ageOn, generateDemoPopulation, RESIDENT_TAGS, type DemoPopulation } from '../src/demo/population.ts';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SEED = 'wangge-demo';
const TARGET_MS = 8_000;

const geo = generateDemoGeography({ seed: SEED });

function timePopulation(): { ms: number; pop: DemoPopulation } {
  const started = performance.now();
  const pop = generateDemoPopulation(geo, { seed: SEED });
  return { ms: performance.now() - started, pop };
}

/** The same number of households, residents and workers as plain objects with fresh strings. */
function timeAllocation(households: number, residents: number, workers: number): number {
  const started = performance.now();
  const perHousehold = residents / households;
  const out: { households: object[]; residents: object[]; workers: object[] } = { households: [], residents: [], workers: [] };
  let r = 0;
  for (let h = 0; h < households; h++) {
    const id = `41080400100100101-${h}`;
    const members: string[] = [];
    const target = Math.round((h + 1) * perHousehold);
    for (; r < target; r++) {
      const residentId = `${id}-${members.length + 1}`;
      members.push(residentId);
      out.residents.push({
        id: residentId,
        householdId: id,
        microgridCode: '41080400100100101',
        name: `王${r % 97}`,
        gender: r % 2 ? 'male' : 'female',
        birthDate: `19${50 + (r % 50)}-01-01`,
        idNumber: `41080419${String(r).padStart(10, '0')}`,
        phone: `138${String(r).padStart(8, '0')}`,
        tags: r % 5 ? [] : ['elderly'],
        healthNotes: null,
      });
    }
    out.households.push({
      id,
      buildingId: '41080400100100101-001',
      microgridCode: '41080400100100101',
      address: `馨园社区 ${h}号`,
      members,
    });
  }
  for (let w = 0; w < workers; w++) out.workers.push({ residentId: `${w}`, microgridCodes: [`${w}`], since: '2023-03-01' });
  if (out.residents.length !== residents) throw new Error('baseline miscounted');
  return performance.now() - started;
}

function summary(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1], min: sorted[0], max: sorted[sorted.length - 1] };
}

const format = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

// Warm-up (JIT), not measured; its counts size the baseline.
let last = timePopulation().pop;
const sizes = [last.households.length, last.residents.length, last.workers.length] as const;
timeAllocation(...sizes);

const populationMs: number[] = [];
const baselineMs: number[] = [];
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so neither always runs on a warmer (or more fragmented) heap.
  const baselineFirst = round % 2 === 0;
  let baseline = 0;
  if (baselineFirst) baseline = timeAllocation(...sizes);
  const { ms, pop } = timePopulation();
  if (!baselineFirst) baseline = timeAllocation(...sizes);
  populationMs.push(ms);
  baselineMs.push(baseline);
  ratios.push(ms / baseline);
  last = pop;
  process.stderr.write(`round ${round + 1}/${ROUNDS}: population ${format(ms)}, allocation ${format(baseline)}\n`);
}

const n = last.residents.length;
const percent = (count: number, of = n) => `${((100 * count) / of).toFixed(2)} %`;
const count = (tag: (typeof RESIDENT_TAGS)[number]) => last.residents.filter((r) => r.tags.includes(tag)).length;
const adults = last.residents.filter((r) => ageOn(r.birthDate) >= 18).length;
const livingAloneElderly = last.residents.filter((r) => r.tags.includes('living_alone') && r.tags.includes('elderly')).length;
const p = summary(populationMs);
const b = summary(baselineMs);
const q = summary(ratios);
console.log(`demo population, one district (seed ${SEED}), ${ROUNDS} rounds, node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`);
console.log(
  `  ${last.households.length} households, ${n} residents (${(n / last.households.length).toFixed(2)} per household), ${last.workers.length} workers (${last.workers.filter((w) => w.microgridCodes.length === 2).length} serving two micro-grids)`,
);
console.log(
  `  elderly ${percent(count('elderly'))}, elderly living alone ${livingAloneElderly} (${percent(livingAloneElderly)}), disabled ${percent(count('disabled'))}, low income ${percent(count('low_income'))}, orphans ${count('orphan')}, Party members ${percent(count('party_member'), adults)} of adults`,
);
console.log(`  population          median ${format(p.median)}  (min ${format(p.min)}, max ${format(p.max)})`);
console.log(
  `  baseline: objects   median ${format(b.median)}  (min ${format(b.min)}, max ${format(b.max)}) allocating the same ${n} residents`,
);
console.log(`  ratio               median ${q.median.toFixed(1)}x  (min ${q.min.toFixed(1)}x, max ${q.max.toFixed(1)}x)`);
console.log(
  `${p.median < TARGET_MS ? 'PASS' : 'FAIL'}: population median ${format(p.median)} against < ${format(TARGET_MS)} (the whole demo's budget is 30 s)`,
);
