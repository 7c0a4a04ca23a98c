import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, unprocessable } from '../../../platform/http/errors.ts';
import { levelOfCode } from '../org.codes.ts';
import { findDistrict, insertUnit, NO_BOUNDARY, type OrgUnit } from '../org.repository.ts';

/**
 * Creates the district, the root of the tree. One per installation (`wangge init`, or the demo);
 * `besideOthers` is only for the demo city (`wangge demo --scale N`), several districts side by side.
 */
export async function createDistrict(
  platform: Platform,
  by: By,
  code: string,
  name: string,
  options: { besideOthers?: boolean } = {},
): Promise<OrgUnit> {
  if (levelOfCode({ widths: platform.config.orgCodeWidths }, code) !== 'district') {
    throw unprocessable('org.bad_code', `A district code has ${platform.config.orgCodeWidths[0]} digits (GB/T 2260), e.g. 410804.`);
  }
  return runAudited(platform, by, async (trx) => {
    const existing = options.besideOthers ? undefined : await findDistrict(trx);
    if (existing) throw conflict('org.district_exists', `This installation already has the district ${existing.code} ${existing.name}.`);
    const at = platform.clock.now().toISOString();
    const district: OrgUnit = {
      code,
      parent_code: null,
      name,
      level: 'district',
      created_at: at,
      updated_at: at,
      version: 1,
      ...NO_BOUNDARY,
    };
    await insertUnit(trx, district);
    return {
      result: district,
      audit: { action: 'org.create', objectType: 'org_unit', objectId: code, summary: { after: { name, level: 'district' } } },
    };
  });
}
