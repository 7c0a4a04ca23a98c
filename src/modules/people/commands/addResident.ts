import { monotonicFactory } from 'ulid';
import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, notFound } from '../../../platform/http/errors.ts';
import { indexOf, newResidentRow } from '../people.personalData.ts';
import { findHousehold, findResidentByIdNumberIndex, insertResidents, type ResidentRow } from '../people.repository.ts';
import { cleanResident } from '../people.validation.ts';
import type { NewResident } from './registerHousehold.ts';

const ulid = monotonicFactory();

/** Adds a member to a household (a birth, a marriage, someone moving in). */
export async function addResident(platform: Platform, by: By, householdId: string, input: NewResident): Promise<ResidentRow> {
  const member = cleanResident(input);
  return runAudited(platform, by, async (trx) => {
    const household = await findHousehold(trx, householdId);
    if (!household || !can(by.actor, 'people.read', household.microgrid_code)) throw notFound('household', householdId);
    authorize(by.actor, 'people.write', household.microgrid_code);
    await requireUnusedIdNumbers(platform, trx, [member]);
    const place = { id: ulid(), householdId: household.id, microgridCode: household.microgrid_code };
    const resident = newResidentRow(platform, place, member, platform.clock.now().toISOString());
    await insertResidents(trx, [resident]);
    return {
      result: resident,
      audit: { action: 'people.add_resident', objectType: 'resident', objectId: resident.id, summary: { householdId } },
    };
  });
}

/**
 * One person, one registry entry: an ID number already registered (to anyone but `except`) is a
 * 409 naming nobody, since the caller may not be allowed to know where that person lives.
 */
export async function requireUnusedIdNumbers(
  platform: Platform,
  trx: Trx,
  members: { idNumber?: string | null }[],
  except?: string,
): Promise<void> {
  const numbers = members.map((m) => m.idNumber).filter((n): n is string => !!n);
  if (new Set(numbers).size !== numbers.length) throw conflict('people.duplicate_id_number', 'The same ID number is given twice.');
  for (const number of numbers) {
    const holder = await findResidentByIdNumberIndex(trx, indexOf(platform, 'id_number', number));
    if (holder && holder.id !== except) throw conflict('people.duplicate_id_number', 'This ID number is already registered.');
  }
}
