import type { Platform } from '../../platform/context.ts';
import { blindIndex, decryptField, encryptField } from '../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../platform/pii/pii.keys.ts';
import { maskIdNumber, maskName, maskPhone } from '../../platform/pii/pii.mask.ts';
import type { ResidentRow } from './people.repository.ts';
import type { ResidentTag } from './people.tables.ts';

/**
 * The personal data of residents (DOMAIN.md §10): how it is sealed on the way in and how it is
 * shown on the way out, masked unless revealed. Reveals are audited by the reveal command.
 */

/** A resident as a form or a file gives them, personal data in clear (sealed before it is written). */
export interface NewResident {
  name: string;
  gender: 'male' | 'female';
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  healthNotes: string | null;
  tags: ResidentTag[];
}

export interface ClearResident {
  idNumber: string | null;
  phone: string | null;
  healthNotes: string | null;
}

/** The encrypted columns and search indexes of a resident's personal data. */
export function sealResident(platform: Platform, clear: ClearResident) {
  const keys = piiKeysOf(platform);
  return {
    id_number_enc: clear.idNumber && encryptField(keys, clear.idNumber, 'resident.id_number'),
    id_number_index: clear.idNumber && blindIndex(keys, 'id_number', clear.idNumber),
    phone_enc: clear.phone && encryptField(keys, clear.phone, 'resident.phone'),
    phone_index: clear.phone && blindIndex(keys, 'phone', clear.phone),
    health_notes_enc: clear.healthNotes && encryptField(keys, clear.healthNotes, 'resident.health_notes'),
  };
}

/** A resident's row as written: the personal data sealed, tags as JSON, a first version. */
export function newResidentRow(
  platform: Platform,
  place: { id: string; householdId: string; microgridCode: string },
  member: NewResident,
  at: string,
): ResidentRow {
  return {
    id: place.id,
    household_id: place.householdId,
    microgrid_code: place.microgridCode,
    name: member.name,
    gender: member.gender,
    birth_date: member.birthDate,
    ...sealResident(platform, member),
    tags: JSON.stringify(member.tags),
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

export function indexOf(platform: Platform, kind: 'id_number' | 'phone', value: string): string {
  return blindIndex(piiKeysOf(platform), kind, value);
}

/** The personal data of a row in clear: for a reveal, an edit or an unmasked export, never for a list. */
export function openResident(platform: Platform, row: ResidentRow): ClearResident {
  return { ...openIdentifiers(platform, row), healthNotes: open(platform, row.health_notes_enc, 'resident.health_notes') };
}

/** ID number and phone only: what a mask shows part of. Lists mask thousands of rows; notes stay shut. */
function openIdentifiers(platform: Platform, row: ResidentRow): Pick<ClearResident, 'idNumber' | 'phone'> {
  return { idNumber: open(platform, row.id_number_enc, 'resident.id_number'), phone: open(platform, row.phone_enc, 'resident.phone') };
}

function open(platform: Platform, sealed: string | null, column: string): string | null {
  return sealed && decryptField(piiKeysOf(platform), sealed, column);
}

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
  version: number;
}

/** A resident as everyone sees them by default: `张*明`, `410804********1234`, `138****5678`. */
export function maskedResident(platform: Platform, row: ResidentRow): MaskedResident {
  const clear = openIdentifiers(platform, row);
  return {
    id: row.id,
    householdId: row.household_id,
    microgridCode: row.microgrid_code,
    name: maskName(row.name),
    gender: row.gender,
    birthYear: row.birth_date ? Number(row.birth_date.slice(0, 4)) : null,
    idNumber: clear.idNumber && maskIdNumber(clear.idNumber),
    phone: clear.phone && maskPhone(clear.phone),
    hasHealthNotes: row.health_notes_enc !== null,
    tags: JSON.parse(row.tags) as ResidentTag[],
    version: row.version,
  };
}
