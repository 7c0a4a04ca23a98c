import { describe, expect, it } from 'vitest';
import { fromWgs84, geometryToWgs84, isCrs, toWgs84 } from '../../../src/modules/org/org.crs.ts';
import { pointInGeometry, type AreaGeometry, type Position } from '../../../src/modules/org/org.geometry.ts';

/** Great-circle distance in metres (mean Earth radius): plenty for "how far off is the map". */
function metresBetween([lng1, lat1]: Position, [lng2, lat2]: Position): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** A household's door in Macun as GPS (WGS-84) sees it. */
const door: Position = [113.32, 35.27];

describe('input coordinate systems (坐标系)', () => {
  it('a phone’s GCJ-02 report near Macun is a few hundred metres from the WGS-84 truth', () => {
    const reportedByPhone = fromWgs84(door, 'gcj02');
    const offset = metresBetween(door, reportedByPhone);
    expect(offset).toBeGreaterThan(300);
    expect(offset).toBeLessThan(800);
    // Taking it as WGS-84 would misplace it by that much; converting brings it back within a metre.
    expect(metresBetween(toWgs84(reportedByPhone, 'gcj02'), door)).toBeLessThan(1);
  });

  it('the known GCJ-02 offset at 113.32°E 35.27°N: about +0.0065° east and -0.0004° north', () => {
    const [lng, lat] = fromWgs84(door, 'gcj02');
    expect(lng - door[0]).toBeCloseTo(0.0065, 3);
    expect(lat - door[1]).toBeCloseTo(-0.0004, 3);
  });

  it('BD-09 (Baidu) round-trips within a metre too, and is further off than GCJ-02', () => {
    const baidu = fromWgs84(door, 'bd09');
    expect(metresBetween(door, baidu)).toBeGreaterThan(metresBetween(door, fromWgs84(door, 'gcj02')));
    expect(metresBetween(toWgs84(baidu, 'bd09'), door)).toBeLessThan(1);
  });

  it('WGS-84 input is taken as it is (a copy)', () => {
    const converted = toWgs84(door, 'wgs84');
    expect(converted).toEqual(door);
    expect(converted).not.toBe(door);
  });

  it('round trips stay within 1 m across the district', () => {
    for (let i = 0; i <= 10; i++) {
      for (let j = 0; j <= 10; j++) {
        const p: Position = [113.22 + i * 0.02, 35.2 + j * 0.014];
        for (const crs of ['gcj02', 'bd09'] as const) expect(metresBetween(toWgs84(fromWgs84(p, crs), crs), p)).toBeLessThan(1);
      }
    }
  });

  it('a boundary drawn on a GCJ-02 map converts to WGS-84 with rings still closed and the input untouched', () => {
    const drawnOnAmap: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [113.3255, 35.2685],
          [113.3275, 35.2685],
          [113.3275, 35.2705],
          [113.3255, 35.2705],
          [113.3255, 35.2685],
        ],
      ],
    };
    const snapshot = JSON.stringify(drawnOnAmap);
    const stored = geometryToWgs84(drawnOnAmap, 'gcj02');
    expect(JSON.stringify(drawnOnAmap)).toBe(snapshot);
    const ring = stored.coordinates[0] as Position[];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    // The drawn block is about the door's GCJ-02 position; once stored, it holds the WGS-84 door.
    expect(pointInGeometry(fromWgs84(door, 'gcj02'), drawnOnAmap)).toBe('inside');
    expect(pointInGeometry(door, stored)).toBe('inside');
    expect(pointInGeometry(door, drawnOnAmap)).toBe('outside');
  });

  it('multi-part geometries convert part by part', () => {
    const parts: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [113.3, 35.26],
            [113.31, 35.26],
            [113.31, 35.27],
            [113.3, 35.26],
          ],
        ],
        [
          [
            [113.33, 35.26],
            [113.34, 35.26],
            [113.34, 35.27],
            [113.33, 35.26],
          ],
        ],
      ],
    };
    const stored = geometryToWgs84(parts, 'bd09');
    expect(stored.type).toBe('MultiPolygon');
    expect((stored.coordinates as Position[][][]).map((polygon) => polygon[0].length)).toEqual([4, 4]);
    expect(metresBetween((stored.coordinates as Position[][][])[1][0][0], [113.33, 35.26])).toBeGreaterThan(500);
  });

  it('outside China there is no offset to remove', () => {
    const paris: Position = [2.3522, 48.8566];
    expect(toWgs84(paris, 'gcj02')).toEqual(paris);
  });

  it('isCrs accepts the three names only', () => {
    expect(['wgs84', 'gcj02', 'bd09'].every(isCrs)).toBe(true);
    expect(isCrs('WGS84')).toBe(false);
    expect(isCrs(undefined)).toBe(false);
  });
});
