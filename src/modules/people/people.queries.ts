import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { can } from '../../platform/authz/policy.ts';
import { businessDate } from '../../platform/clock.ts';
import type { Platform } from '../../platform/context.ts';
import { forbidden, notFound, unprocessable } from '../../platform/http/errors.ts';
import { distanceMetres } from '../org/org.geometry.ts';
import { getVisibleUnit, microgridNeighbourhood } from '../org/org.queries.ts';
import { maskedResident, indexOf, type MaskedResident } from './people.personalData.ts';
import {
  countPeople,
  findResident,
  listHouseholds,
  listWorkerCandidates,
  listWorkersServing,
  residentsOfHouseholds,
  searchResidents,
  findHousehold,
  findWorker,
  type HouseholdRow,
  type ResidentRow,
  type ScopeCounts,
  type WorkerRow,
} from './people.repository.ts';

/** The read side of the people registry. Everything is masked; reveals go through revealResident. */

async function visibleUnit(platform: Platform, actor: Actor, code: string): Promise<void> {
  await getVisibleUnit(platform.database.db, actor, code);
  if (!can(actor, 'people.read', code)) throw forbidden('people.read');
}

export interface HouseholdView {
  id: string;
  microgridCode: string;
  address: string;
  version: number;
  members: MaskedResident[];
}

/** Households under a unit (a micro-grid, usually), with their members, a page at a time. */
export async function householdsUnder(
  platform: Platform,
  actor: Actor,
  unitCode: string,
  page: { after?: string; limit: number },
): Promise<{ items: HouseholdView[]; nextCursor: string | null }> {
  await visibleUnit(platform, actor, unitCode);
  const { db } = platform.database;
  const rows = await listHouseholds(db, scopePrefixes(actor.scope), unitCode, { ...page, limit: page.limit + 1 });
  const households = rows.slice(0, page.limit);
  const members = await residentsOfHouseholds(
    db,
    households.map((h) => h.id),
  );
  const items = households.map((h) => presentHousehold(platform, h, members));
  return { items, nextCursor: rows.length > page.limit ? households[households.length - 1].id : null };
}

export interface ResidentQuery {
  unit?: string;
  q?: string;
  idNumber?: string;
  phone?: string;
  after?: string;
  limit: number;
}

/** Residents inside the scope by name or address fragment, or by exact ID number or phone. */
export async function findResidents(
  platform: Platform,
  actor: Actor,
  query: ResidentQuery,
): Promise<{ items: MaskedResident[]; nextCursor: string | null }> {
  const scope = scopePrefixes(actor.scope);
  if (scope.length === 0) return { items: [], nextCursor: null };
  if (query.unit) await visibleUnit(platform, actor, query.unit);
  else if (!scope.every((code) => can(actor, 'people.read', code))) throw forbidden('people.read');
  const rows = await searchResidents(platform.database.db, {
    scope,
    unitCode: query.unit,
    // LIKE wildcards typed by a user match literally nowhere useful; dropping them keeps the pattern plain.
    text: query.q?.replace(/[%_\\]/g, '') || undefined,
    idNumberIndex: query.idNumber ? indexOf(platform, 'id_number', query.idNumber) : undefined,
    phoneIndex: query.phone ? indexOf(platform, 'phone', query.phone) : undefined,
    after: query.after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => maskedResident(platform, row)),
    nextCursor: rows.length > query.limit ? page[page.length - 1].id : null,
  };
}

export async function residentDetail(platform: Platform, actor: Actor, id: string): Promise<MaskedResident> {
  const row = await findResident(platform.database.db, id);
  if (!row || !can(actor, 'people.read', row.microgrid_code)) throw notFound('resident', id);
  return maskedResident(platform, row);
}

/** Households, residents and workers under the actor's scope. */
export function peopleCounts(platform: Platform, actor: Actor): Promise<ScopeCounts> {
  const prefixes = scopePrefixes(actor.scope);
  if (prefixes.length === 0 || actor.scope.kind === 'department') {
    return Promise.resolve({ households: 0, residents: 0, workers: 0, microgridsWithoutWorker: 0 });
  }
  return countPeople(platform.database.db, prefixes);
}

export interface WorkerView {
  residentId: string;
  name: string;
  gender: 'male' | 'female';
  phone: string | null;
  householdId: string;
  /** The micro-grid the worker lives in (联近: often, but not always, one they serve). */
  livesIn: string;
  microgrids: string[];
  since: string;
  hasAccount: boolean;
  version: number;
}

export function presentWorker(platform: Platform, worker: WorkerRow, resident: ResidentRow): WorkerView {
  const masked = maskedResident(platform, resident);
  return {
    residentId: worker.resident_id,
    name: masked.name,
    gender: masked.gender,
    phone: masked.phone,
    householdId: resident.household_id,
    livesIn: resident.microgrid_code,
    microgrids: worker.microgrids,
    since: worker.since,
    hasAccount: worker.user_id !== null,
    version: worker.version,
  };
}

