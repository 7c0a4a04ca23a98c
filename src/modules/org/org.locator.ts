import { bboxOf, EDGE_BOUNDARY, edgeCrossing, orient2d, polygonsOf, type AreaGeometry, type Position } from './org.geometry.ts';

/** A micro-grid (微网格) as the locator needs it: its code and its WGS-84 boundary. */
export interface LocatorEntry {
  code: string;
  geometry: AreaGeometry;
}

const OUTSIDE = 0;
const BOUNDARY = 1;
const INSIDE = 2;

/** A cell's answer when no micro-grid holds it (pure), or the mark of a cell crossed by an edge (mixed). */
const NOWHERE = -1;
const MIXED = -2;
/** Cells per micro-grid the index aims at, and its bounds (a cell is 4 bytes, a mixed one a few more). */
const CELLS_PER_ENTRY = 512;
const MIN_CELLS = 1024;
const MAX_CELLS = 1 << 22;

/**
 * "Which micro-grid is this point in?" (DOMAIN.md §3: every household in exactly one), answered in
 * memory. Built once from all micro-grids and rebuilt on change, never updated in place.
 *
 * A uniform grid of cells over the micro-grids' extent answers most lookups by one array read: a cell
 * that no edge of any micro-grid touches is "pure", every point in it lies strictly inside the same
 * micro-grids, so its answer is computed once at build time. A "mixed" cell, crossed by some edge,
 * keeps the micro-grids whose bounding box reaches it, and an exact even-odd test over flat
 * Float64Array rings decides among them (the same edge rule as `pointInGeometry`, so both always
 * agree). Exactness does not rest on cell arithmetic being exact: a point's cell is
 * `floor((x - minX) * scale)`, which is monotone in x, so a point on an edge always falls in a cell
 * between the cells of that edge's ends, and such cells are marked mixed.
 *
 * A point on an edge shared by several micro-grids belongs to the one with the lowest code, so a
 * household drawn on a boundary line still lands in exactly one micro-grid, the same one every time.
 * A point strictly inside one micro-grid and on the edge of another (only possible where the
 * tessellation overlaps, which validation rejects) goes to the one it is strictly inside.
 */
export class Locator {
  /** Codes in ascending order: an entry's index is its rank, so the lowest index is the lowest code. */
  readonly codes: readonly string[];
  /** x, y pairs of every ring of every entry, without the closing repeat. */
  private readonly coords: Float64Array;
  /** Ring r occupies points ringStart[r] .. ringStart[r+1]-1. */
  private readonly ringStart: Uint32Array;
  /** Polygon p (a part of a MultiPolygon, or the whole Polygon) has rings partStart[p] .. partStart[p+1]-1. */
  private readonly partStart: Uint32Array;
  /** Entry e has parts entryStart[e] .. entryStart[e+1]-1. */
  private readonly entryStart: Uint32Array;
  /** minX, minY, maxX, maxY of each entry. */
  private readonly boxes: Float64Array;
  private readonly grid: CellGrid;

