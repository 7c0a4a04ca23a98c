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

/** Where a case stands in the case workflow (`src/modules/cases/cases.workflow.ts`). */
export type CaseState =
  | 'reported'
  | 'verified'
  | 'refused'
  | 'filed'
  | 'returned'
  | 'dispatched'
  | 'extension_requested'
  | 'parking_requested'
  | 'parked'
  | 'fed_back'
  | 'closed'
  | 'evaluated';

export type LimitUnit = 'urgent_hours' | 'working_hours' | 'working_days' | 'calendar_days';

/** A time limit: an amount of one of the four units (DOMAIN.md §4). */
export interface Limit {
  amount: number;
  unit: LimitUnit;
}

/** A case as lists show it (`GET /api/cases`); the caller's name and contact come masked. */
export interface CaseSummary {
  id: string;
  source: 'worker' | 'staff' | 'hotline' | 'open311' | 'resident';
  state: CaseState;
  categoryCode: string;
  categoryName: string;
  conditionCode: string | null;
  public: boolean;
  areaCode: string;
  /** WGS-84, as stored. */
  location: { lng: number; lat: number } | null;
  address: string;
  description: string;
  attachments: string[];
  reporterUserId: string | null;
  reporterName: string | null;
  reporterContact: string | null;
  leadDepartment: string | null;
  stageStartedAt: string;
  /** When the current stage is due (null: no clock, e.g. parked or closed). */
  stageDueAt: string | null;
  /** Past its stage deadline and still open, when the server answered. */
  overdue: boolean;
  rung: number;
  handlingDueAt: string | null;
  dispatchedAt: string | null;
  handledAt: string | null;
  closedAt: string | null;
  closureType: 'normal' | 'overdue' | 'error' | 'special' | null;
  solved: boolean | null;
  satisfied: boolean | null;
  createdAt: string;
  updatedAt: string;
  /** Sent back with an action: a stale one gets 409. */
  version: number;
}

export interface CaseHandler {
  departmentCode: string;
  role: 'lead' | 'co';
  dispatchedAt: string;
  doneAt: string | null;
}

/** One step on a case's timeline. */
export interface CaseEvent {
  id: string;
  action: string;
  fromState: string;
  toState: string;
  /** The account's user name (or the system's name for escalations). */
  actorLabel: string;
  actorRole: string;
  unitCode: string | null;
  note: string | null;
  details: Record<string, unknown>;
  /** The stage deadline after this step. */
  deadline: string | null;
  at: string;
}

/** `GET /api/cases/:id`: the case, who works it, its timeline and what the caller may do now. */
export interface CaseDetail extends CaseSummary {
  handlers: CaseHandler[];
  events: CaseEvent[];
  allowedActions: string[];
}

export interface CaseCondition {
  code: string;
  name: string;
  limit: Limit;
  closing: string;
  version: number;
}

export interface CaseCategory {
  code: string;
  name: string;
  public: boolean;
  active: boolean;
  version: number;
}

/** `GET /api/cases/catalogue`: majors (大类) → leaves (小类) → filing conditions (立案条件). */
export interface CaseCatalogue {
  majors: (CaseCategory & { leaves: (CaseCategory & { conditions: CaseCondition[] })[] })[];
}

/** `GET /api/cases/nearby`: open cases of the same category within 100 m (the duplicate hint). */
export interface NearbyCase {
  id: string;
  state: string;
  address: string;
  description: string;
  distanceMetres: number;
  createdAt: string;
}

/** `GET /api/org/locate`: the point in WGS-84 and the units holding it, district first, micro-grid last. */
export interface OrgLocation {
  point: Position;
  path: OrgUnit[];
}

/** `POST /api/cases`: a point or an area unit; `attachments` are photo references from `POST /api/files`. */
export interface NewCase {
  categoryCode: string;
  description: string;
  location?: { lng: number; lat: number; crs: 'wgs84' | 'gcj02' | 'bd09' };
  areaCode?: string;
  address?: string;
  attachments?: string[];
}

/** `POST /api/cases/:id/actions`: the action, the version seen, and the fields that action needs. */
export interface CaseActionInput {
  action: string;
  version: number;
  note?: string;
  categoryCode?: string;
  conditionCode?: string;
  leadDepartment?: string;
  coHandlers?: string[];
  extension?: Limit;
  closureType?: 'error' | 'special';
  solved?: boolean;
  satisfied?: boolean;
}
