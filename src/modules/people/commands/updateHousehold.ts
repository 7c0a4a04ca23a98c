import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound, staleVersion, unprocessable } from '../../../platform/http/errors.ts';
import { lookupUnit } from '../../org/org.queries.ts';
import { findHousehold, moveResidentsOfHousehold, updateHouseholdRow, type HouseholdRow } from '../people.repository.ts';
import { requireFreeAddress } from '../people.rules.ts';

export interface HouseholdChanges {
  version: number;
  address?: string;
  /** A new micro-grid: the household moves there with all its members. */
  microgridCode?: string;
}

/**
 * Corrects a household's address or moves it to another micro-grid (a family moving house, or a
 * boundary drawn again). The editor must be allowed to edit in both micro-grids; the members move
 * with the household, and it leaves its old building, which stays in the old micro-grid.
 */
export async function updateHousehold(platform: Platform, by: By, id: string, input: HouseholdChanges): Promise<HouseholdRow> {
  const target = input.microgridCode;
  if (target !== undefined) {
    authorize(by.actor, 'people.write', target);
    const unit = await lookupUnit(platform.database.db, target);
    if (unit?.level !== 'microgrid') throw unprocessable('people.bad_microgrid', `${target} is not a micro-grid.`);
  }
  return runAudited(platform, by, async (trx) => {
    const before = await findHousehold(trx, id);
    if (!before || !can(by.actor, 'people.read', before.microgrid_code)) throw notFound('household', id);
    authorize(by.actor, 'people.write', before.microgrid_code);
    if (before.version !== input.version) throw staleVersion(before.version);
    const at = platform.clock.now().toISOString();
    const moves = target !== undefined && target !== before.microgrid_code;
    const changes: Partial<HouseholdRow> = {
      address: input.address?.trim() ?? before.address,
      ...(moves ? { microgrid_code: target, building_id: null } : {}),
      updated_at: at,
    };
    await requireFreeAddress(platform, trx, changes.microgrid_code ?? before.microgrid_code, changes.address!, id);
    if (!(await updateHouseholdRow(trx, id, before.version, changes))) throw staleVersion(before.version);
    if (moves) await moveResidentsOfHousehold(trx, id, target, at);
    const audit = moves
      ? { action: 'people.move_household', summary: { from: before.microgrid_code, to: target } }
      : { action: 'people.update_household', summary: { fields: Object.keys(input).filter((key) => key !== 'version') } };
    return { result: { ...before, ...changes, version: before.version + 1 }, audit: { ...audit, objectType: 'household', objectId: id } };
  });
}
