import { polygonsOf, type AreaGeometry, type Position } from './org.geometry.ts';

/**
 * Boundaries thinned for drawing at a map zoom level. Positions are snapped to a grid of half a
 * screen pixel at that zoom; repeats and points in a straight line with their neighbours are dropped.
 * Snapping (rather than Douglas-Peucker per polygon) keeps neighbours seamless on screen: a vertex
 * they share lands on the same grid point in both, so no slivers open between micro-grids. Rings
 * that collapse below a triangle are left out.
 */
export function simplifyForZoom(geometry: AreaGeometry, zoom: number): AreaGeometry | null {
  // A Web-Mercator tile is 256 px wide and spans 360°/2^zoom of longitude.
  const step = 360 / (512 * 2 ** zoom);
  const kept: Position[][][] = [];
  for (const polygon of polygonsOf(geometry)) {
    // A part whose outer ring collapses is too small to see, holes and all.
    const outer = snapRing(polygon[0], step);
    if (!outer) continue;
    const holes = polygon.slice(1).map((ring) => snapRing(ring, step));
    kept.push([outer, ...holes.filter((ring): ring is Position[] => ring !== null)]);
  }
  if (kept.length === 0) return null;
  return kept.length === 1 ? { type: 'Polygon', coordinates: kept[0] } : { type: 'MultiPolygon', coordinates: kept };
}

function snapRing(ring: Position[], step: number): Position[] | null {
  // Work in whole grid steps, so "same point" and "in a straight line" are exact integer questions.
  const grid: [number, number][] = [];
  for (const [lng, lat] of ring.slice(0, -1)) {
    const point: [number, number] = [Math.round(lng / step), Math.round(lat / step)];
    const last = grid[grid.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) grid.push(point);
  }
  while (grid.length > 1 && same(grid[0], grid[grid.length - 1])) grid.pop();
  const corners = grid.filter((point, i) => !straight(grid[(i - 1 + grid.length) % grid.length], point, grid[(i + 1) % grid.length]));
  // A ring needs three corners to enclose anything.
  if (corners.length < 3) return null;
  const positions = corners.map(([x, y]): Position => [toDegrees(x, step), toDegrees(y, step)]);
  return [...positions, positions[0]];
}

function same(a: [number, number], b: [number, number]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** True when b lies on the straight line through a and c: it adds nothing to the drawing. */
function straight(a: [number, number], b: [number, number], c: [number, number]): boolean {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) === 0;
}

/** Back to degrees, rounded to 7 decimals (1 cm) so the JSON carries no float noise. */
function toDegrees(steps: number, step: number): number {
  return Math.round(steps * step * 1e7) / 1e7;
}
