import { Delaunay } from 'd3-delaunay';
import polygonClipping from 'polygon-clipping';
import { createRandom } from '../../src/demo/random.ts';
import { pointInGeometry, type AreaGeometry, type Position, type Ring } from '../../src/modules/org/org.geometry.ts';

/**
 * A seamless synthetic tessellation for geometry tests: Voronoi cells of random sites clipped to an
 * irregular (concave) district outline of about 16 km × 12 km around 113.32°E 35.27°N.
 */
export function voronoiDistrict(
  seed: number,
  cells: number,
): { outline: Ring; district: AreaGeometry; cells: AreaGeometry[]; sites: Position[] } {
  const random = createRandom(`tessellation/${seed}`);
  const outline: Ring = [];
  for (let i = 0; i < 40; i++) {
    const angle = (2 * Math.PI * i) / 40;
    const radius = 0.6 + 0.4 * random.next();
    outline.push([113.32 + 0.09 * radius * Math.cos(angle), 35.27 + 0.055 * radius * Math.sin(angle)]);
  }
  outline.push(outline[0]);
  const district: AreaGeometry = { type: 'Polygon', coordinates: [outline] };
  const sites: Position[] = [];
  while (sites.length < cells) {
    const p: Position = [113.32 + (random.next() - 0.5) * 0.2, 35.27 + (random.next() - 0.5) * 0.12];
    if (pointInGeometry(p, district) === 'inside') sites.push(p);
  }
  const voronoi = Delaunay.from(sites).voronoi([113.2, 35.19, 113.44, 35.35]);
  const geometries = sites.map((_, i): AreaGeometry => {
    const clipped = polygonClipping.intersection([voronoi.cellPolygon(i) as Position[]], [outline]) as Position[][][];
    return clipped.length === 1 ? { type: 'Polygon', coordinates: clipped[0] } : { type: 'MultiPolygon', coordinates: clipped };
  });
  return { outline, district, cells: geometries, sites };
}

/** An axis-aligned box, for small hand-made layouts. */
export function box(west: number, south: number, east: number, north: number): AreaGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  };
}
