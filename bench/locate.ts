// `npx tsx bench/locate.ts`: point lookups per second of the micro-grid Locator (R-tree + exact
// point-in-polygon) against a naive loop of pointInGeometry over every polygon, both measured in
// this process (one core) in interleaved rounds, the ratio taken per round so machine drift hits
// both alike. The tessellation is synthetic: 2,589 Voronoi cells clipped to an irregular district
// outline around 113.32°E 35.27°N, the demo district's size. Prints PASS/FAIL against the issue-3
// targets; never changes the exit code (timings are not assertions).
import { Delaunay } from 'd3-delaunay';
import polygonClipping from 'polygon-clipping';
import { pointInGeometry, type AreaGeometry, type Position } from '../src/modules/org/org.geometry.ts';
import { Locator, type LocatorEntry } from '../src/modules/org/org.locator.ts';

const CELLS = 2589;
const ROUNDS = 5;
const LOCATOR_LOOKUPS = 1_000_000;
const NAIVE_LOOKUPS = 2_000;
const AGREEMENT_SAMPLE = 5_000;
const TARGET_PER_SECOND = 1_000_000;
const TARGET_RATIO = 100;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An irregular, roughly 16 km × 12 km outline (about Macun's 120 km²), counter-clockwise. */
function districtOutline(random: () => number): Position[] {
  const ring: Position[] = [];
  const vertices = 48;
  for (let i = 0; i < vertices; i++) {
    const angle = (2 * Math.PI * i) / vertices;
    const radius = 0.6 + 0.4 * random();
    ring.push([113.32 + 0.09 * radius * Math.cos(angle), 35.27 + 0.055 * radius * Math.sin(angle)]);
  }
  ring.push(ring[0]);
  return ring;
}

function tessellation(seed: number, cells: number): { outline: Position[]; entries: LocatorEntry[] } {
  const random = mulberry32(seed);
  const outline = districtOutline(random);
  const outlineGeometry: AreaGeometry = { type: 'Polygon', coordinates: [outline] };
  const sites: Position[] = [];
  while (sites.length < cells) {
    const p: Position = [113.32 + (random() - 0.5) * 0.2, 35.27 + (random() - 0.5) * 0.12];
    if (pointInGeometry(p, outlineGeometry) === 'inside') sites.push(p);
  }
  const voronoi = Delaunay.from(sites).voronoi([113.2, 35.19, 113.44, 35.35]);
  const entries: LocatorEntry[] = [];
  sites.forEach((_, i) => {
    const cell = voronoi.cellPolygon(i) as Position[];
    const clipped = polygonClipping.intersection([cell], [outline]);
    const code = `41080400100100${String(i).padStart(3, '0')}`;
    if (clipped.length === 1) entries.push({ code, geometry: { type: 'Polygon', coordinates: clipped[0] as Position[][] } });
    else if (clipped.length > 1) entries.push({ code, geometry: { type: 'MultiPolygon', coordinates: clipped as Position[][][] } });
  });
  return { outline, entries };
}

/** Random points over the district's surroundings; with an outline, only points inside it. */
function randomPoints(random: () => number, count: number, outline?: AreaGeometry): Float64Array {
  const points = new Float64Array(count * 2);
  for (let i = 0; i < count;) {
    const p: Position = [113.32 + (random() - 0.5) * 0.2, 35.27 + (random() - 0.5) * 0.12];
    if (outline && pointInGeometry(p, outline) !== 'inside') continue;
    points[2 * i] = p[0];
    points[2 * i + 1] = p[1];
    i++;
  }
  return points;
}

function naiveLocate(entries: readonly LocatorEntry[], point: Position): string | null {
  let boundary: string | null = null;
  for (const entry of entries) {
    const placement = pointInGeometry(point, entry.geometry);
    if (placement === 'inside') return entry.code;
    if (placement === 'boundary' && (boundary === null || entry.code < boundary)) boundary = entry.code;
  }
  return boundary;
}

/** Lookups per second over the given points; `sink` keeps the work from being optimised away. */
let sink = 0;
function measure(count: number, points: Float64Array, lookup: (lng: number, lat: number) => string | null): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const j = i % (points.length / 2);
    if (lookup(points[2 * j], points[2 * j + 1]) !== null) sink++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function main(): void {
  const built = Date.now();
  const { outline, entries } = tessellation(20260301, CELLS);
  const buildMs = Date.now() - built;
  const indexed = Date.now();
  const locator = new Locator(entries);
  const indexMs = Date.now() - indexed;
  const ringsOf = (e: LocatorEntry) => (e.geometry.type === 'Polygon' ? e.geometry.coordinates : e.geometry.coordinates.flat());
  const vertices = entries.reduce((n, e) => n + ringsOf(e).reduce((m, ring) => m + ring.length, 0), 0);
  console.log(
    `tessellation: ${entries.length} cells, ~${fmt(vertices)} positions, generated in ${buildMs} ms; Locator built in ${indexMs} ms`,
  );

  const random = mulberry32(7);
  // Timed lookups are all inside the district, as households are: the harder case, since a point
  // outside is usually rejected by the R-tree alone.
  const points = randomPoints(random, 100_000, { type: 'Polygon', coordinates: [outline] });
  const fast = (lng: number, lat: number) => locator.locateLngLat(lng, lat);
  const naive = (lng: number, lat: number) => naiveLocate(entries, [lng, lat]);
  measure(200_000, points, fast); // warm-up: let V8 optimise both paths before timing
  measure(200, points, naive);

  console.log(
    `timing: 100,000 random points inside the district, ${ROUNDS} rounds of ${fmt(LOCATOR_LOOKUPS)} Locator and ${fmt(NAIVE_LOOKUPS)} naive lookups, one core (this process)`,
  );
  const fastRates: number[] = [];
  const naiveRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which runs first so neither always gets the warmer cache.
    const pair = round % 2 === 0 ? ['fast', 'naive'] : ['naive', 'fast'];
    let f = 0;
    let n = 0;
    for (const which of pair) {
      if (which === 'fast') f = measure(LOCATOR_LOOKUPS, points, fast);
      else n = measure(NAIVE_LOOKUPS, points, naive);
    }
    fastRates.push(f);
    naiveRates.push(n);
    ratios.push(f / n);
    console.log(`round ${round + 1}: Locator ${fmt(f)}/s, naive ${fmt(n)}/s, ratio ${(f / n).toFixed(0)}x`);
  }
  // Checked after timing, so the boundary cases' exact arithmetic cannot colour the timed code.
  const sample = randomPoints(random, AGREEMENT_SAMPLE);
  let disagreements = 0;
  let located = 0;
  for (let i = 0; i < AGREEMENT_SAMPLE; i++) {
    const point: Position = [sample[2 * i], sample[2 * i + 1]];
    const fast = locator.locate(point);
    if (fast !== naiveLocate(entries, point)) disagreements++;
    if (fast !== null) located++;
  }
  // Vertices sit on two or three shared edges at once: the boundary rule must agree as well.
  const corners = entries.slice(0, 300).flatMap((e) => ringsOf(e).flat());
  for (const corner of corners) if (locator.locate(corner) !== naiveLocate(entries, corner)) disagreements++;
  console.log(
    `agreement on ${fmt(AGREEMENT_SAMPLE)} random points (${fmt(located)} inside the district) and ${fmt(corners.length)} cell vertices: ${disagreements} disagreements`,
  );

  const range = (values: number[], format: (n: number) => string) =>
    `median ${format(median(values))} (min ${format(Math.min(...values))}, max ${format(Math.max(...values))})`;
  console.log('');
  console.log(`Locator lookups/s: ${range(fastRates, fmt)}`);
  console.log(`naive lookups/s:   ${range(naiveRates, fmt)}`);
  console.log(`ratio:             ${range(ratios, (r) => `${r.toFixed(0)}x`)}`);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  console.log(`target >= ${fmt(TARGET_PER_SECOND)} lookups/s on one core: ${verdict(median(fastRates) >= TARGET_PER_SECOND)}`);
  console.log(`target >= ${TARGET_RATIO}x the naive loop: ${verdict(median(ratios) >= TARGET_RATIO)}`);
  console.log(`Locator and naive loop agree on the sample: ${verdict(disagreements === 0)}`);
  if (sink < 0) console.log(sink);
}

main();
