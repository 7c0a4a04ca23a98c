// `npx tsx bench/demoGeography.ts`: wall time of generateDemoGeography for one district (the demo's
// geography: outline, 7 subdistricts, ~100 communities, 337 grids, 2,589 micro-grids, ~34,000 sites),
// against a baseline measured in the same process in interleaved rounds: d3-delaunay's Voronoi
// diagram of the same buildings with every cell polygon built, the floor any Voronoi-based generator
// pays. The ratio is taken per round so machine drift hits both alike. Prints PASS/FAIL against
// "< 15 s for the geography" (the whole demo's budget is 30 s, issue 3); never changes the exit code
// (timings are not assertions). BENCH_ROUNDS (default 3) sets the rounds.
import { Delaunay } from 'd3-delaunay';
import os from 'node:os';
import { generateDemoGeography, type DemoGeography } from '../src/demo/geography.ts';
import { areaSquareMetres } from '../src/modules/org/org.geometry.ts';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SEED = 'wangge-demo';
const TARGET_MS = 15_000;

function timeGeography(): { ms: number; geo: DemoGeography } {
  const started = performance.now();
  const geo = generateDemoGeography({ seed: SEED });
  return { ms: performance.now() - started, geo };
}

/** The Voronoi diagram of the buildings (lng/lat), clipped to their bounding box, every cell built. */
function timeVoronoi(points: Float64Array): number {
  const started = performance.now();
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    minX = Math.min(minX, points[i]);
    maxX = Math.max(maxX, points[i]);
    minY = Math.min(minY, points[i + 1]);
    maxY = Math.max(maxY, points[i + 1]);
  }
  const voronoi = new Delaunay(points).voronoi([minX, minY, maxX, maxY]);
  let vertices = 0;
  for (const cell of voronoi.cellPolygons()) vertices += cell.length;
  if (vertices === 0) throw new Error('empty Voronoi diagram');
  return performance.now() - started;
}

function summary(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1], min: sorted[0], max: sorted[sorted.length - 1] };
}

const format = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

// Warm-up (JIT, module loading), not measured; its buildings feed the baseline.
const warm = timeGeography().geo;
const points = new Float64Array(warm.buildings.length * 2);
warm.buildings.forEach((b, i) => {
  points[2 * i] = b.position[0];
  points[2 * i + 1] = b.position[1];
});
timeVoronoi(points);

const geographyMs: number[] = [];
const voronoiMs: number[] = [];
const ratios: number[] = [];
let last = warm;
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so neither always runs on a warmer (or more fragmented) heap.
  const baselineFirst = round % 2 === 0;
  let baseline = 0;
  if (baselineFirst) baseline = timeVoronoi(points);
  const { ms, geo } = timeGeography();
  if (!baselineFirst) baseline = timeVoronoi(points);
  geographyMs.push(ms);
  voronoiMs.push(baseline);
  ratios.push(ms / baseline);
  last = geo;
  process.stderr.write(`round ${round + 1}/${ROUNDS}: geography ${format(ms)}, Voronoi ${format(baseline)}\n`);
}

const micro = last.units.filter((u) => u.level === 'microgrid');
const isVillage = (code: string) => Number(code.slice(9, 12)) >= 200;
const medianArea = (village: boolean) =>
  summary(micro.filter((m) => isVillage(m.code) === village).map((m) => areaSquareMetres(m.geometry))).median;
const inBand = micro.filter((m) => m.households >= 20 && m.households <= 30).length;
const counts = ['district', 'subdistrict', 'community', 'grid', 'microgrid'].map(
  (level) => last.units.filter((u) => u.level === level).length,
);

const g = summary(geographyMs);
const v = summary(voronoiMs);
const r = summary(ratios);
console.log(`demo geography, one district (seed ${SEED}), ${ROUNDS} rounds, node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`);
console.log(`  units ${counts.join(' / ')}, ${last.buildings.length} buildings, ${last.households} households, ${last.stats.sites} sites`);
console.log(`  micro-grids with 20-30 households: ${inBand} of ${micro.length} (${((100 * inBand) / micro.length).toFixed(1)} %)`);
console.log(
  `  median micro-grid area: town ${(medianArea(false) / 1e4).toFixed(2)} ha, villages ${(medianArea(true) / 1e4).toFixed(2)} ha`,
);
console.log(`  geography          median ${format(g.median)}  (min ${format(g.min)}, max ${format(g.max)})`);
console.log(
  `  baseline: Voronoi  median ${format(v.median)}  (min ${format(v.min)}, max ${format(v.max)}) of the same ${last.buildings.length} buildings`,
);
console.log(`  ratio              median ${r.median.toFixed(1)}x  (min ${r.min.toFixed(1)}x, max ${r.max.toFixed(1)}x)`);
console.log(
  `${g.median < TARGET_MS ? 'PASS' : 'FAIL'}: geography median ${format(g.median)} against < ${format(TARGET_MS)} (the whole demo's budget is 30 s)`,
);
