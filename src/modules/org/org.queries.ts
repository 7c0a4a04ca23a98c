import type { Actor } from '../../platform/authz/actor.ts';
import { scopePrefixes } from '../../platform/authz/actor.ts';
import { can } from '../../platform/authz/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { notFound, unprocessable } from '../../platform/http/errors.ts';
import {
  countChildren,
  countUnitsByLevel,
  findDistrict,
  findUnit,
  findUnitHeader,
  findUnitsByCode,
  listBoundariesUnder,
  listChildren,
  listUnitsAtLevel,
  listTopUnits,
  unitsStamp,
  type OrgUnit,
  type OrgUnitHeader,
} from './org.repository.ts';
import { childLevel } from './org.codes.ts';
import { AREA_LEVELS, type AreaLevel, type OrgLevel } from './org.tables.ts';
import type { OrgNodeView, OrgUnitView } from './org.schemas.ts';
import { toWgs84, type Crs } from './org.crs.ts';
import { bboxOf, distanceMetres, type AreaGeometry, type BBox, type Position } from './org.geometry.ts';
import { simplifyForZoom } from './org.simplify.ts';
import { microgridIndexOf } from './org.spatialIndex.ts';

/** Read side of the org module, for routes and for other modules. */

export function presentUnit(unit: OrgUnitHeader): OrgUnitView {
  return { code: unit.code, parentCode: unit.parent_code, name: unit.name, level: unit.level, version: unit.version };
}

/** A unit the actor may see, or 404 (a unit outside the scope is not acknowledged to exist). */
export async function getVisibleUnit(db: Db, actor: Actor, code: string): Promise<OrgUnit> {
  const unit = await findUnit(db, code);
  if (!unit || !can(actor, 'org.read', unit)) throw notFound('org_unit', code);
  return unit;
}

/**
 * The roots of the actor's scope with their children, one level deep; deeper levels load on demand
 * through `childrenOf`, since a district holds thousands of micro-grids.
 */
export async function scopeTree(db: Db, actor: Actor): Promise<OrgNodeView[]> {
  const topUnits = await scopeRoots(db, actor);
  return Promise.all(
    topUnits.map(async (unit) => {
      const children = await childNodes(db, unit.code);
      return { ...presentUnit(unit), hasChildren: children.length > 0, children };
    }),
  );
}

export async function childrenOf(db: Db, actor: Actor, code: string): Promise<OrgNodeView[]> {
  await getVisibleUnit(db, actor, code);
  return childNodes(db, code);
}

/** The units at the top of a scope: its unit, a worker's micro-grids, or (system) the tree's tops. */
function scopeRoots(db: Db, actor: Actor): Promise<OrgUnit[]> {
  const prefixes = scopePrefixes(actor.scope);
  return prefixes.length === 1 && prefixes[0] === '' ? listTopUnits(db) : findUnitsByCode(db, prefixes);
}

async function childNodes(db: Db, code: string): Promise<OrgNodeView[]> {
  const children = await listChildren(db, code);
  const counts = await countChildren(
    db,
    children.map((child) => child.code),
  );
  return children.map((child) => ({ ...presentUnit(child), hasChildren: counts.has(child.code), children: [] }));
}

/** A unit by code, regardless of scope: for other modules validating a code they were given. */
export async function lookupUnit(db: Db, code: string): Promise<OrgUnitView | undefined> {
  const unit = await findUnitHeader(db, code);
  return unit && presentUnit(unit);
}

/** The installation's district, if it has been set up. */
export async function installedDistrict(db: Db): Promise<OrgUnitView | undefined> {
  const district = await findDistrict(db);
  return district && presentUnit(district);
}

export interface Location {
  /** The point in WGS-84, as stored and drawn. */
  point: Position;
  /** The micro-grid and every unit above it, district first. */
  path: OrgUnitView[];
}

/**
 * "Which micro-grid is this point in, and its grid, community, subdistrict?" (DOMAIN.md §3).
 * GCJ-02 and BD-09 input (Chinese phones and maps) is converted first. Null outside every micro-grid.
 */
