import { monotonicFactory } from 'ulid';
import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound } from '../../../platform/http/errors.ts';
import { newResidentRow, type NewResident } from '../people.personalData.ts';
import { idNumberTaken, keepingRule, requireUnusedIdNumbers } from '../people.rules.ts';
import { findHousehold, insertResidents, type ResidentRow } from '../people.repository.ts';
import { cleanResident } from '../people.validation.ts';

const ulid = monotonicFactory();

/** Adds a member to a household (a birth, a marriage, someone moving in). */
export async function addResident(platform: Platform, by: By, householdId: string, input: NewResident): Promise<ResidentRow> {
  const member = cleanResident(input);
  const write = runAudited(platform, by, async (trx) => {
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
  return keepingRule(write, idNumberTaken);
}
