import type { RegionGraph } from './regions.ts';
import type { Sites } from './settlements.ts';

/**
 * Dividing a community's buildings into grids and a grid's into micro-grids of about 20-30
 * households, each part one piece: recursive bisection with a one-piece check, a little look-ahead,
 * and a local repair of the parts that still miss the band.
 */

/** The households band a micro-grid should fall in (DOMAIN.md §3: roughly 20-30). */
export const MICROGRID_BAND: [number, number] = [20, 30];

/**
 * Splits buildings into parts of the given relative sizes (in micro-grids), each part one piece in
 * the region graph. Recursive bisection: a straight cut across one of eight directions placed at a
 * building (or, for at most EXACT_LIMIT buildings, any split at all), chosen among those whose two
 * sides are each one piece by (1) leaving both sides able to make micro-grids of 20-30 households,
 * (2) the first side's households closest to its share, (3) compactness (cutting across the wider
 * spread; for any split, the spread of each side). If no split keeps both sides one piece, the
 * cheapest is taken and the final check in geography.ts repairs it.
 */
function bisect(buildings: number[], counts: number[], sites: Sites, graph: RegionGraph): number[][] {
  const out: number[][] = [];
  split(buildings, counts, sites, graph, out);
  return out;
}

function split(items: number[], counts: number[], sites: Sites, graph: RegionGraph, out: number[][]): void {
  if (counts.length === 1) {
    out.push(items);
    return;
  }
  const half = counts.length >> 1;
  const units1 = counts.slice(0, half).reduce((a, b) => a + b, 0);
  const units2 = counts.slice(half).reduce((a, b) => a + b, 0);
  const candidates =
    items.length <= EXACT_LIMIT
      ? allSplits(items, half, counts.length - half, units1, units2, sites)
      : straightCuts(items, half, counts.length - half, units1, units2, sites);
  candidates.sort((a, b) => a.cost - b.cost);
  const connected = (c: Split) => {
    const [first, second] = sidesOf(c, items);
    return graph.connected(first) && graph.connected(second);
  };
  // Look ahead where it is cheap: a side of two micro-grids made of a few blocks in a row may have
  // no split into two one-piece parts inside the band.
  const splittable = (c: Split) => {
    const [first, second] = sidesOf(c, items);
    return (units1 === 1 || canSplit(first, units1, sites, graph)) && (units2 === 1 || canSplit(second, units2, sites, graph));
  };
  const chosen =
    candidates.slice(0, MAX_TRIED).find((c) => c.cost < VIOLATION && connected(c) && splittable(c)) ??
    candidates.find(connected) ??
    candidates[0];
  const [first, second] = sidesOf(chosen, items);
  split(first, counts.slice(0, half), sites, graph, out);
  split(second, counts.slice(half), sites, graph, out);
}

/**
 * Local repair after the cuts: while a part is outside the band, give a building to a neighbouring
 * part, take one from it, or swap one for one, whichever brings the two parts closest to the band,
 * keeping both parts (and both grids, when the move crosses between them) one piece. Stairways of
 * ~9 households leave some parts a few households off; this closes part of that.
 */