export async function locatePoint(db: Db, point: Position, crs: Crs): Promise<Location | null> {
  const wgs84 = toWgs84(point, crs);
  const code = await microgridIndexOf(db).locate(wgs84);
  if (!code) return null;
  const path = await findUnitsByCode(db, ancestorCodes(code));
  return { point: wgs84, path: path.map(presentUnit) };
}

/** A code and all its prefixes; since a code is its path, the prefixes that exist are its ancestors. */
function ancestorCodes(code: string): string[] {
  const codes: string[] = [];
  for (let current = code; current.length > 0; current = current.slice(0, -1)) codes.push(current);
  return codes;
}

export interface UnitFeature {
  type: 'Feature';
  id: string;
  properties: { code: string; name: string; level: OrgUnitView['level']; parentCode: string | null };
  geometry: AreaGeometry;
}

export interface MapRequest {
  within: string;
  zoom: number;
  /** Draw the units of this level under `within`; by default its children. */
  level?: AreaLevel;
}

/**
 * Units under `within` as GeoJSON for the map (its children, or every unit of `level` under it, e.g.
 * all 2,589 micro-grids of a district), thinned for the zoom (org.simplify.ts), with the bounding box
 * to fit the view; only units inside the actor's scope (a worker sees their own). Returned as UTF-8 JSON:
 * the whole collection is cached per (within, level, zoom) until the org tree changes (MapCache), so a
 * district's micro-grids are parsed, thinned and stringified once, not on every request.
 */
export async function unitsMap(db: Db, actor: Actor, request: MapRequest): Promise<Buffer> {
  const unit = await getVisibleUnit(db, actor, request.within);
  const level = request.level ?? childLevel(unit.level);
  if (request.level && AREA_LEVELS.indexOf(request.level) <= AREA_LEVELS.indexOf(unit.level as AreaLevel)) {
    throw unprocessable('org.map_level', `Level ${request.level} is not below the ${unit.level} ${unit.code}.`, { level: request.level });
  }
  if (!level) return Buffer.from(JSON.stringify(featureCollection([])));
  const drawn = await mapCacheOf(db).get(request.within, level, request.zoom);
  const visible = drawn.features.filter((f) => can(actor, 'org.read', { code: f.id, level: f.properties.level }));
  return visible.length === drawn.features.length ? drawn.json : Buffer.from(JSON.stringify(featureCollection(visible)));
}

interface DrawnMap {
  features: UnitFeature[];
  /** The whole collection as UTF-8 JSON, encoded once: megabytes that are otherwise re-encoded per request. */
  json: Buffer;
}

/**
 * Drawn maps of one database, per (within, level, zoom), dropped whenever the org tree's stamp
 * changes (a unit added, renamed or redrawn; read on every request, from an index). At most
 * MAP_CACHE_ENTRIES are kept, the oldest dropped first; concurrent requests share one drawing.
 */
class MapCache {
  private stamp = '';
  private readonly drawn = new Map<string, Promise<DrawnMap>>();

  constructor(private readonly db: Db) {}

  async get(within: string, level: AreaLevel, zoom: number): Promise<DrawnMap> {
    const stamp = await unitsStamp(this.db);
    if (stamp !== this.stamp) {
      this.drawn.clear();
      this.stamp = stamp;
    }
    const key = `${within}/${level}/${zoom}`;
    let map = this.drawn.get(key);
    if (!map) {
      map = drawMap(this.db, within, level, zoom);
      map.catch(() => this.drawn.delete(key));
      this.drawn.set(key, map);
      if (this.drawn.size > MAP_CACHE_ENTRIES) this.drawn.delete(this.drawn.keys().next().value!);
    }
    return map;
  }
}

const MAP_CACHE_ENTRIES = 32;
const mapCaches = new WeakMap<Db, MapCache>();

function mapCacheOf(db: Db): MapCache {
  let cache = mapCaches.get(db);
  if (!cache) mapCaches.set(db, (cache = new MapCache(db)));
  return cache;
}

