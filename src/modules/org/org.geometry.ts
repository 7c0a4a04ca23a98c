/**
 * Pure geometry of org units (网格边界): GeoJSON types, exact point-in-polygon, bounding boxes, areas,
 * centroids and ring checks. Everything here works on WGS-84 longitude/latitude as stored (convert
 * input first, see org.crs.ts) and treats an edge as the straight line between its two positions in
 * longitude/latitude, as GeoJSON (RFC 7946 §3.1.1) and Leaflet draw it. No I/O, no state.
 */

/** `[lng, lat]` in degrees, the GeoJSON order. */
export type Position = [number, number];
/** A closed ring: the first position repeated as the last, so at least 4 positions. */
export type Ring = Position[];
/** The outer ring, then the holes (e.g. a 小区 courtyard left out of a micro-grid). */
export type Polygon = Ring[];
export type MultiPolygon = Polygon[];
export type AreaGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
/** `[minLng, minLat, maxLng, maxLat]`. */
export type BBox = [number, number, number, number];
export type PointPlacement = 'inside' | 'boundary' | 'outside';

/** The polygons of a geometry, so callers need not branch on the type. */
export function polygonsOf(geometry: AreaGeometry): Polygon[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

// ---------------------------------------------------------------------------------------------------
// Exact orientation
// ---------------------------------------------------------------------------------------------------

/** Shewchuk's bound for the first, floating-point stage of orient2d: beyond it the sign is certain. */
const ORIENT_ERROR_BOUND = (3 + 16 * Number.EPSILON) * Number.EPSILON;

/**
 * The sign of the turn a → b → c: positive when c is left of the line a→b (counter-clockwise), negative
 * when right, exactly 0 when the three are collinear. Exact for every finite double: the fast
 * floating-point answer is used when Shewchuk's error bound proves its sign, otherwise the determinant
 * is recomputed in integer arithmetic. The exact path is rare (a point on or within ~1e-15° of a line),
 * which is precisely where "is it on the edge?" must not depend on rounding.
 */
export function orient2d(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const left = (ax - cx) * (by - cy);
  const right = (ay - cy) * (bx - cx);
  const det = left - right;
  const bound = ORIENT_ERROR_BOUND * (Math.abs(left) + Math.abs(right));
  if (det > bound || -det > bound) return det;
  return exactOrient2d(ax, ay, bx, by, cx, cy);
}

const float = new Float64Array(1);
const floatBits = new BigUint64Array(float.buffer);

/** A finite double as `mantissa * 2^exponent` with an integer mantissa. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  float[0] = x;
  const bits = floatBits[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const magnitude = biased === 0 ? fraction : fraction | 0x10000000000000n;
  return { mantissa: bits >> 63n ? -magnitude : magnitude, exponent: (biased === 0 ? 1 : biased) - 1075 };
}

function exactOrient2d(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const parts = [ax, ay, bx, by, cx, cy].map(decompose);
  const lowest = Math.min(...parts.map((p) => p.exponent));
  const [AX, AY, BX, BY, CX, CY] = parts.map((p) => p.mantissa << BigInt(p.exponent - lowest));
  const det = (AX - CX) * (BY - CY) - (AY - CY) * (BX - CX);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

// ---------------------------------------------------------------------------------------------------
// Point in polygon
// ---------------------------------------------------------------------------------------------------

/**
 * Where a point lies relative to a geometry: 'boundary' for any point on an edge or a vertex of any
 * ring (outer or hole), otherwise even-odd over the rings of each polygon (so a hole's inside is
 * outside). Exact: crossings are decided with `orient2d`, never by computing an intersection x.
 * For a MultiPolygon, 'inside' in any part wins over 'boundary' in another.
 */
export function pointInGeometry(point: Position, geometry: AreaGeometry): PointPlacement {
  let onBoundary = false;
  for (const polygon of polygonsOf(geometry)) {
    const placement = pointInPolygon(point, polygon);
    if (placement === 'inside') return 'inside';
    if (placement === 'boundary') onBoundary = true;
  }
  return onBoundary ? 'boundary' : 'outside';
}

export function pointInPolygon(point: Position, polygon: Polygon): PointPlacement {
  let inside = false;
  for (const ring of polygon) {
    const placement = pointInRing(point, ring);
    if (placement === 'boundary') return 'boundary';
    if (placement === 'inside') inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

/**
 * One ring, closed or not (the closing edge is implied). The ray runs towards +x; an edge counts when
 * exactly one of its ends is strictly above the point (the half-open rule that makes a ray through a
 * vertex count once).
 */
export function pointInRing(point: Position, ring: Ring): PointPlacement {
  const px = point[0];
  const py = point[1];
  const n = ring.length;
  if (n === 0) return 'outside';
  let inside = false;
  // Indexing rather than destructuring: this loop is the inner loop of every naive scan.
  let ax = ring[n - 1][0];
  let ay = ring[n - 1][1];
  for (let i = 0; i < n; i++) {
    const position = ring[i];
    const bx = position[0];
    const by = position[1];
    const crossing = edgeCrossing(ax, ay, bx, by, px, py);
    if (crossing === EDGE_BOUNDARY) return 'boundary';
    if (crossing === EDGE_CROSSES) inside = !inside;
    ax = bx;
    ay = by;
  }
  return inside ? 'inside' : 'outside';
}

export const EDGE_MISSES = 0;
export const EDGE_CROSSES = 1;
export const EDGE_BOUNDARY = 2;

/**
 * What the edge a→b does to the +x ray from p: misses it, crosses it, or carries p itself. Shared with
 * the locator's flat-array loop so both answer identically.
 */
export function edgeCrossing(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  if (ay > py !== by > py) {
    // The edge spans the ray's line: p is on it, left of it (the ray crosses), or right of it.
    const o = orient2d(ax, ay, bx, by, px, py);
    if (o === 0) return EDGE_BOUNDARY;
    return o > 0 === by > ay ? EDGE_CROSSES : EDGE_MISSES;
  }
  // Both ends on one side: p can only be an end, or on a horizontal edge at its height.
  if (ay === py && by === py) return (ax <= px && px <= bx) || (bx <= px && px <= ax) ? EDGE_BOUNDARY : EDGE_MISSES;
  if ((ax === px && ay === py) || (bx === px && by === py)) return EDGE_BOUNDARY;
  return EDGE_MISSES;
}

// ---------------------------------------------------------------------------------------------------
// Bounding box, area, centroid
// ---------------------------------------------------------------------------------------------------

export function bboxOf(geometry: AreaGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    // Holes lie inside the outer ring of a valid polygon, but an invalid one must not shrink the box.
    for (const ring of polygon) {
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/** WGS-84 semi-major axis and first eccentricity. */
const WGS84_A = 6378137;
const WGS84_E = Math.sqrt(2 / 298.257223563 - 1 / 298.257223563 ** 2);
const RADIANS = Math.PI / 180;

/** The authalic function q(φ) of the WGS-84 ellipsoid (Snyder, Map Projections, eq. 3-12). */
function authalicQ(sinPhi: number): number {
  const e = WGS84_E;
  const es = e * sinPhi;
  return (1 - e * e) * (sinPhi / (1 - es * es) - Math.log((1 - es) / (1 + es)) / (2 * e));
}

/**
 * Area of a geometry on the WGS-84 ellipsoid, in m², holes subtracted. By Green's theorem the area
 * enclosed by a ring is (a²/2)·∮ -q(φ) dλ, with q the authalic function; along an edge straight in
 * longitude/latitude the integral is taken with Simpson's rule in φ. Error: below 1e-9 relative from
 * the ellipsoid and the quadrature for edges under ~10 km (Simpson's error is O(Δφ⁴)), plus ~1e-12 m²
 * of rounding per edge; rings are assumed not to cross the antimeridian. Rings are taken by absolute
 * value, so their winding order does not matter.
 */
export function areaSquareMetres(geometry: AreaGeometry): number {
  let total = 0;
  for (const polygon of polygonsOf(geometry)) total += polygonAreaSquareMetres(polygon);
  return total;
}

export function polygonAreaSquareMetres(polygon: Polygon): number {
  let area = 0;
  polygon.forEach((ring, index) => {
    const ringArea = Math.abs(ringSignedAreaSquareMetres(ring));
    area += index === 0 ? ringArea : -ringArea;
  });
  return Math.max(0, area);
}

/** Positive for a counter-clockwise ring (RFC 7946's outer-ring order). */
export function ringSignedAreaSquareMetres(ring: Ring): number {
  const n = ring.length;
  if (n < 3) return 0;
  // ∮ c dλ = 0 on a closed ring, so subtracting q at the first vertex changes nothing but keeps the
  // terms small: a 100 m micro-grid then loses no precision to cancellation.
  const q0 = authalicQ(Math.sin(ring[0][1] * RADIANS));
  let sum = 0;
  let [lng1, lat1] = ring[n - 1];
  let q1 = authalicQ(Math.sin(lat1 * RADIANS)) - q0;
  for (let i = 0; i < n; i++) {
    const [lng2, lat2] = ring[i];
    const q2 = authalicQ(Math.sin(lat2 * RADIANS)) - q0;
    if (lng1 !== lng2) {
      const qMid = lat1 === lat2 ? q1 : authalicQ(Math.sin(((lat1 + lat2) / 2) * RADIANS)) - q0;
      sum -= ((lng2 - lng1) * RADIANS * (q1 + 4 * qMid + q2)) / 6;
    }
    lng1 = lng2;
    lat1 = lat2;
    q1 = q2;
  }
  return ((WGS84_A * WGS84_A) / 2) * sum;
}

/**
 * The area-weighted centroid (holes subtracted, parts weighted by area), computed in a local
 * equirectangular projection centred on the geometry's bounding box: for a district-sized geometry
 * (< 50 km) the shift from the true ellipsoidal centroid is below a metre. The centroid of a concave
 * polygon may lie outside it; use `pointOnSurface` for a label or a location that must be inside.
 */
export function centroidOf(geometry: AreaGeometry): Position {
  const [minX, minY, maxX, maxY] = bboxOf(geometry);
  const x0 = (minX + maxX) / 2;
  const y0 = (minY + maxY) / 2;
  const scale = Math.cos(y0 * RADIANS);
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, index) => {
      const moments = ringMoments(ring, x0, y0, scale);
      // Orient every ring's contribution by its role: outer rings add, holes subtract.
      const sign = Math.sign(moments.area) * (index === 0 ? 1 : -1);
      area += sign * moments.area;
      cx += sign * moments.mx;
      cy += sign * moments.my;
    });
  }
  if (area === 0) return vertexMean(geometry);
  return [x0 + cx / area / scale, y0 + cy / area];
}

/** Signed area and first moments of a ring in the local projection x = (λ-λ0)·cos φ0, y = φ-φ0. */
function ringMoments(ring: Ring, x0: number, y0: number, scale: number): { area: number; mx: number; my: number } {
  let area = 0;
  let mx = 0;
  let my = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xa = (ring[j][0] - x0) * scale;
    const ya = ring[j][1] - y0;
    const xb = (ring[i][0] - x0) * scale;
    const yb = ring[i][1] - y0;
    const cross = xa * yb - xb * ya;
    area += cross;
    mx += (xa + xb) * cross;
    my += (ya + yb) * cross;
  }
  return { area: area / 2, mx: mx / 6, my: my / 6 };
}

/** Fallback for degenerate (zero-area) geometries: the mean of the distinct positions. */
function vertexMean(geometry: AreaGeometry): Position {
  let x = 0;
  let y = 0;
  let count = 0;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (const [px, py] of ring) {
        x += px;
        y += py;
        count++;
      }
    }
  }
  return count === 0 ? [NaN, NaN] : [x / count, y / count];
}

