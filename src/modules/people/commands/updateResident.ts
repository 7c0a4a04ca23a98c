import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound, staleVersion } from '../../../platform/http/errors.ts';
import { openResident, sealResident } from '../people.personalData.ts';
import { idNumberTaken, keepingRule, requireUnusedIdNumbers } from '../people.rules.ts';
import { findResident, updateResidentRow, type ResidentRow } from '../people.repository.ts';
import type { ResidentTag } from '../people.tables.ts';
import { cleanResident } from '../people.validation.ts';

export interface ResidentChanges {
  version: number;
  name?: string;
  gender?: 'male' | 'female';
  birthDate?: string | null;
  idNumber?: string | null;
  phone?: string | null;
  healthNotes?: string | null;
  tags?: ResidentTag[];
}

/**
 * Corrects a resident's record. Personal fields left out stay as they are (the editor never saw
 * them in clear); given ones are sealed again. The audit record names the fields changed, never
 * their values.
 */
export async function updateResident(platform: Platform, by: By, id: string, input: ResidentChanges): Promise<ResidentRow> {
  const write = runAudited(platform, by, async (trx) => {
    const before = await findResident(trx, id);
    if (!before || !can(by.actor, 'people.read', before.microgrid_code)) throw notFound('resident', id);
    authorize(by.actor, 'people.write', before.microgrid_code);
    const clear = { ...openResident(platform, before) };
    // The record as it will be must agree with itself: a new ID number with the gender and birth date
    // on record, a new gender or birth date with the ID number on record.
    const changes = cleanResident({
      ...input,
      gender: input.gender ?? before.gender,
      birthDate: input.birthDate === undefined ? (before.birth_date ?? undefined) : input.birthDate,
      idNumber: input.idNumber === undefined ? clear.idNumber : input.idNumber,
    });
    if (before.version !== changes.version) throw staleVersion(before.version);
    if (input.idNumber) await requireUnusedIdNumbers(platform, trx, [changes], id);

    if (input.idNumber !== undefined) clear.idNumber = changes.idNumber ?? null;
    if (changes.phone !== undefined) clear.phone = changes.phone;
    if (changes.healthNotes !== undefined) clear.healthNotes = changes.healthNotes;
    const row: Partial<ResidentRow> = {
      name: changes.name ?? before.name,
      gender: changes.gender ?? before.gender,
      birth_date: changes.birthDate === undefined ? before.birth_date : changes.birthDate,
      tags: changes.tags ? JSON.stringify(changes.tags) : before.tags,
      ...sealResident(platform, clear),
      updated_at: platform.clock.now().toISOString(),
    };
    if (!(await updateResidentRow(trx, id, before.version, row))) throw staleVersion(before.version);
    const fields = Object.keys(input).filter((key) => key !== 'version');
    return {
      result: { ...before, ...row, version: before.version + 1 },
      audit: { action: 'people.update_resident', objectType: 'resident', objectId: id, summary: { fields } },
    };
  });
  return keepingRule(write, idNumberTaken);
}
