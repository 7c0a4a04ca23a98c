import { monotonicFactory } from 'ulid';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { unprocessable } from '../../../platform/http/errors.ts';
import { lookupUnit } from '../../org/org.queries.ts';
import { newResidentRow, type NewResident } from '../people.personalData.ts';
import { insertHouseholds, insertResidents, type HouseholdRow, type ResidentRow } from '../people.repository.ts';
import { idNumberTaken, keepingRule, requireFreeAddress, requireUnusedIdNumbers } from '../people.rules.ts';
import { cleanResident } from '../people.validation.ts';

/** Ids that sort in creation order even within one millisecond: members keep the order given. */
const ulid = monotonicFactory();

export interface NewHousehold {
  microgridCode: string;
  address: string;
  members: NewResident[];
}

/**
 * Registers a household and its members in a micro-grid. Personal data is sealed before it is
 * written; the audit record names the household and counts its members, nothing personal.
 */
export async function registerHousehold(
  platform: Platform,
  by: By,
  input: NewHousehold,
): Promise<{ household: HouseholdRow; residents: ResidentRow[] }> {
  authorize(by.actor, 'people.write', input.microgridCode);
  const unit = await lookupUnit(platform.database.db, input.microgridCode);
  if (unit?.level !== 'microgrid') throw unprocessable('people.bad_microgrid', `${input.microgridCode} is not a micro-grid.`);
  if (input.members.length === 0) throw unprocessable('people.no_members', 'A household has at least one member.');
  const members = input.members.map(cleanResident);
  const at = platform.clock.now().toISOString();
  const household: HouseholdRow = {
    id: ulid(),
    building_id: null,
    microgrid_code: input.microgridCode,
    address: input.address.trim(),
    created_at: at,
    updated_at: at,
    version: 1,
  };
  const residents = members.map((member) =>
    newResidentRow(platform, { id: ulid(), householdId: household.id, microgridCode: input.microgridCode }, member, at),
  );
  const write = runAudited(platform, by, async (trx) => {
    await requireFreeAddress(platform, trx, household.microgrid_code, household.address);
    await requireUnusedIdNumbers(platform, trx, members);
    await insertHouseholds(trx, [household]);
    await insertResidents(trx, residents);
    return {
      result: { household, residents },
      audit: {
        action: 'people.register_household',
        objectType: 'household',
        objectId: household.id,
        summary: { microgridCode: input.microgridCode, members: residents.length },
      },
    };
  });
  return keepingRule(write, idNumberTaken);
}
