import gcoordModule from 'gcoord';
import type { AreaGeometry, Position } from './org.geometry.ts';

/**
 * Input coordinate systems (坐标系). Stored geometry is always WGS-84 (GPS, and what GeoJSON means).
 * Chinese phones and map SDKs (AMap, Tencent) report GCJ-02 (国测局坐标, the "Mars" offset), Baidu
 * reports BD-09; taken as WGS-84 either would put a report 300-700 m from where it happened around
 * Macun. So every position that enters the registry names its system and is converted here, once.
 */
export const CRS_VALUES = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof CRS_VALUES)[number];

/**
 * gcoord is CommonJS whose types say `export default`: under NodeNext TypeScript types the default
 * import as the module namespace (`.default` holds the API) while Node hands over `module.exports`
 * (the API itself). Accept either, so the types and every runtime (node, tsx, vitest) agree.
 */
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = 'transform' in gcoordModule ? (gcoordModule as unknown as Gcoord) : gcoordModule.default;

const GCOORD_CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

export function isCrs(value: unknown): value is Crs {
  return typeof value === 'string' && (CRS_VALUES as readonly string[]).includes(value);
}

/**
 * One position to WGS-84. GCJ-02 and BD-09 offsets are defined only inside China; gcoord leaves
 * positions outside it unchanged, as the official algorithm does.
 */
export function toWgs84(position: Position, crs: Crs): Position {
  if (crs === 'wgs84') return [position[0], position[1]];
  const [lng, lat] = gcoord.transform([position[0], position[1]], GCOORD_CRS[crs], gcoord.WGS84);
  return [lng, lat];
}

/** The inverse, for showing stored positions on a GCJ-02 or BD-09 base map. */
export function fromWgs84(position: Position, crs: Crs): Position {
  if (crs === 'wgs84') return [position[0], position[1]];
  const [lng, lat] = gcoord.transform([position[0], position[1]], gcoord.WGS84, GCOORD_CRS[crs]);
  return [lng, lat];
}

/**
 * A whole geometry to WGS-84, as a new object: gcoord's own GeoJSON transform rewrites its input in
 * place, which would silently corrupt a caller's copy. A ring stays closed, since the same position
 * always converts to the same result.
 */
export function geometryToWgs84(geometry: AreaGeometry, crs: Crs): AreaGeometry {
  const ring = (positions: Position[]) => positions.map((p) => toWgs84(p, crs));
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map(ring)) };
}