  /** Entries without a single position are left out: there is nothing to find them by. */
  constructor(entries: readonly LocatorEntry[]) {
    const sorted = entries
      .filter((entry) => Number.isFinite(bboxOf(entry.geometry)[0]))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].code === sorted[i - 1].code) throw new Error(`Locator: duplicate code ${sorted[i].code}`);
    }
    this.codes = sorted.map((entry) => entry.code);
    const flat = flatten(sorted);
    this.coords = flat.coords;
    this.ringStart = flat.ringStart;
    this.partStart = flat.partStart;
    this.entryStart = flat.entryStart;
    this.boxes = new Float64Array(sorted.length * 4);
    sorted.forEach((entry, i) => this.boxes.set(bboxOf(entry.geometry), 4 * i));
    this.grid = buildCellGrid(this);
  }

  get size(): number {
    return this.codes.length;
  }

  /** The code of the micro-grid containing the WGS-84 point (inside or on its boundary), or null. */
  locate(point: Position): string | null {
    return this.locateLngLat(point[0], point[1]);
  }

  /** `locate` without building an array, for hot loops. */
  locateLngLat(lng: number, lat: number): string | null {
    const found = this.locateIndex(lng, lat);
    return found === -1 ? null : this.codes[found];
  }

  /**
   * The rank (index into `codes`) of the containing micro-grid, or -1. A pure cell answers at once; in
   * a mixed cell the candidates are tested in ascending rank: the first one strictly inside is the
   * answer (and the lowest-code one, should invalid data overlap), the lowest-ranked boundary hit is
   * the answer when none is inside.
   */
  locateIndex(lng: number, lat: number): number {
    const g = this.grid;
    // Also false for NaN: a point off the extent is outside every micro-grid's box.
    if (!(lng >= g.minX && lng <= g.maxX && lat >= g.minY && lat <= g.maxY)) return -1;
    // g.cellOf, inlined: this is the whole cost of most lookups.
    let column = Math.floor((lng - g.minX) * g.scaleX);
    if (column >= g.columns) column = g.columns - 1;
    let row = Math.floor((lat - g.minY) * g.scaleY);
    if (row >= g.rows) row = g.rows - 1;
    const cell = row * g.columns + column;
    const answer = g.answer[cell];
    if (answer !== MIXED) return answer;
    const { candidates, boxes } = g;
    let boundary = -1;
    for (let i = g.candidateStart[g.mixedSlot[cell]], end = g.candidateStart[g.mixedSlot[cell] + 1]; i < end; i++) {
      const entry = candidates[i];
      const b = 4 * entry;
      if (lng < boxes[b] || lat < boxes[b + 1] || lng > boxes[b + 2] || lat > boxes[b + 3]) continue;
      const placement = this.placementIn(entry, lng, lat);
      if (placement === INSIDE) return entry;
      if (placement === BOUNDARY && boundary === -1) boundary = entry;
    }
    return boundary;
  }

  /**
   * For tests: the entries the index would test for a point (none for a pure cell) and the cell's
   * answer, beside the entries whose bounding box holds the point (a brute-force scan).
   */
  explain(lng: number, lat: number): { pure: boolean; answer: number; candidates: number[]; inBox: number[] } {
    const inBox: number[] = [];
    for (let e = 0; e < this.size; e++) {
      const b = 4 * e;
      if (lng >= this.boxes[b] && lat >= this.boxes[b + 1] && lng <= this.boxes[b + 2] && lat <= this.boxes[b + 3]) inBox.push(e);
    }
    const g = this.grid;
    if (!(lng >= g.minX && lng <= g.maxX && lat >= g.minY && lat <= g.maxY)) return { pure: true, answer: -1, candidates: [], inBox };
    const cell = g.cellOf(lng, lat);
    if (g.answer[cell] !== MIXED) return { pure: true, answer: g.answer[cell], candidates: [], inBox };
    const slot = g.mixedSlot[cell];
    return {
      pure: false,
      answer: this.locateIndex(lng, lat),
      candidates: Array.from(g.candidates.subarray(g.candidateStart[slot], g.candidateStart[slot + 1])),
      inBox,
    };
  }

  /** Even-odd over each part's rings; any edge through the point makes it BOUNDARY for that part. Public for the index builder. */
  placementIn(entry: number, px: number, py: number): number {
    const { coords, ringStart, partStart, entryStart } = this;
    let result = OUTSIDE;
    for (let part = entryStart[entry], partEnd = entryStart[entry + 1]; part < partEnd; part++) {
      let inside = false;
      let boundary = false;
      for (let ring = partStart[part], ringEnd = partStart[part + 1]; ring < ringEnd && !boundary; ring++) {
        const first = ringStart[ring];
        const last = ringStart[ring + 1] - 1;
        let ax = coords[2 * last];
        let ay = coords[2 * last + 1];
        for (let i = first; i <= last; i++) {
          const bx = coords[2 * i];
          const by = coords[2 * i + 1];
          if (ay > py !== by > py) {
            // The edge spans the ray's height. Wholly right of the point it surely crosses the +x ray;
            // otherwise the exact orientation decides (0: the point is on the edge).
            if (ax > px && bx > px) inside = !inside;
            else if (ax >= px || bx >= px) {
              const o = orient2d(ax, ay, bx, by, px, py);
              if (o === 0) {
                boundary = true;
                break;
              }
              if (o > 0 === by > ay) inside = !inside;
            }
          } else if ((ay === py || by === py) && edgeCrossing(ax, ay, bx, by, px, py) === EDGE_BOUNDARY) {
            // An end at the point's height: the point may be that vertex or on a horizontal edge.
            boundary = true;
            break;
          }
          ax = bx;
          ay = by;
        }
      }
      if (boundary) result = BOUNDARY;
      else if (inside) return INSIDE;
    }
    return result;
  }

  /** Every edge of every entry, as x, y, x, y, for the index to mark the cells it crosses. */
  forEachEdge(visit: (ax: number, ay: number, bx: number, by: number) => void): void {
    const { coords, ringStart } = this;
    for (let ring = 0; ring + 1 < ringStart.length; ring++) {
      const first = ringStart[ring];
      const last = ringStart[ring + 1] - 1;
      if (last < first) continue;
      let ax = coords[2 * last];
      let ay = coords[2 * last + 1];
      for (let i = first; i <= last; i++) {
        const bx = coords[2 * i];
        const by = coords[2 * i + 1];
        visit(ax, ay, bx, by);
        ax = bx;
        ay = by;
      }
    }
  }

  /** minX, minY, maxX, maxY of each entry, for the index builder. */
  get entryBoxes(): Float64Array {
    return this.boxes;
  }
}

