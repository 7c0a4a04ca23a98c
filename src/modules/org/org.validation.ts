import Flatbush from 'flatbush';
import polygonClipping, { type Geom, type MultiPolygon as ClipMultiPolygon } from 'polygon-clipping';
import {
  bboxOf,
  pointOnSurface,
  polygonAreaSquareMetres,
  polygonsOf,
  ringProblems,
  type AreaGeometry,
  type Polygon,
  type Position,
  type Ring,
  type RingProblemKind,
} from './org.geometry.ts';

/** An org unit's boundary as validation needs it. */
export interface UnitGeometry {
  code: string;
  geometry: AreaGeometry;
}

export interface Overlap {
  /** The two children, `a` < `b`. */
  a: string;
  b: string;
  areaSquareMetres: number;
  /** A point inside the overlapping piece, to show on the map. */
  at: Position;
}

export interface Gap {
  areaSquareMetres: number;
  at: Position;
}

export interface Outside {
  code: string;
  /** Area of the child outside its parent, all pieces together. */
  areaSquareMetres: number;
  /** A point inside the largest piece that sticks out. */
  at: Position;
}

export interface Invalid {
  code: string;
  problem: RingProblemKind | 'clipping_failed';
  at: Position;
  /** For a failed overlap check: the other child of the pair. */
  other?: string;
}

export interface TessellationReport {
  overlaps: Overlap[];
  gaps: Gap[];
  outside: Outside[];
  invalid: Invalid[];
}

/** Problems that leave nothing a clipper can work with; the others (crossing rings...) it tolerates. */
const UNUSABLE: ReadonlySet<RingProblemKind> = new Set(['invalid_position', 'too_few_positions']);

/**
 * Seamless coverage (无缝覆盖, DOMAIN.md §3): the children of a unit must lie inside it, must not
 * overlap each other, and together must cover it. Each gap and each overlap is reported as a piece
 * (a connected region) with its area and a point inside it, so the office can find it on the map;
 * pieces of at most `toleranceSquareMetres` are ignored, since boundaries digitised by hand leave
 * slivers of a few square metres along shared edges (and clipping leaves some of ~1e-6 m²). A child that sticks
 * out of its parent is reported once with the total area outside. Ring problems of the parent and
 * of each child are listed too; a child whose rings cross is still clipped (non-zero rule), one
 * with unusable positions is left out, and a parent with unusable positions stops the check.
 *
 * Cost: one polygon-clipping sweep for the gaps (parent minus all children at once), one difference
 * per child for the outside check, and one intersection per pair of children whose bounding boxes
 * meet, found with a Flatbush R-tree rather than all n² pairs. All clipping works on copies snapped
 * together at 0.1 mm (`snapTogether`), without which polygon-clipping fails on real tessellations.
 * Measured: 2,589 micro-grids in 337 grids plus the 337 grids in their district, about 1 s.
 */
