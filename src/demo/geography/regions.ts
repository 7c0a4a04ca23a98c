import { SITE_BUILDING, SITE_EXTERIOR, type Sites } from './settlements.ts';
import type { Tessellation } from './tessellation.ts';

/**
 * Who owns the open land, which buildings are neighbours, and keeping every unit in one piece. A
 * building's region is its Voronoi cell plus the open land nearer to it than to any other building;
 * a unit is the union of its buildings' regions, so it is one piece when its buildings are connected
 * through touching regions.
 */

/** Cells touching along less than this (m) do not count as connected: a unit must not hang by a point. */
const TOUCH = 0.5;

/**
 * Every inside site's nearest building along the Delaunay graph (multi-source Dijkstra): open land
 * belongs to the unit of that building, whatever the unit turns out to be. A building owns itself.
 */
export function nearestBuildings(sites: Sites, tess: Tessellation): Int32Array {
  const owner = new Int32Array(sites.count).fill(-1);
  const distance = new Float64Array(sites.count).fill(Infinity);
  const heap = new MinHeap(sites.count);
  for (let i = 0; i < sites.count; i++) {
    if (sites.type[i] !== SITE_BUILDING) continue;
    owner[i] = i;
    distance[i] = 0;
    heap.push(i, 0);
  }
  const { adjacencyStart, adjacencySite } = tess;
  while (heap.size > 0) {
    const site = heap.pop();
    for (let k = adjacencyStart[site]; k < adjacencyStart[site + 1]; k++) {
      const next = adjacencySite[k];
      if (sites.type[next] === SITE_EXTERIOR) continue;
      const d = distance[site] + Math.hypot(sites.x[next] - sites.x[site], sites.y[next] - sites.y[site]);
      if (d < distance[next]) {
        distance[next] = d;
        owner[next] = owner[site];
        heap.push(next, d);
      }
    }
  }
  return owner;
}

/**
 * Buildings as nodes, joined when their regions (a building's cell plus the open land it owns)
 * share a boundary of at least TOUCH metres: a set of buildings connected here makes a one-piece
 * unit. `border` is the shared length, to hand a cut-off piece to the neighbour it borders most.
 */
export class RegionGraph {
  readonly start: Int32Array;
  readonly neighbour: Int32Array;
  readonly border: Float64Array;
  private readonly mark: Int32Array;
  private generation = 0;

  constructor(sites: Sites, tess: Tessellation, owner: Int32Array) {
    const pairs = new Map<number, number>();
    for (let a = 0; a < sites.count; a++) {
      if (owner[a] < 0) continue;
      for (let k = tess.adjacencyStart[a]; k < tess.adjacencyStart[a + 1]; k++) {
        const b = tess.adjacencySite[k];
        if (owner[b] < 0 || owner[a] === owner[b] || tess.adjacencyLength[k] < TOUCH) continue;
        const key = owner[a] * sites.count + owner[b];
        pairs.set(key, (pairs.get(key) ?? 0) + tess.adjacencyLength[k]);
      }
    }
    const keys = [...pairs.keys()].sort((p, q) => p - q);
    this.start = new Int32Array(sites.count + 1);
    for (const key of keys) this.start[Math.floor(key / sites.count) + 1]++;
    for (let i = 0; i < sites.count; i++) this.start[i + 1] += this.start[i];
    this.neighbour = Int32Array.from(keys, (key) => key % sites.count);
    this.border = Float64Array.from(keys, (key) => pairs.get(key)!);
    this.mark = new Int32Array(sites.count);
  }

  /** Whether the buildings form one piece through each other's regions. */
  connected(buildings: number[], from = 0, to = buildings.length): boolean {
    if (to - from <= 1) return true;
    const inSet = ++this.generation;
    for (let i = from; i < to; i++) this.mark[buildings[i]] = inSet;
    const seen = ++this.generation;
    const stack = [buildings[from]];
    this.mark[buildings[from]] = seen;
    let reached = 1;
    while (stack.length > 0) {
      const b = stack.pop()!;
      for (let k = this.start[b]; k < this.start[b + 1]; k++) {
        const n = this.neighbour[k];
        if (this.mark[n] === inSet) {
          this.mark[n] = seen;
          reached++;
          stack.push(n);
        }
      }
    }
    return reached === to - from;
  }

  /** The pieces (connected sets) of the buildings, largest household count first. */
  pieces(buildings: number[], households: Int32Array): number[][] {
    const inSet = ++this.generation;
    for (const b of buildings) this.mark[b] = inSet;
    const seen = ++this.generation;
    const pieces: number[][] = [];
    for (const first of buildings) {
      if (this.mark[first] === seen) continue;
      const piece = [first];
      this.mark[first] = seen;
      for (let i = 0; i < piece.length; i++) {
        for (let k = this.start[piece[i]]; k < this.start[piece[i] + 1]; k++) {
          const n = this.neighbour[k];
          if (this.mark[n] === inSet) {
            this.mark[n] = seen;
            piece.push(n);
          }
        }
      }
      pieces.push(piece);
    }
    const weight = (piece: number[]) => piece.reduce((sum, b) => sum + households[b], 0);
    return pieces.sort((p, q) => weight(q) - weight(p) || q.length - p.length || p[0] - q[0]);
  }
}

/**
 * Makes every group of buildings one piece in the region graph: a cut-off piece joins the group it
 * borders most, preferring groups of higher `affinity` (same subdistrict...). Returns pieces moved.
 */