function rebalance(parts: number[][], groupOf: number[], graph: RegionGraph, households: Int32Array): void {
  const groupMembers = (group: number) => parts.flatMap((part, index) => (groupOf[index] === group ? part : []));
  const [lo, hi] = MICROGRID_BAND;
  const off = (w: number) => Math.max(0, lo - w) + Math.max(0, w - hi);
  const partOf = new Map<number, number>();
  parts.forEach((part, index) => part.forEach((b) => partOf.set(b, index)));
  const weight = parts.map((part) => part.reduce((sum, b) => sum + households[b], 0));
  for (let round = 0; round < 4 * parts.length; round++) {
    let improved = false;
    for (let a = 0; a < parts.length && !improved; a++) {
      if (off(weight[a]) === 0) continue;
      const moves: { gain: number; fromA: number; fromB: number; b: number }[] = [];
      const neighbours = new Set<number>();
      for (const mine of parts[a]) {
        for (let k = graph.start[mine]; k < graph.start[mine + 1]; k++) {
          const b = partOf.get(graph.neighbour[k]);
          if (b !== undefined && b !== a) neighbours.add(b);
        }
      }
      for (const b of [...neighbours].sort((p, q) => p - q)) {
        const before = off(weight[a]) + off(weight[b]);
        const consider = (fromA: number, fromB: number) => {
          const delta = (fromB < 0 ? 0 : households[fromB]) - (fromA < 0 ? 0 : households[fromA]);
          const gain = before - off(weight[a] + delta) - off(weight[b] - delta);
          if (gain > 0) moves.push({ gain, fromA, fromB, b });
        };
        for (const mine of parts[a]) consider(mine, -1);
        for (const theirs of parts[b]) consider(-1, theirs);
        for (const mine of parts[a]) for (const theirs of parts[b]) consider(mine, theirs);
      }
      moves.sort((m, n) => n.gain - m.gain);
      moves.splice(200);
      for (const { fromA, fromB, b } of moves) {
        const nextA = parts[a].filter((x) => x !== fromA).concat(fromB < 0 ? [] : [fromB]);
        const nextB = parts[b].filter((x) => x !== fromB).concat(fromA < 0 ? [] : [fromA]);
        if (nextA.length === 0 || nextB.length === 0 || !graph.connected(nextA) || !graph.connected(nextB)) continue;
        const [oldA, oldB] = [parts[a], parts[b]];
        parts[a] = nextA;
        parts[b] = nextB;
        // Across a grid border the two grids must stay one piece each as well.
        if (groupOf[a] !== groupOf[b] && !(graph.connected(groupMembers(groupOf[a])) && graph.connected(groupMembers(groupOf[b])))) {
          parts[a] = oldA;
          parts[b] = oldB;
          continue;
        }
        for (const x of nextA) partOf.set(x, a);
        for (const x of nextB) partOf.set(x, b);
        weight[a] = nextA.reduce((sum, x) => sum + households[x], 0);
        weight[b] = nextB.reduce((sum, x) => sum + households[x], 0);
        improved = true;
        break;
      }
    }
    if (!improved) return;
  }
}

/** A candidate split, scored; its two sides are built only when it is looked at (see sidesOf). */
interface Split {
  cost: number;
  /** A straight cut: the items in cut order, the first side before `cut`... */
  order: number[] | null;
  cut: number;
  /** ...or any split of a few items: bit k set puts item k on the first side. */
  mask: number;
}

function sidesOf(split: Split, items: number[]): [number[], number[]] {
  if (split.order) return [split.order.slice(0, split.cut), split.order.slice(split.cut)];
  const first: number[] = [];
  const second: number[] = [];
  items.forEach((item, k) => (split.mask & (1 << k) ? first : second).push(item));
  return [first, second];
}

/** Straight cuts across eight directions, at every building. */
function straightCuts(items: number[], parts1: number, parts2: number, units1: number, units2: number, sites: Sites): Split[] {
  const directions = CUT_DIRECTIONS.map(([dx, dy]) => ({ dx, dy, width: spread(items, sites, dx, dy) }));
  const widest = Math.max(...directions.map((d) => d.width));
  const candidates: Split[] = [];
  for (const { dx, dy, width } of directions) {
    // A cut across a narrow spread makes long thin parts: a small penalty, in households.
    const shape = (widest / Math.max(width, 1) - 1) * 2;
    const key = (i: number) => sites.x[i] * dx + sites.y[i] * dy;
    const order = [...items].sort((a, b) => key(a) - key(b) || a - b);
    let before = 0;
    const total = order.reduce((sum, i) => sum + sites.households[i], 0);
    for (let cut = 1; cut < order.length; cut++) {
      before += sites.households[order[cut - 1]];
      if (cut < parts1 || order.length - cut < parts2) continue;
      candidates.push({ cost: splitCost(before, total - before, units1, units2) + shape, order, cut, mask: 0 });
    }
  }
  return candidates;
}

/**
 * Every way to split a handful of buildings in two (a few apartment blocks: straight cuts often
 * cannot reach the band there), scored like a cut plus compactness: the spread of each side around
 * its centre (m², per 1,000).
 */
function allSplits(items: number[], parts1: number, parts2: number, units1: number, units2: number, sites: Sites): Split[] {
  const n = items.length;
  const h = items.map((i) => sites.households[i]);
  const x = items.map((i) => sites.x[i] - sites.x[items[0]]);
  const y = items.map((i) => sites.y[i] - sites.y[items[0]]);
  const total = h.reduce((a, b) => a + b, 0);
  const sumX = x.reduce((a, b) => a + b, 0);
  const sumY = y.reduce((a, b) => a + b, 0);
  const sumQ = x.reduce((a, b, k) => a + b * b + y[k] * y[k], 0);
  const candidates: Split[] = [];
  for (let mask = 1; mask < (1 << n) - 1; mask++) {
    // Sizes, households and moments of both sides, without building the sides.
    let count = 0;
    let before = 0;
    let x1 = 0;
    let y1 = 0;
    let q1 = 0;
    for (let k = 0; k < n; k++) {
      if (!(mask & (1 << k))) continue;
      count++;
      before += h[k];
      x1 += x[k];
      y1 += y[k];
      q1 += x[k] * x[k] + y[k] * y[k];
    }
    if (count < parts1 || n - count < parts2) continue;
    // Spread of a side around its centre: Σ|p|² - |Σp|²/n.
    const x2 = sumX - x1;
    const y2 = sumY - y1;
    const spread1 = q1 - (x1 * x1 + y1 * y1) / count;
    const spread2 = sumQ - q1 - (x2 * x2 + y2 * y2) / (n - count);
    const cost = splitCost(before, total - before, units1, units2) + (spread1 + spread2) / 1000;
    candidates.push({ cost, order: null, cut: 0, mask });
  }
  return candidates;
}

