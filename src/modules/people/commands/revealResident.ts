import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound } from '../../../platform/http/errors.ts';
import { openResident, type ClearResident } from '../people.personalData.ts';
import { findResident } from '../people.repository.ts';

export type RevealField = keyof ClearResident;

/**
 * Shows chosen personal data of one resident in clear, to a role that needs it, and records who
 * saw which fields of whom and why, in the same transaction: no reveal without its audit record.
 * The values themselves never reach the audit trail or the logs.
 */
export async function revealResident(
  platform: Platform,
  by: By,
  residentId: string,
  fields: RevealField[],
  reason: string,
): Promise<Partial<ClearResident>> {
  return runAudited(platform, by, async (trx) => {
    const resident = await findResident(trx, residentId);
    if (!resident || !can(by.actor, 'people.read', resident.microgrid_code)) throw notFound('resident', residentId);
    authorize(by.actor, 'people.reveal', { microgridCode: resident.microgrid_code, fields });
    const clear = openResident(platform, resident);
    const shown = Object.fromEntries(fields.map((field) => [field, clear[field]]));
    return { result: shown, audit: { action: 'people.reveal', objectType: 'resident', objectId: residentId, summary: { fields, reason } } };
  });
}