export function joinCutOffPieces(
  group: Int32Array,
  groupCount: number,
  graph: RegionGraph,
  households: Int32Array,
  affinity: (a: number, b: number) => number,
): number {
  let moved = 0;
  for (let pass = 0; pass < 20; pass++) {
    const members: number[][] = Array.from({ length: groupCount }, () => []);
    group.forEach((g, b) => g >= 0 && members[g].push(b));
    let changed = false;
    for (let g = 0; g < groupCount; g++) {
      for (const piece of graph.pieces(members[g], households).slice(1)) {
        const border = new Map<number, number>();
        for (const b of piece) {
          for (let k = graph.start[b]; k < graph.start[b + 1]; k++) {
            const other = group[graph.neighbour[k]];
            if (other !== g) border.set(other, (border.get(other) ?? 0) + Math.min(graph.border[k], 1e4) + affinity(g, other) * 1e9);
          }
        }
        const target = [...border].sort((p, q) => q[1] - p[1] || p[0] - q[0])[0];
        if (!target) continue;
        for (const b of piece) group[b] = target[0];
        moved++;
        changed = true;
      }
    }
    if (!changed) return moved;
  }
  throw new Error('demo geography: groups still in pieces after 20 passes');
}

/**
 * Last line of defence, on the sites themselves: makes every label one piece. A piece cut off from
 * the label's main piece (the one with the most households, then the most sites) goes to the
 * neighbouring label it shares the longest boundary with, preferring labels of higher `affinity` (e.g. 2 for the same grid, 1 for the same community).
 * Returns how many pieces moved.
 */
export function mergeStrayPieces(
  sites: Sites,
  tess: Tessellation,
  labels: Int32Array,
  labelCount: number,
  affinity: (a: number, b: number) => number,
): number {
  let moved = 0;
  for (let pass = 0; pass < 20; pass++) {
    const { piece, pieces } = findPieces(sites, tess, labels);
    const main = new Int32Array(labelCount).fill(-1);
    for (let p = 0; p < pieces.length; p++) {
      const label = pieces[p].label;
      const current = main[label];
      if (current === -1 || heavier(pieces[p], pieces[current])) main[label] = p;
    }
    const stray = pieces.map((_, p) => p).filter((p) => main[pieces[p].label] !== p);
    if (stray.length === 0) return moved;
    for (const p of stray) {
      const label = pieces[p].label;
      const border = new Map<number, number>();
      for (const site of pieces[p].sites) {
        for (let k = tess.adjacencyStart[site]; k < tess.adjacencyStart[site + 1]; k++) {
          const other = tess.adjacencySite[k];
          const otherLabel = labels[other];
          if (otherLabel < 0 || piece[other] === p || otherLabel === label) continue;
          border.set(otherLabel, (border.get(otherLabel) ?? 0) + Math.min(tess.adjacencyLength[k], 1e4));
        }
      }
      let target = -1;
      let targetScore = -Infinity;
      for (const [other, length] of [...border].sort((a, b) => a[0] - b[0])) {
        const score = length + affinity(label, other) * 1e9;
        if (score > targetScore) {
          targetScore = score;
          target = other;
        }
      }
      if (target === -1) continue;
      for (const site of pieces[p].sites) labels[site] = target;
      moved++;
    }
  }
  throw new Error('demo geography: units still in pieces after 20 passes');
}

interface Piece {
  label: number;
  sites: number[];
  households: number;
}

function heavier(a: Piece, b: Piece): boolean {
  return a.households !== b.households ? a.households > b.households : a.sites.length > b.sites.length;
}

function findPieces(sites: Sites, tess: Tessellation, labels: Int32Array): { piece: Int32Array; pieces: Piece[] } {
  const piece = new Int32Array(sites.count).fill(-1);
  const pieces: Piece[] = [];
  const stack: number[] = [];
  for (let seed = 0; seed < sites.count; seed++) {
    if (labels[seed] < 0 || piece[seed] !== -1) continue;
    const current: Piece = { label: labels[seed], sites: [], households: 0 };
    piece[seed] = pieces.length;
    stack.push(seed);
    while (stack.length > 0) {
      const site = stack.pop()!;
      current.sites.push(site);
      current.households += sites.households[site];
      for (let k = tess.adjacencyStart[site]; k < tess.adjacencyStart[site + 1]; k++) {
        const other = tess.adjacencySite[k];
        if (piece[other] === -1 && labels[other] === current.label && tess.adjacencyLength[k] >= TOUCH) {
          piece[other] = pieces.length;
          stack.push(other);
        }
      }
    }
    pieces.push(current);
  }
  return { piece, pieces };
}

/** Binary min-heap of site indices keyed by distance (ties by insertion order of the heap's sift). */
class MinHeap {
  private readonly items: Int32Array;
  private readonly keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    // Each site can be pushed once per improvement; 8x the sites is ample for a Delaunay graph.
    this.items = new Int32Array(capacity * 8);
    this.keys = new Float64Array(capacity * 8);
  }

  push(item: number, key: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.items[i] = this.items[parent];
      this.keys[i] = this.keys[parent];
      i = parent;
    }
    this.items[i] = item;
    this.keys[i] = key;
  }

  /** Pops the nearest item; stale entries (pushed before a shorter path was found) are harmless. */
  pop(): number {
    const top = this.items[0];
    const item = this.items[--this.size];
    const key = this.keys[this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1] < this.keys[child]) child++;
      if (this.keys[child] >= key) break;
      this.items[i] = this.items[child];
      this.keys[i] = this.keys[child];
      i = child;
    }
    this.items[i] = item;
    this.keys[i] = key;
    return top;
  }
}