/**
 * The uniform grid over the extent. `answer[cell]` is the rank of the micro-grid a pure cell lies
 * strictly inside, NOWHERE, or MIXED; a mixed cell's candidates (ascending rank) are
 * candidates[candidateStart[mixedSlot[cell]] .. candidateStart[mixedSlot[cell] + 1]].
 */
class CellGrid {
  readonly answer: Int32Array;
  /** Cells per degree (0 on an axis of zero extent). */
  readonly scaleX: number;
  readonly scaleY: number;
  mixedSlot: Int32Array = new Int32Array(0);
  candidateStart: Uint32Array = new Uint32Array(1);
  candidates: Int32Array = new Int32Array(0);

  constructor(
    readonly minX: number,
    readonly minY: number,
    readonly maxX: number,
    readonly maxY: number,
    readonly columns: number,
    readonly rows: number,
    readonly boxes: Float64Array,
  ) {
    // Zero extent on an axis (a single point, or entries in one line): every position is column 0.
    this.scaleX = maxX > minX ? columns / (maxX - minX) : 0;
    this.scaleY = maxY > minY ? rows / (maxY - minY) : 0;
    this.answer = new Int32Array(columns * rows).fill(NOWHERE);
  }

  /** Monotone in x (a correctly rounded subtraction and product, floor, clamp): the exactness argument rests on it. */
  column(x: number): number {
    const c = Math.floor((x - this.minX) * this.scaleX);
    return c < this.columns ? c : this.columns - 1;
  }

  row(y: number): number {
    const r = Math.floor((y - this.minY) * this.scaleY);
    return r < this.rows ? r : this.rows - 1;
  }

  cellOf(x: number, y: number): number {
    return this.row(y) * this.columns + this.column(x);
  }
}

