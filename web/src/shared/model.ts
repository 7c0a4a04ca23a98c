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

/** Flags on a resident that change how they are looked after (the registry's fixed list). */
export type ResidentTag = 'living_alone' | 'elderly' | 'disabled' | 'orphan' | 'low_income' | 'party_member';

/** A resident as the API shows them by default: name 张*兰, phone 139****0001, ID number masked. */
export interface MaskedResident {
  id: string;
  householdId: string;
  microgridCode: string;
  name: string;
  gender: 'male' | 'female';
  birthYear: number | null;
  idNumber: string | null;
  phone: string | null;
  hasHealthNotes: boolean;
  tags: ResidentTag[];
  /** Sent back with an edit; a stale one gets 409. */
  version: number;
}

export interface Household {
  id: string;
  microgridCode: string;
  address: string;
  version: number;
  members: MaskedResident[];
}

/** One page of a cursor-paged list; `nextCursor` goes into `after=` for the next page, null on the last. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** `GET /api/org/summary`: counts over the whole signed-in scope. */
export interface ScopeSummary {
  district: number;
  subdistrict: number;
  community: number;
  grid: number;
  microgrid: number;
  workers: number;
  households: number;
  residents: number;
  microgridsWithoutWorker: number;
}

/** `POST /api/people/residents/:id/reveal`: only the fields asked for, in clear (null: not on record). */
export interface RevealAnswer {
  idNumber?: string | null;
  phone?: string | null;
  healthNotes?: string | null;
}

/** `GET /api/people/workers?unit=`: a micro-grid worker (微网格员), masked like every resident. */
export interface Worker {
  residentId: string;
  name: string;
  gender: 'male' | 'female';
  phone: string | null;
  householdId: string;
  /** The micro-grid the worker lives in. */
  livesIn: string;
  microgrids: string[];
  since: string;
  hasAccount: boolean;
  version: number;
}

export type CandidateReason = 'lives_here' | 'next_door' | 'party_member' | 'prime_age';

/** `GET /api/people/microgrids/:code/worker-candidates`: who could look after a micro-grid, best first. */
export interface WorkerCandidate {
  residentId: string;
  name: string;
  gender: 'male' | 'female';
  age: number;
  livesIn: string;
  distanceMetres: number | null;
  serving: number;
  reasons: CandidateReason[];
}

/** A resident as a form sends it (personal fields in clear, going in; the server masks them coming out). */
export interface ResidentInput {
  name: string;
  gender: 'male' | 'female';
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  healthNotes: string | null;
  tags: ResidentTag[];
}
