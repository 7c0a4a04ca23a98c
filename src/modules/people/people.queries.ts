import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { can } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { getVisibleUnit } from '../org/org.queries.ts';
import { maskedResident, indexOf, type MaskedResident } from './people.personalData.ts';
import {
  countPeople,
  findResident,
  listHouseholds,
  residentsOfHouseholds,
  searchResidents,
  type ScopeCounts,
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
  const items = households.map((h) => ({
    id: h.id,
    microgridCode: h.microgrid_code,
    address: h.address,
    members: members.filter((m) => m.household_id === h.id).map((m) => maskedResident(platform, m)),
  }));
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