export function validateTessellation(
  parent: UnitGeometry,
  children: readonly UnitGeometry[],
  toleranceSquareMetres: number,
): TessellationReport {
  const report: TessellationReport = { overlaps: [], gaps: [], outside: [], invalid: [] };
  const parentProblems = ringProblems(parent.geometry);
  for (const { problem, at } of parentProblems) report.invalid.push({ code: parent.code, problem, at });
  if (parentProblems.some((p) => UNUSABLE.has(p.problem))) return report;

  const checked: UnitGeometry[] = [];
  for (const child of [...children].sort((x, y) => compareCodes(x.code, y.code))) {
    const problems = ringProblems(child.geometry);
    for (const { problem, at } of problems) report.invalid.push({ code: child.code, problem, at });
    if (!problems.some((p) => UNUSABLE.has(p.problem))) checked.push(child);
  }

  // Clip snapped copies (see snapTogether); problems and locations above refer to the input as given.
  const [snappedParent, ...snappedChildren] = snapTogether([parent.geometry, ...checked.map((c) => c.geometry)], SNAP_DEGREES);
  const usable = checked
    .map((child, i) => ({ code: child.code, geometry: snappedChildren[i] }))
    .filter((c) => c.geometry.coordinates.length > 0);
  const parentGeom = toClip(snappedParent);
  const clipped = (failure: Omit<Invalid, 'problem'>, operation: () => ClipMultiPolygon): ClipMultiPolygon => {
    try {
      return operation();
    } catch {
      // polygon-clipping still gives up on some near-degenerate inputs; say so rather than pass silently.
      report.invalid.push({ ...failure, problem: 'clipping_failed' });
      return [];
    }
  };

  for (const child of usable) {
    const pieces = significantPieces(
      clipped({ code: child.code, at: firstPosition(child.geometry) }, () =>
        polygonClipping.difference(toClip(child.geometry), parentGeom),
      ),
      0,
    );
    const total = pieces.reduce((sum, piece) => sum + piece.areaSquareMetres, 0);
    if (total > toleranceSquareMetres) report.outside.push({ code: child.code, areaSquareMetres: total, at: pieces[0].at });
  }

  for (const [a, b] of candidatePairs(usable)) {
    const shared = clipped({ code: a.code, other: b.code, at: firstPosition(a.geometry) }, () =>
      polygonClipping.intersection(toClip(a.geometry), toClip(b.geometry)),
    );
    for (const piece of significantPieces(shared, toleranceSquareMetres)) {
      report.overlaps.push({ a: a.code, b: b.code, ...piece });
    }
  }

  const uncovered = clipped({ code: parent.code, at: firstPosition(parent.geometry) }, () =>
    usable.length === 0 ? polygonsOf(snappedParent) : polygonClipping.difference(parentGeom, ...usable.map((c) => toClip(c.geometry))),
  );
  report.gaps.push(...significantPieces(uncovered, toleranceSquareMetres));
  return report;
}

/** True when the report holds nothing to fix. */
export function isSeamless(report: TessellationReport): boolean {
  return report.overlaps.length + report.gaps.length + report.outside.length + report.invalid.length === 0;
}

function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toClip(geometry: AreaGeometry): Geom {
  return geometry.coordinates as Geom;
}

function firstPosition(geometry: AreaGeometry): Position {
  const polygon = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates[0];
  return polygon?.[0]?.[0] ?? [NaN, NaN];
}

/** Each connected piece above the tolerance, largest first, with its area and a point inside it. */
function significantPieces(pieces: ClipMultiPolygon, toleranceSquareMetres: number): { areaSquareMetres: number; at: Position }[] {
  return pieces
    .map((piece) => {
      const polygon = piece as Polygon;
      return { polygon, areaSquareMetres: polygonAreaSquareMetres(polygon) };
    })
    .filter((piece) => piece.areaSquareMetres > toleranceSquareMetres)
    .sort((x, y) => y.areaSquareMetres - x.areaSquareMetres)
    .map(({ polygon, areaSquareMetres: area }) => ({
      areaSquareMetres: area,
      at: pointOnSurface({ type: 'Polygon', coordinates: polygon }),
    }));
}

/** Pairs of children whose bounding boxes meet, each once, in code order. */
function candidatePairs(children: readonly UnitGeometry[]): [UnitGeometry, UnitGeometry][] {
  if (children.length < 2) return [];
  const index = new Flatbush(children.length);
  const boxes = children.map((child) => bboxOf(child.geometry));
  for (const [minX, minY, maxX, maxY] of boxes) index.add(minX, minY, maxX, maxY);
  index.finish();
  const pairs: [UnitGeometry, UnitGeometry][] = [];
  boxes.forEach(([minX, minY, maxX, maxY], i) => {
    for (const j of index.search(minX, minY, maxX, maxY).sort((x, y) => x - y)) {
      if (j > i) pairs.push([children[i], children[j]]);
    }
  });
  return pairs;
}

/**
 * How far apart two positions, or a position and an edge, may be and still be taken as the same:
 * 1e-9° ≈ 0.1 mm, far below any surveyed or drawn boundary, far above floating-point noise.
 */
const SNAP_DEGREES = 1e-9;