function buildCellGrid(locator: Locator): CellGrid {
  const boxes = locator.entryBoxes;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let b = 0; b < boxes.length; b += 4) {
    minX = Math.min(minX, boxes[b]);
    minY = Math.min(minY, boxes[b + 1]);
    maxX = Math.max(maxX, boxes[b + 2]);
    maxY = Math.max(maxY, boxes[b + 3]);
  }
  if (locator.size === 0) return new CellGrid(1, 1, 0, 0, 1, 1, boxes); // an empty extent: nothing is inside it
  // Square-ish cells in degrees, about CELLS_PER_ENTRY per micro-grid.
  const cells = Math.min(MAX_CELLS, Math.max(MIN_CELLS, locator.size * CELLS_PER_ENTRY));
  const width = maxX - minX;
  const height = maxY - minY;
  const side = Math.sqrt((Math.max(width, 1e-9) * Math.max(height, 1e-9)) / cells);
  const columns = width > 0 ? Math.max(1, Math.min(cells, Math.round(width / side))) : 1;
  const rows = height > 0 ? Math.max(1, Math.min(Math.floor(cells / columns), Math.round(height / side))) : 1;
  const grid = new CellGrid(minX, minY, maxX, maxY, columns, rows, boxes);
  markEdges(grid, locator);
  fillPureCells(grid, locator);
  listCandidates(grid, locator);
  return grid;
}

/**
 * Marks MIXED every cell an edge may touch: for each column the edge spans, the rows between the
 * edge's heights at that column's sides, one row of margin either way against rounding, never beyond
 * the cells of the edge's own ends (which bound it exactly, by monotonicity).
 */
function markEdges(grid: CellGrid, locator: Locator): void {
  const { answer, columns } = grid;
  locator.forEachEdge((ax, ay, bx, by) => {
    const c0 = grid.column(Math.min(ax, bx));
    const c1 = grid.column(Math.max(ax, bx));
    const r0 = grid.row(Math.min(ay, by));
    const r1 = grid.row(Math.max(ay, by));
    if (c1 - c0 < 2 || r1 - r0 < 2) {
      for (let r = r0; r <= r1; r++) answer.fill(MIXED, r * columns + c0, r * columns + c1 + 1);
      return;
    }
    const slope = (by - ay) / (bx - ax);
    for (let c = c0; c <= c1; c++) {
      // The edge's x-range within this column, its heights there, and their rows with a margin.
      const left = Math.max(Math.min(ax, bx), grid.minX + c / grid.scaleX);
      const right = Math.min(Math.max(ax, bx), grid.minX + (c + 1) / grid.scaleX);
      const y1 = ay + (left - ax) * slope;
      const y2 = ay + (right - ax) * slope;
      const low = Math.max(r0, grid.row(Math.min(y1, y2)) - 1);
      const high = Math.min(r1, grid.row(Math.max(y1, y2)) + 1);
      for (let r = low; r <= high; r++) answer[r * columns + c] = MIXED;
    }
  });
}

/**
 * Pure cells' answers. Two pure cells side by side share their points' placement (no edge crosses
 * either), so each connected region of pure cells needs one exact lookup, at its first cell's centre:
 * the lowest-ranked micro-grid holding that point strictly, or none. The point tested must itself fall
 * in its cell; where rounding puts a cell's centre elsewhere, the cell is simply left mixed.
 */
function fillPureCells(grid: CellGrid, locator: Locator): void {
  const { answer, columns, rows } = grid;
  const seen = new Uint8Array(answer.length);
  const stack = new Int32Array(answer.length);
  for (let start = 0; start < answer.length; start++) {
    if (seen[start] || answer[start] === MIXED) continue;
    const c = start % columns;
    const r = (start - c) / columns;
    const x = grid.scaleX > 0 ? grid.minX + (c + 0.5) / grid.scaleX : grid.minX;
    const y = grid.scaleY > 0 ? grid.minY + (r + 0.5) / grid.scaleY : grid.minY;
    if (grid.cellOf(x, y) !== start) {
      answer[start] = MIXED;
      continue;
    }
    const holder = strictlyInside(locator, x, y);
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const cell = stack[--top];
      answer[cell] = holder;
      const col = cell % columns;
      // The four neighbours, each pushed once if pure.
      if (col > 0) top = pushPure(cell - 1, answer, seen, stack, top);
      if (col < columns - 1) top = pushPure(cell + 1, answer, seen, stack, top);
      if (cell >= columns) top = pushPure(cell - columns, answer, seen, stack, top);
      if (cell < (rows - 1) * columns) top = pushPure(cell + columns, answer, seen, stack, top);
    }
  }
}