/**
 * A point strictly inside the geometry (inside its largest part), for marking where a gap or overlap
 * is. JTS's InteriorPointArea: a horizontal scan line between two vertex heights near the middle of
 * the part, cut by the edges; the midpoint of the widest inside stretch. Unlike the centroid it is
 * inside concave shapes and slivers too. Falls back to the centroid for a degenerate part.
 */
export function pointOnSurface(geometry: AreaGeometry): Position {
  const polygons = polygonsOf(geometry);
  let best: Polygon | undefined;
  let bestArea = -1;
  for (const polygon of polygons) {
    const area = polygonAreaSquareMetres(polygon);
    if (area > bestArea) {
      best = polygon;
      bestArea = area;
    }
  }
  if (!best || best.length === 0 || best[0].length === 0) return centroidOf(geometry);
  const polygon: AreaGeometry = { type: 'Polygon', coordinates: best };
  const [, minY, , maxY] = bboxOf(polygon);
  const middle = (minY + maxY) / 2;
  let below = -Infinity;
  let above = Infinity;
  for (const ring of best) {
    for (const [, y] of ring) {
      if (y <= middle && y > below) below = y;
      if (y > middle && y < above) above = y;
    }
  }
  const scanY = above === Infinity || below === -Infinity ? middle : (below + above) / 2;
  const crossings: number[] = [];
  for (const ring of best) {
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [ax, ay] = ring[j];
      const [bx, by] = ring[i];
      if (ay > scanY !== by > scanY) crossings.push(ax + ((scanY - ay) * (bx - ax)) / (by - ay));
    }
  }
  crossings.sort((a, b) => a - b);
  let widest = -1;
  let candidate: Position | undefined;
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const width = crossings[i + 1] - crossings[i];
    if (width > widest) {
      widest = width;
      candidate = [(crossings[i] + crossings[i + 1]) / 2, scanY];
    }
  }
  if (candidate && pointInPolygon(candidate, best) === 'inside') return candidate;
  return centroidOf(polygon);
}