/**
 * Makes boundaries that are meant to coincide coincide exactly, before clipping. A child clipped from
 * its parent's outline, or a grid built as the union of its micro-grids, has vertices within an ulp
 * of a neighbour's edge but not on it; polygon-clipping 0.15 then builds degenerate slivers and can
 * recurse without end (a RangeError seen on the demo-sized tessellation in the tests). Like the
 * snapping noders of JTS/GEOS: positions closer than `snap` are merged (into the first one seen), and
 * a position closer than `snap` to another ring's edge is inserted into that edge. Nothing moves by
 * more than `snap`, so no real gap or overlap (centimetres at least) is hidden or made.
 */
export function snapTogether(geometries: readonly AreaGeometry[], snap: number): AreaGeometry[] {
  // 1. Merge positions closer than `snap`, via an R-tree of the distinct positions and union-find.
  const keyOf = (p: Position) => `${p[0]},${p[1]}`;
  const ids = new Map<string, number>();
  const xs: number[] = [];
  const ys: number[] = [];
  for (const geometry of geometries) {
    for (const polygon of polygonsOf(geometry)) {
      for (const ring of polygon) {
        for (const p of ring) {
          if (!ids.has(keyOf(p))) {
            ids.set(keyOf(p), xs.length);
            xs.push(p[0]);
            ys.push(p[1]);
          }
        }
      }
    }
  }
  if (xs.length === 0) return [...geometries];
  const parentOf = xs.map((_, i) => i);
  const root = (i: number): number => {
    while (parentOf[i] !== i) i = parentOf[i] = parentOf[parentOf[i]];
    return i;
  };
  const points = new Flatbush(xs.length);
  for (let i = 0; i < xs.length; i++) points.add(xs[i], ys[i], xs[i], ys[i]);
  points.finish();
  for (let i = 0; i < xs.length; i++) {
    for (const j of points.search(xs[i] - snap, ys[i] - snap, xs[i] + snap, ys[i] + snap)) {
      const [a, b] = [root(i), root(j)];
      if (a !== b) parentOf[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const snapped = (p: Position): Position => {
    const r = root(ids.get(keyOf(p)) as number);
    return [xs[r], ys[r]];
  };

  // 2. Insert into every edge the (merged) positions lying within `snap` of it.
  const kept = xs.map((_, i) => i).filter((i) => root(i) === i);
  const keptIndex = new Flatbush(kept.length);
  for (const i of kept) keptIndex.add(xs[i], ys[i], xs[i], ys[i]);
  keptIndex.finish();
  const snapRing = (ring: Ring): Ring => {
    const merged: Position[] = [];
    for (const p of ring.map(snapped)) {
      const last = merged[merged.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) merged.push(p);
    }
    if (merged.length > 1 && merged[0][0] === merged[merged.length - 1][0] && merged[0][1] === merged[merged.length - 1][1]) merged.pop();
    if (merged.length < 3) return [];
    const out: Position[] = [];
    merged.forEach((a, i) => {
      const b = merged[(i + 1) % merged.length];
      out.push(a);
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const length2 = dx * dx + dy * dy;
      const inserts: { t: number; p: Position }[] = [];
      const found = keptIndex.search(
        Math.min(a[0], b[0]) - snap,
        Math.min(a[1], b[1]) - snap,
        Math.max(a[0], b[0]) + snap,
        Math.max(a[1], b[1]) + snap,
      );
      for (const k of found) {
        const p: Position = [xs[kept[k]], ys[kept[k]]];
        const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2;
        if (!(t > 0 && t < 1) || (p[0] === a[0] && p[1] === a[1]) || (p[0] === b[0] && p[1] === b[1])) continue;
        const ex = a[0] + t * dx - p[0];
        const ey = a[1] + t * dy - p[1];
        if (ex * ex + ey * ey <= snap * snap) inserts.push({ t, p });
      }
      inserts.sort((u, v) => u.t - v.t);
      for (const { p } of inserts) out.push(p);
    });
    out.push(out[0]);
    return out;
  };
  const snapPolygon = (polygon: Polygon): Polygon => {
    const rings = polygon.map(snapRing);
    // A collapsed outer ring takes its polygon with it; a collapsed hole just disappears.
    return rings[0]?.length ? rings.filter((r) => r.length > 0) : [];
  };
  return geometries.map((geometry): AreaGeometry => {
    const polygons = polygonsOf(geometry)
      .map(snapPolygon)
      .filter((p) => p.length > 0);
    return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
  });
}
