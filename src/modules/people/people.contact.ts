import type { Transaction } from 'kysely';
import type { Platform } from '../../platform/context.ts';
import type { Db, Tables } from '../../platform/db/database.ts';
import { normaliseMobile } from '../../platform/notify/notify.sealed.ts';
import { decryptField } from '../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../platform/pii/pii.keys.ts';
import { maskName } from '../../platform/pii/pii.mask.ts';
import { indexOf, maskedResident } from './people.personalData.ts';
import {
  findBuildingsById,
  findHouseholdAddresses,
  findResidentMicrogrids,
  findResidentNames,
  findHouseholdsById,
  findResident,
  findResidentIdsAt,
  findResidentsById,
  findResidentsByPhoneIndex,
  findResidentsTagged,
  findWorkerAccountsServing,
} from './people.repository.ts';

/**
 * What other modules may know of the households and residents they serve (errands, the curtain
 * pact): where a household is and who a member is, masked as everywhere; a phone in clear only
 * for a message the platform itself sends, never to show. Callers have checked the actor's scope.
 */

type Executor = Db | Transaction<Tables>;

export interface HouseholdLabel {
  id: string;
  microgridCode: string;
  address: string;
}

export interface ResidentLabel {
  id: string;
  householdId: string;
  /** Masked: `张*兰`. */
  name: string;
  /** Masked: `139****0001`; null when none is on record. */
  phone: string | null;
}

export async function householdLabels(db: Executor, ids: string[]): Promise<Map<string, HouseholdLabel>> {
  const rows = ids.length === 0 ? [] : await findHouseholdsById(db, ids);
  return new Map(rows.map((row) => [row.id, { id: row.id, microgridCode: row.microgrid_code, address: row.address }]));
}

export async function residentLabels(platform: Platform, db: Executor, ids: string[]): Promise<Map<string, ResidentLabel>> {
  const rows = ids.length === 0 ? [] : await findResidentsById(db, ids);
  return new Map(
    rows.map((row) => {
      const masked = maskedResident(platform, row);
      return [row.id, { id: row.id, householdId: row.household_id, name: masked.name, phone: masked.phone }];
    }),
  );
}

/**
 * A resident's phone in clear, for a text message the platform sends them (an errand's confirmation
 * link). Never returned to a caller, never logged.
 */
export async function residentPhoneForMessage(platform: Platform, db: Executor, residentId: string): Promise<string | null> {
  const row = await findResident(db, residentId);
  // The phone alone: health notes and the ID number stay sealed.
  return row?.phone_enc ? decryptField(piiKeysOf(platform), row.phone_enc, 'resident.phone') : null;
}

/**
 * A resident as the curtain pact (checkins) needs them: where they live (for the walking order and
 * the alert), masked as everywhere; the name in clear only for a text the platform sends their
 * family (`nameForMessage`), never to show or log.
 */
export interface CareResident {
  id: string;
  householdId: string;
  microgridCode: string;
  /** Masked: `张*兰`. */
  name: string;
  nameForMessage: string;
  gender: 'male' | 'female';
  birthYear: number | null;
  /** Masked; null when none is on record. */
  phone: string | null;
  address: string;
  buildingId: string | null;
  buildingAddress: string | null;
  lng: number | null;
  lat: number | null;
  tags: string[];
}

export async function careResidents(platform: Platform, db: Executor, ids: string[]): Promise<Map<string, CareResident>> {
  const residents = ids.length === 0 ? [] : await findResidentsById(db, ids);
  const households = new Map((await findHouseholdsById(db, [...new Set(residents.map((r) => r.household_id))])).map((h) => [h.id, h]));
  const buildingIds = [...households.values()].flatMap((h) => (h.building_id ? [h.building_id] : []));
  const buildings = new Map((await findBuildingsById(db, buildingIds)).map((b) => [b.id, b]));
  return new Map(
    residents.map((row) => {
      const masked = maskedResident(platform, row);
      const household = households.get(row.household_id);
      const building = household?.building_id ? buildings.get(household.building_id) : undefined;
      return [
        row.id,
        {
          id: row.id,
          householdId: row.household_id,
          microgridCode: row.microgrid_code,
          name: masked.name,
          nameForMessage: row.name,
          gender: row.gender,
          birthYear: masked.birthYear,
          phone: masked.phone,
          address: household?.address ?? '',
          buildingId: building?.id ?? null,
          buildingAddress: building?.address ?? null,
          lng: building?.lng ?? null,
          lat: building?.lat ?? null,
          tags: masked.tags,
        },
      ];
    }),
  );
}

/** A resident as a message about them names them: masked, and in clear only for their own family's text. */
export type ResidentInMessage = Pick<CareResident, 'id' | 'name' | 'nameForMessage' | 'address'>;

/**
 * What the curtain pact's alerts say of these residents (those not found are left out): cheap,
 * nothing decrypted, for a deadline that raises thousands at once.
 */
export async function residentsInMessages(db: Executor, ids: string[]): Promise<Map<string, ResidentInMessage>> {
  const residents = ids.length === 0 ? [] : await findResidentNames(db, ids);
  const addresses = new Map(
    (await findHouseholdAddresses(db, [...new Set(residents.map((r) => r.household_id))])).map((h) => [h.id, h.address]),
  );
  return new Map(
    residents.map((row) => [
      row.id,
      { id: row.id, name: maskName(row.name), nameForMessage: row.name, address: addresses.get(row.household_id) ?? '' },
    ]),
  );
}

/** The micro-grid each of these residents lives in now (those not found are left out): cheap, nothing decrypted. */
export async function residentMicrogrids(db: Executor, ids: string[]): Promise<Map<string, string>> {
  return new Map((await findResidentMicrogrids(db, ids)).map((row) => [row.id, row.microgrid_code]));
}

/** Residents under these code prefixes (the caller's scope, narrowed) with any of the tags. */
export async function residentsTagged(db: Executor, prefixes: string[], tags: string[]): Promise<{ id: string; microgridCode: string }[]> {
  return (await findResidentsTagged(db, prefixes, tags)).map((row) => ({ id: row.id, microgridCode: row.microgrid_code }));
}

/**
 * Residents whose mobile number is this one (as a gateway gives it: `+8613903910001`, `139 0391
 * 0001`...), found by the number's keyed hash, never by decrypting. None when it is not a mobile number.
 */
export async function residentsByPhone(platform: Platform, db: Executor, phone: string): Promise<{ id: string; microgridCode: string }[]> {
  const e164 = normaliseMobile(phone);
  if (!e164) return [];
  const rows = await findResidentsByPhoneIndex(db, indexOf(platform, 'phone', e164.replace(/^\+86/, '')));
  return rows.map((row) => ({ id: row.id, microgridCode: row.microgrid_code }));
}

/** The accounts of the workers serving each micro-grid (none when it has no worker with an account). */
export async function workerAccountsOf(db: Executor, microgridCodes: string[]): Promise<Map<string, string[]>> {
  const accounts = new Map<string, string[]>();
  for (const row of await findWorkerAccountsServing(db, microgridCodes)) {
    accounts.set(row.microgrid_code, [...(accounts.get(row.microgrid_code) ?? []), row.user_id]);
  }
  return accounts;
}

/** The residents living in these households and buildings (the worker's "all seen" for a building). */
export function residentIdsAt(db: Executor, places: { householdIds?: string[]; buildingIds?: string[] }): Promise<string[]> {
  return findResidentIdsAt(db, places.householdIds ?? [], places.buildingIds ?? []);
}