// ---------------------------------------------------------------------------------------------------
// Ring validity
// ---------------------------------------------------------------------------------------------------

export type RingProblemKind =
  'invalid_position' | 'unclosed_ring' | 'too_few_positions' | 'self_intersection' | 'zero_area' | 'hole_outside_outer_ring';

export interface RingProblem {
  problem: RingProblemKind;
  at: Position;
}

/**
 * Everything that makes a geometry unusable as an org unit's boundary, each with where it is, so an
 * import report can point at it: a position that is not a finite longitude/latitude, a ring whose last
 * position is not its first, fewer than 4 positions, edges that cross or touch (within a ring, or
 * crossing between rings of one polygon; rings may touch at single points), a ring with no area, and a
 * hole not inside its outer ring. An empty list means valid.
 */
export function ringProblems(geometry: AreaGeometry): RingProblem[] {
  const problems: RingProblem[] = [];
  const polygons = polygonsOf(geometry);
  for (const polygon of polygons) {
    const usable: Ring[] = [];
    for (const ring of polygon) {
      const bad = ring.find(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90);
      if (bad) {
        problems.push({ problem: 'invalid_position', at: bad });
        continue;
      }
      if (ring.length === 0) {
        problems.push({ problem: 'too_few_positions', at: [NaN, NaN] });
        continue;
      }
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) problems.push({ problem: 'unclosed_ring', at: last });
      const distinct = withoutRepeats(ring);
      if (distinct.length < 3 || ring.length < 4) {
        problems.push({ problem: 'too_few_positions', at: first });
        continue;
      }
      // A ring on one line folds back on itself too; "no area" is the more useful thing to say.
      if (isCollinear(distinct)) problems.push({ problem: 'zero_area', at: first });
      else {
        const crossing = selfIntersection(distinct);
        if (crossing) problems.push({ problem: 'self_intersection', at: crossing });
      }
      usable.push(ring);
    }
    if (usable.length !== polygon.length || usable.length < 2) continue;
    const outer = usable[0];
    for (const hole of usable.slice(1)) {
      const away = hole.find((p) => pointInRing(p, outer) === 'outside');
      if (away) problems.push({ problem: 'hole_outside_outer_ring', at: away });
    }
    for (let i = 0; i < usable.length; i++) {
      for (let j = i + 1; j < usable.length; j++) {
        const at = ringsCross(withoutRepeats(usable[i]), withoutRepeats(usable[j]));
        if (at) problems.push({ problem: 'self_intersection', at });
      }
    }
  }
  return problems;
}

