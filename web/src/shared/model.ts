/** The shapes the web apps read from the API (see /api/docs). */

export type Role =
  | 'microgrid_worker'
  | 'grid_staff'
  | 'community_admin'
  | 'subdistrict_admin'
  | 'department_staff'
  | 'enterprise_liaison'
  | 'project_officer'
  | 'district_admin'
  | 'leader';

export type OrgLevel = 'district' | 'subdistrict' | 'community' | 'grid' | 'microgrid' | 'department';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export type Scope = { kind: 'unit'; code: string } | { kind: 'microgrids'; codes: string[] } | { kind: 'department'; code: string };

export interface Me {
  user: User;
  scope: Scope;
  csrfToken?: string;
}

export interface LoginAnswer {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: User;
}

export interface OrgUnit {
  code: string;
  parentCode: string | null;
  name: string;
  level: OrgLevel;
  version: number;
}

export interface OrgNode extends OrgUnit {
  hasChildren: boolean;
  children: OrgNode[];
}

/** A longitude, latitude pair in WGS-84 degrees (GeoJSON order). */
export type Position = [number, number];

export type AreaGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** One unit's boundary on the map (`GET /api/org/map`), thinned for the requested zoom. */
export interface UnitFeature {
  type: 'Feature';
  id: string;
  properties: { code: string; name: string; level: OrgLevel; parentCode: string | null };
  geometry: AreaGeometry;
}

/** The children of `within` that have a boundary; `bbox` is [minLng, minLat, maxLng, maxLat], null when there are none. */
export interface UnitFeatureCollection {
  type: 'FeatureCollection';
  bbox: [number, number, number, number] | null;
  features: UnitFeature[];
}