/** A worker as just written by a command (which has checked the caller's scope). */
export async function workerDetail(platform: Platform, residentId: string): Promise<WorkerView> {
  const { db } = platform.database;
  const [worker, resident] = await Promise.all([findWorker(db, residentId), findResident(db, residentId)]);
  if (!worker || !resident) throw notFound('worker', residentId);
  return presentWorker(platform, worker, resident);
}

/** The workers looking after micro-grids under a unit, masked like every resident. */
export async function workersUnder(platform: Platform, actor: Actor, unitCode: string): Promise<WorkerView[]> {
  await visibleUnit(platform, actor, unitCode);
  const rows = await listWorkersServing(platform.database.db, scopePrefixes(actor.scope), unitCode);
  return rows.map(({ worker, resident }) => presentWorker(platform, worker, resident));
}

export type CandidateReason = 'lives_here' | 'next_door' | 'party_member' | 'prime_age';

export interface WorkerCandidateView {
  residentId: string;
  name: string;
  gender: 'male' | 'female';
  age: number;
  livesIn: string;
  /** From the micro-grid's centre to the candidate's building (or home micro-grid's centre). */
  distanceMetres: number | null;
  serving: number;
  reasons: CandidateReason[];
}

/** Working-age adults only: younger people move away for work, older ones are the ones looked after. */
const CANDIDATE_AGES = { min: 25, max: 70, primeMin: 35, primeMax: 60 };
/** The micro-grid itself and this many nearest neighbours of the same grid are searched. */
const NEIGHBOURS_SEARCHED = 3;

/**
 * Who could look after this micro-grid, best first, by 联亲联近联熟 (DOMAIN.md §3): people who live in
 * it before people from the micro-grids next door, Party members and people of 35-60 first, then
 * the nearest; people already serving a micro-grid last. Masked like every resident.
 */
export async function workerCandidates(
  platform: Platform,
  actor: Actor,
  microgridCode: string,
  limit = 20,
): Promise<WorkerCandidateView[]> {
  await visibleUnit(platform, actor, microgridCode);
  const { db } = platform.database;
  const neighbourhood = await microgridNeighbourhood(db, microgridCode);
  if (!neighbourhood) throw unprocessable('people.bad_microgrid', `${microgridCode} is not a micro-grid.`);
  const nearby = neighbourhood.siblings.slice(0, NEIGHBOURS_SEARCHED).filter((m) => can(actor, 'people.read', m.code));
  const centres = new Map([neighbourhood.self, ...nearby].map((m) => [m.code, m.centroid]));
  const today = businessDate(platform.clock.now(), platform.config.timeZone);
  const bornBetween: [string, string] = [yearsBefore(today, CANDIDATE_AGES.max + 1), yearsBefore(today, CANDIDATE_AGES.min)];
  const rows = await listWorkerCandidates(db, [...centres.keys()], bornBetween, 5000);
  const centre = neighbourhood.self.centroid;
  const views = rows.map(({ resident, position, serving }) => {
    const home = position ?? centres.get(resident.microgrid_code) ?? null;
    const age = completedYears(resident.birth_date!, today);
    const tags = JSON.parse(resident.tags) as string[];
    const reasons: CandidateReason[] = [resident.microgrid_code === microgridCode ? 'lives_here' : 'next_door'];
    if (tags.includes('party_member')) reasons.push('party_member');
    if (age >= CANDIDATE_AGES.primeMin && age <= CANDIDATE_AGES.primeMax) reasons.push('prime_age');
    const masked = maskedResident(platform, resident);
    return {
      residentId: resident.id,
      name: masked.name,
      gender: resident.gender,
      age,
      livesIn: resident.microgrid_code,
      distanceMetres: centre && home ? Math.round(distanceMetres(centre, home)) : null,
      serving,
      reasons,
    };
  });
  return views.sort(byCandidateRank).slice(0, limit);
}

function byCandidateRank(a: WorkerCandidateView, b: WorkerCandidateView): number {
  const rank = (c: WorkerCandidateView) => [
    c.serving,
    c.reasons.includes('lives_here') ? 0 : 1,
    c.reasons.includes('party_member') ? 0 : 1,
    c.reasons.includes('prime_age') ? 0 : 1,
    c.distanceMetres ?? Infinity,
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return a.residentId < b.residentId ? -1 : 1;
}

function yearsBefore(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) - years}${date.slice(4)}`;
}

function completedYears(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** A household with its members (taken from `residents`), masked. */
export function presentHousehold(platform: Platform, household: HouseholdRow, residents: ResidentRow[]): HouseholdView {
  return {
    id: household.id,
    microgridCode: household.microgrid_code,
    address: household.address,
    version: household.version,
    members: residents.filter((m) => m.household_id === household.id).map((m) => maskedResident(platform, m)),
  };
}

/** One household the actor may read, with its members; 404 outside the scope. */
export async function householdDetail(platform: Platform, actor: Actor, id: string): Promise<HouseholdView> {
  const { db } = platform.database;
  const household = await findHousehold(db, id);
  if (!household || !can(actor, 'people.read', household.microgrid_code)) throw notFound('household', id);
  return presentHousehold(platform, household, await residentsOfHouseholds(db, [id]));
}