/** The ring's positions without the closing repeat and without consecutive duplicates. */
function withoutRepeats(ring: Ring): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const previous = out[out.length - 1];
    if (!previous || previous[0] !== p[0] || previous[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
}

function isCollinear(points: Position[]): boolean {
  const [a, b] = points;
  return points.every((c) => orient2d(a[0], a[1], b[0], b[1], c[0], c[1]) === 0);
}

interface Segment {
  a: Position;
  b: Position;
  minX: number;
  maxX: number;
  /** Position in its ring, to recognise neighbours. */
  index: number;
}

function segmentsOf(points: Position[]): Segment[] {
  return points.map((a, index) => {
    const b = points[(index + 1) % points.length];
    return { a, b, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]), index };
  });
}

/**
 * Pairs of segments whose x-ranges overlap, by a sweep over x, instead of all n² pairs: a district
 * outline with thousands of vertices then costs little more than sorting them.
 */
function* sweepPairs(first: Segment[], second: Segment[] | null): Generator<[Segment, Segment]> {
  const tagged = [...first.map((s) => ({ s, side: 0 })), ...(second ?? []).map((s) => ({ s, side: 1 }))];
  tagged.sort((p, q) => p.s.minX - q.s.minX);
  let active: typeof tagged = [];
  for (const current of tagged) {
    active = active.filter((other) => other.s.maxX >= current.s.minX);
    for (const other of active) {
      if (second === null || other.side !== current.side) yield other.side <= current.side ? [other.s, current.s] : [current.s, other.s];
    }
    active.push(current);
  }
}

/** The first place where the ring touches or crosses itself, other than neighbours sharing their vertex. */
function selfIntersection(points: Position[]): Position | null {
  const n = points.length;
  for (const [s, t] of sweepPairs(segmentsOf(points), null)) {
    const gap = Math.abs(s.index - t.index);
    if (gap === 1 || gap === n - 1) {
      // Neighbours share one vertex; they are wrong only if they fold back over each other (a spike).
      const spike = foldsBack(s, t);
      if (spike) return spike;
      continue;
    }
    const at = segmentContact(s.a, s.b, t.a, t.b);
    if (at) return at;
  }
  return null;
}

