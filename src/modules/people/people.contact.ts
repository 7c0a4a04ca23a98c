import type { Transaction } from 'kysely';
import type { Platform } from '../../platform/context.ts';
import type { Db, Tables } from '../../platform/db/database.ts';
import { decryptField } from '../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../platform/pii/pii.keys.ts';
import { maskedResident } from './people.personalData.ts';
import { findHouseholdsById, findResident, findResidentsById } from './people.repository.ts';

/**
 * What other modules may know of the households and residents they serve (errands, and whatever
 * follows): where a household is and who a member is, masked as everywhere; a phone in clear only
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
