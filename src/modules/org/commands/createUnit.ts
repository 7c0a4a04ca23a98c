import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { isUniqueViolation } from '../../../platform/db/dialect.ts';
import { conflict, unprocessable } from '../../../platform/http/errors.ts';
import { childLevel, impliedParentCode, levelOfCode } from '../org.codes.ts';
import { findUnit, insertUnit, NO_BOUNDARY, type OrgUnit } from '../org.repository.ts';

export interface CreateUnitInput {
  code: string;
  name: string;
}

/**
 * Adds an org unit. Its level and parent follow from the code (a code is its path), so a unit can
 * only be placed where its code says; a district is created by `wangge init` or the demo.
 */
export async function createUnit(platform: Platform, by: By, input: CreateUnitInput): Promise<OrgUnit> {
  const rules = { widths: platform.config.orgCodeWidths };
  const level = levelOfCode(rules, input.code);
  if (!level) {
    throw unprocessable('org.bad_code', `Code ${input.code} has no level: area codes have ${rules.widths.join('/')} digits.`);
  }
  if (level === 'district') throw unprocessable('org.district_by_init', 'A district is created with `wangge init`.');
  const parentCode = impliedParentCode(rules, input.code);
  authorize(by.actor, 'org.create', { code: input.code, level });
  try {
    return await runAudited(platform, by, async (trx) => {
      const parent = parentCode ? await findUnit(trx, parentCode) : undefined;
      if (!parent) throw unprocessable('org.parent_missing', `The parent unit ${parentCode} does not exist.`, { parentCode });
      const expected = level === 'department' ? 'district' : null;
      if (expected ? parent.level !== expected : childLevel(parent.level) !== level) {
        throw unprocessable('org.bad_parent', `A ${level} cannot sit under a ${parent.level}.`);
      }
      const at = platform.clock.now().toISOString();
      const unit: OrgUnit = {
        code: input.code,
        parent_code: parent.code,
        name: input.name,
        level,
        created_at: at,
        updated_at: at,
        version: 1,
        ...NO_BOUNDARY,
      };
      await insertUnit(trx, unit);
      return {
        result: unit,
        audit: { action: 'org.create', objectType: 'org_unit', objectId: unit.code, summary: { after: { name: unit.name, level } } },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('org.code_taken', `Code ${input.code} is already used.`);
    throw error;
  }
}