/** Whether `middle` lies within the bounding box of `p` and `q` (on their line, between them). */
function isBetween(p: Position, q: Position, middle: Position): boolean {
  return (
    Math.min(p[0], q[0]) <= middle[0] &&
    middle[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= middle[1] &&
    middle[1] <= Math.max(p[1], q[1])
  );
}

/** For two consecutive edges, the shared vertex if the second runs back along the first. */
function foldsBack(s: Segment, t: Segment): Position | null {
  const [shared, before, after] = samePoint(s.b, t.a) ? [s.b, s.a, t.b] : [s.a, s.b, t.a];
  if (orient2d(before[0], before[1], shared[0], shared[1], after[0], after[1]) !== 0) return null;
  // Collinear: a straight continuation puts `shared` between the two other ends; a spike does not.
  return isBetween(before, after, shared) ? null : shared;
}

/** Where two rings of one polygon cross, or overlap along an edge; touching at a point is allowed. */
function ringsCross(first: Position[], second: Position[]): Position | null {
  for (const [s, t] of sweepPairs(segmentsOf(first), segmentsOf(second))) {
    const o1 = orient2d(s.a[0], s.a[1], s.b[0], s.b[1], t.a[0], t.a[1]);
    const o2 = orient2d(s.a[0], s.a[1], s.b[0], s.b[1], t.b[0], t.b[1]);
    const o3 = orient2d(t.a[0], t.a[1], t.b[0], t.b[1], s.a[0], s.a[1]);
    const o4 = orient2d(t.a[0], t.a[1], t.b[0], t.b[1], s.b[0], s.b[1]);
    if (o1 * o2 < 0 && o3 * o4 < 0) return crossingPoint(s.a, s.b, t.a, t.b);
    if (o1 === 0 && o2 === 0) {
      // Collinear: an overlap longer than a point shares an edge between the rings.
      const inner = [t.a, t.b, s.a, s.b].filter((p, i) => (i < 2 ? onSegmentOpen(s.a, s.b, p) : onSegmentOpen(t.a, t.b, p)));
      if (inner.length > 0) return inner[0];
      if (samePoint(s.a, t.a) && samePoint(s.b, t.b)) return s.a;
      if (samePoint(s.a, t.b) && samePoint(s.b, t.a)) return s.a;
    }
  }
  return null;
}

function samePoint(p: Position, q: Position): boolean {
  return p[0] === q[0] && p[1] === q[1];
}

/** c strictly inside the segment a–b (not an end). */
function onSegmentOpen(a: Position, b: Position, c: Position): boolean {
  return !samePoint(a, c) && !samePoint(b, c) && orient2d(a[0], a[1], b[0], b[1], c[0], c[1]) === 0 && isBetween(a, b, c);
}

/** A point two non-neighbouring segments share, or null: proper crossings, touches and overlaps alike. */
function segmentContact(a: Position, b: Position, c: Position, d: Position): Position | null {
  const o1 = orient2d(a[0], a[1], b[0], b[1], c[0], c[1]);
  const o2 = orient2d(a[0], a[1], b[0], b[1], d[0], d[1]);
  const o3 = orient2d(c[0], c[1], d[0], d[1], a[0], a[1]);
  const o4 = orient2d(c[0], c[1], d[0], d[1], b[0], b[1]);
  if (o1 * o2 < 0 && o3 * o4 < 0) return crossingPoint(a, b, c, d);
  if (o1 === 0 && isBetween(a, b, c)) return c;
  if (o2 === 0 && isBetween(a, b, d)) return d;
  if (o3 === 0 && isBetween(c, d, a)) return a;
  if (o4 === 0 && isBetween(c, d, b)) return b;
  return null;
}

function crossingPoint(a: Position, b: Position, c: Position, d: Position): Position {
  const denominator = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
  const t = ((c[0] - a[0]) * (d[1] - c[1]) - (c[1] - a[1]) * (d[0] - c[0])) / denominator;
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

/**
 * Metres between two WGS-84 points, on the local tangent plane: within a district (tens of
 * kilometres) the error is far below a household's size, and it is cheap enough to sort by.
 */
export function distanceMetres(a: Position, b: Position): number {
  const metresPerDegree = 111_320;
  const dx = (b[0] - a[0]) * metresPerDegree * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  const dy = (b[1] - a[1]) * metresPerDegree;
  return Math.hypot(dx, dy);
}
