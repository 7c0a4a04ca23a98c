import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound, staleVersion } from '../../../platform/http/errors.ts';
import { authorize, can } from '../../../platform/authz/policy.ts';
import { findUnit, renameUnit as renameUnitRow, type OrgUnit } from '../org.repository.ts';

/** Renames a unit; `version` must be the one the caller read (409 otherwise). */
export async function renameUnit(platform: Platform, by: By, code: string, name: string, version: number): Promise<OrgUnit> {
  return runAudited(platform, by, async (trx) => {
    const unit = await findUnit(trx, code);
    if (!unit || !can(by.actor, 'org.read', unit)) throw notFound('org_unit', code);
    authorize(by.actor, 'org.update', unit);
    const at = platform.clock.now().toISOString();
    if (!(await renameUnitRow(trx, code, name, version, at))) throw staleVersion(unit.version);
    return {
      result: { ...unit, name, version: version + 1, updated_at: at },
      audit: { action: 'org.rename', objectType: 'org_unit', objectId: code, summary: { before: { name: unit.name }, after: { name } } },
    };
  });
}