async function drawMap(db: Db, within: string, level: AreaLevel, zoom: number): Promise<DrawnMap> {
  const units = await listBoundariesUnder(db, within, level);
  const features: UnitFeature[] = [];
  for (const unit of units) {
    const geometry = simplifyForZoom(JSON.parse(unit.geometry!) as AreaGeometry, zoom);
    if (!geometry) continue;
    const properties = { code: unit.code, name: unit.name, level: unit.level, parentCode: unit.parent_code };
    features.push({ type: 'Feature', id: unit.code, properties, geometry });
  }
  return { features, json: Buffer.from(JSON.stringify(featureCollection(features))) };
}

function featureCollection(features: UnitFeature[]): { type: 'FeatureCollection'; bbox: BBox | null; features: UnitFeature[] } {
  return { type: 'FeatureCollection', bbox: features.length ? unionBbox(features.map((f) => bboxOf(f.geometry))) : null, features };
}

function unionBbox(boxes: BBox[]): BBox {
  return boxes.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
}

export type AreaCounts = Record<'district' | 'subdistrict' | 'community' | 'grid' | 'microgrid', number>;

/** Units of each area level inside the actor's scope (departments are not areas). */
export async function areaCounts(db: Db, actor: Actor): Promise<AreaCounts> {
  const byLevel = actor.scope.kind === 'department' ? new Map<string, number>() : await countUnitsByLevel(db, scopePrefixes(actor.scope));
  const of = (level: keyof AreaCounts) => byLevel.get(level) ?? 0;
  return {
    district: of('district'),
    subdistrict: of('subdistrict'),
    community: of('community'),
    grid: of('grid'),
    microgrid: of('microgrid'),
  };
}

/** The units of one level under a unit, regardless of scope (the caller has checked it), for rankings. */
export function unitsAtLevel(db: Db, within: string, level: OrgLevel): Promise<{ code: string; name: string }[]> {
  return listUnitsAtLevel(db, within, level);
}

/** The departments of a district (units outside the area tree that cases are dispatched to). */
export async function departmentsOf(db: Db, districtCode: string): Promise<OrgUnitView[]> {
  const children = await listChildren(db, districtCode);
  return children.filter((unit) => unit.level === 'department').map(presentUnit);
}

/** Units by code, regardless of scope, for other modules validating many codes at once. */
export async function lookupUnits(db: Db, codes: string[]): Promise<Map<string, OrgUnitView>> {
  const units = await findUnitsByCode(db, [...new Set(codes)]);
  return new Map(units.map((unit) => [unit.code, presentUnit(unit)]));
}

export interface NearbyMicrogrid {
  code: string;
  name: string;
  centroid: Position | null;
  /** From the centre of the micro-grid asked about; null when either has no boundary. */
  distanceMetres: number | null;
}

/**
 * A micro-grid and its sibling micro-grids of the same grid, nearest first, for choosing a worker
 * who lives in it or next to it (联近). Scope is the caller's business: this only reads the tree.
 */
export async function microgridNeighbourhood(db: Db, code: string): Promise<{ self: NearbyMicrogrid; siblings: NearbyMicrogrid[] } | null> {
  const unit = await findUnit(db, code);
  if (unit?.level !== 'microgrid' || !unit.parent_code) return null;
  const centre = centroidOfUnit(unit);
  const near = (other: OrgUnit): NearbyMicrogrid => {
    const at = centroidOfUnit(other);
    return { code: other.code, name: other.name, centroid: at, distanceMetres: centre && at ? distanceMetres(centre, at) : null };
  };
  const siblings = (await listChildren(db, unit.parent_code))
    .filter((other) => other.level === 'microgrid' && other.code !== code)
    .map(near)
    .sort((a, b) => (a.distanceMetres ?? Infinity) - (b.distanceMetres ?? Infinity));
  return { self: near(unit), siblings };
}

function centroidOfUnit(unit: OrgUnit): Position | null {
  return unit.centroid_lng === null || unit.centroid_lat === null ? null : [unit.centroid_lng, unit.centroid_lat];
}