const EXACT_LIMIT = 12;
/** Unit vectors of the cut normals tried: every 22.5°. */
const CUT_DIRECTIONS = Array.from({ length: 8 }, (_, k) => [Math.cos((k * Math.PI) / 8), Math.sin((k * Math.PI) / 8)] as const);
/** Splits checked for one-piece sides before settling for the cheapest (repaired afterwards). */
const MAX_TRIED = 400;
const VIOLATION = 1e6;

/**
 * Whether a few buildings split into `units` one-piece micro-grids inside the band the way `split`
 * halves them (a first side of ⌊units/2⌋). Checked exhaustively for two micro-grids of up to
 * EXACT_LIMIT buildings; anything larger is assumed to (courtyards split finely, deeper look-ahead
 * costs more time than it gains).
 */
function canSplit(items: number[], units: number, sites: Sites, graph: RegionGraph): boolean {
  const [lo, hi] = MICROGRID_BAND;
  const total = items.reduce((sum, i) => sum + sites.households[i], 0);
  if (total < lo * units || total > hi * units) return false;
  if (units === 1) return graph.connected(items);
  if (units > 2 || items.length > EXACT_LIMIT) return true;
  const units1 = units >> 1;
  for (let mask = 1; mask < (1 << items.length) - 1; mask++) {
    let before = 0;
    for (let k = 0; k < items.length; k++) if (mask & (1 << k)) before += sites.households[items[k]];
    if (before < lo * units1 || before > hi * units1) continue;
    const first = items.filter((_, k) => mask & (1 << k));
    const second = items.filter((_, k) => !(mask & (1 << k)));
    if (canSplit(first, units1, sites, graph) && canSplit(second, units - units1, sites, graph)) return true;
  }
  return false;
}

function splitCost(before: number, after: number, units1: number, units2: number): number {
  const [lo, hi] = MICROGRID_BAND;
  const target = ((before + after) * units1) / (units1 + units2);
  const violation = outside(before, lo * units1, hi * units1) + outside(after, lo * units2, hi * units2);
  // A side of several micro-grids right at the band's edge rarely splits into parts all inside it.
  const tight =
    outside(before, lo * units1 + slack(units1), hi * units1 - slack(units1)) +
    outside(after, lo * units2 + slack(units2), hi * units2 - slack(units2));
  return (violation > 0 ? VIOLATION + violation : 0) + 3 * tight + Math.abs(before - target);
}

function outside(value: number, lo: number, hi: number): number {
  return Math.max(0, lo - value) + Math.max(0, value - hi);
}

function slack(units: number): number {
  return units > 1 ? 3 : 0;
}

function spread(items: number[], sites: Sites, dx: number, dy: number): number {
  let min = Infinity;
  let max = -Infinity;
  for (const i of items) {
    const value = sites.x[i] * dx + sites.y[i] * dy;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return max - min;
}

/**
 * One community's buildings into its grids and micro-grids: the micro-grids spread as evenly as
 * possible over the grids, the buildings bisected into grids, each grid's into its micro-grids, then
 * repaired. Returns the micro-grids (lists of buildings) and the grid (0-based, in the community)
 * of each.
 */
export function divideCommunity(
  buildings: number[],
  grids: number,
  microgrids: number,
  sites: Sites,
  graph: RegionGraph,
): { parts: number[][]; gridOfPart: number[] } {
  const perGrid = Array.from({ length: grids }, (_, g) => Math.floor(microgrids / grids) + (g < microgrids % grids ? 1 : 0));
  const parts: number[][] = [];
  const gridOfPart: number[] = [];
  bisect(buildings, perGrid, sites, graph).forEach((gridBuildings, g) => {
    for (const part of bisect(gridBuildings, new Array<number>(perGrid[g]).fill(1), sites, graph)) {
      parts.push(part);
      gridOfPart.push(g);
    }
  });
  rebalance(parts, gridOfPart, graph, sites.households);
  return { parts, gridOfPart };
}