function pushPure(cell: number, answer: Int32Array, seen: Uint8Array, stack: Int32Array, top: number): number {
  if (seen[cell] || answer[cell] === MIXED) return top;
  seen[cell] = 1;
  stack[top] = cell;
  return top + 1;
}

/** The lowest-ranked entry holding the point strictly, by a scan of the boxes: once per pure region. */
function strictlyInside(locator: Locator, x: number, y: number): number {
  const boxes = locator.entryBoxes;
  for (let entry = 0; entry < locator.size; entry++) {
    const b = 4 * entry;
    if (x < boxes[b] || y < boxes[b + 1] || x > boxes[b + 2] || y > boxes[b + 3]) continue;
    if (locator.placementIn(entry, x, y) === INSIDE) return entry;
  }
  return NOWHERE;
}

/** For each mixed cell, the entries (ascending rank) whose box reaches it: a superset of those holding any of its points. */
function listCandidates(grid: CellGrid, locator: Locator): void {
  const { answer, columns } = grid;
  const boxes = locator.entryBoxes;
  const slot = new Int32Array(answer.length).fill(-1);
  let mixed = 0;
  for (let cell = 0; cell < answer.length; cell++) if (answer[cell] === MIXED) slot[cell] = mixed++;
  const counts = new Uint32Array(mixed + 1);
  const eachMixedCell = (visit: (slot: number, entry: number) => void) => {
    for (let entry = 0; entry < locator.size; entry++) {
      const b = 4 * entry;
      const c0 = grid.column(boxes[b]);
      const c1 = grid.column(boxes[b + 2]);
      for (let r = grid.row(boxes[b + 1]), r1 = grid.row(boxes[b + 3]); r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const s = slot[r * columns + c];
          if (s >= 0) visit(s, entry);
        }
      }
    }
  };
  eachMixedCell((s) => counts[s + 1]++);
  for (let s = 0; s < mixed; s++) counts[s + 1] += counts[s];
  const candidates = new Int32Array(counts[mixed]);
  const next = counts.slice(0, mixed);
  // Entries are visited in ascending rank, so each cell's list comes out sorted.
  eachMixedCell((s, entry) => (candidates[next[s]++] = entry));
  grid.mixedSlot = slot;
  grid.candidateStart = counts;
  grid.candidates = candidates;
}

/** Packs all rings into typed arrays once, so a lookup touches contiguous memory and no objects. */
function flatten(entries: readonly LocatorEntry[]) {
  const coords: number[] = [];
  const ringStart: number[] = [];
  const partStart: number[] = [];
  const entryStart: number[] = [];
  for (const entry of entries) {
    entryStart.push(partStart.length);
    for (const polygon of polygonsOf(entry.geometry)) {
      partStart.push(ringStart.length);
      for (const ring of polygon) {
        let n = ring.length;
        if (n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1]) n--;
        if (n === 0) continue;
        ringStart.push(coords.length / 2);
        for (let i = 0; i < n; i++) coords.push(ring[i][0], ring[i][1]);
      }
    }
  }
  ringStart.push(coords.length / 2);
  partStart.push(ringStart.length - 1);
  entryStart.push(partStart.length - 1);
  return {
    coords: Float64Array.from(coords),
    ringStart: Uint32Array.from(ringStart),
    partStart: Uint32Array.from(partStart),
    entryStart: Uint32Array.from(entryStart),
  };
}
