import { badRequest } from '../../platform/http/errors.ts';
import type { UnitImportRow } from '../org/commands/importUnits.ts';
import { isCrs, type Crs } from '../org/org.crs.ts';
import type { AreaGeometry } from '../org/org.geometry.ts';
import { PROBLEMS, type Problem } from './transfer.problems.ts';
import type { RowProblem } from './transfer.workbook.ts';

/**
 * Boundaries as GeoJSON (边界): a FeatureCollection of Polygons or MultiPolygons, each feature's
 * `properties.code` naming its unit and `properties.name` optional. Coordinates are WGS-84 as
 * GeoJSON means, unless the collection (or the caller) says `crs: "gcj02"` or `"bd09"`, as boundaries
 * traced on AMap or Baidu are.
 */
export const GEOJSON_SHEET = 'GeoJSON';

export interface BoundaryRow {
  /** The feature's 1-based position in the collection. */
  row: number;
  code: string;
  name: string | null;
  geometry: AreaGeometry;
  crs: Crs;
}

export function parseBoundaries(body: unknown, defaultCrs: Crs | undefined): { rows: BoundaryRow[]; problems: RowProblem[] } {
  const collection = body as { type?: unknown; features?: unknown; crs?: unknown } | null;
  if (!collection || typeof collection !== 'object' || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    throw badRequest('transfer.not_geojson', 'A GeoJSON FeatureCollection of boundaries is expected.');
  }
  const fileCrs = crsOf(collection.crs) ?? defaultCrs ?? 'wgs84';
  const rows: BoundaryRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  collection.features.forEach((feature: unknown, i: number) => {
    const row = i + 1;
    const report = (column: string, problem: Problem) => problems.push({ sheet: GEOJSON_SHEET, row, column, ...problem });
    const f = feature as {
      type?: unknown;
      properties?: Record<string, unknown> | null;
      geometry?: { type?: unknown; coordinates?: unknown } | null;
    };
    const properties = f?.properties ?? {};
    const code = typeof properties.code === 'number' && Number.isSafeInteger(properties.code) ? String(properties.code) : properties.code;
    if (f?.type !== 'Feature') return report('type', PROBLEMS.notFeature());
    if (typeof code !== 'string' || !/^\d+$/.test(code.trim())) return report('code', PROBLEMS.featureCode());
    const name = typeof properties.name === 'string' && properties.name.trim() ? properties.name.trim() : null;
    const geometry = f.geometry;
    if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') || !Array.isArray(geometry.coordinates)) {
      return report('geometry', PROBLEMS.geometryType());
    }
    if (!coordinatesWellFormed(geometry.coordinates, geometry.type === 'Polygon' ? 3 : 4)) {
      return report('geometry', PROBLEMS.geometryMalformed());
    }
    const first = seen.get(code.trim());
    if (first !== undefined) return report('code', PROBLEMS.duplicateFeature(first));
    seen.set(code.trim(), row);
    const featureCrs = crsOf(properties.crs) ?? fileCrs;
    rows.push({ row, code: code.trim(), name, geometry: geometry as AreaGeometry, crs: featureCrs });
  });
  return { rows, problems };
}

/** `"gcj02"`, or the GeoJSON 2008 named CRS object (only CRS84 / EPSG:4326, i.e. WGS-84, is known). */
function crsOf(value: unknown): Crs | undefined {
  if (value === undefined || value === null) return undefined;
  if (isCrs(value)) return value;
  const name = (value as { properties?: { name?: unknown } })?.properties?.name;
  if (typeof name === 'string' && /CRS84|4326/.test(name)) return 'wgs84';
  throw badRequest('transfer.unknown_crs', 'The coordinate system must be wgs84, gcj02 or bd09.', { crs: value });
}

/** Nested arrays of the right depth ending in pairs of finite numbers. */
function coordinatesWellFormed(value: unknown, depth: number): boolean {
  if (!Array.isArray(value)) return false;
  if (depth === 1) return value.length >= 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n));
  return value.length > 0 && value.every((inner) => coordinatesWellFormed(inner, depth - 1));
}

/** The rows importUnits takes; a unit without a name in the file keeps the one it has. */
export function boundaryImportRows(rows: BoundaryRow[], names: Map<string, string>): UnitImportRow[] {
  return rows.map((r) => ({ code: r.code, name: r.name ?? names.get(r.code) ?? '', geometry: r.geometry, crs: r.crs }));
}
