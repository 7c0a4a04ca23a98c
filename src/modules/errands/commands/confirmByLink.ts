import { systemActor } from '../../../platform/authz/actor.ts';
import { runAudited } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError } from '../../../platform/http/errors.ts';
import { addErrandTallies, findErrandByLinkHash, updateErrand, type ErrandRow, type Executor } from '../errands.repository.ts';
import { countEvent, errandTallyRules } from '../errands.tally.ts';
import { linkHash } from './workErrand.ts';

/** The resident's side of a confirmation link: no account, the token is the proof (DESIGN.md "Public"). */

const residentLink = systemActor('resident-link');

export const linkNotFound = () => new AppError(404, 'errand.link_not_found', 'This confirmation link is not valid.');
const linkUsed = () => new AppError(410, 'errand.link_used', 'This errand has already been confirmed.');
const linkExpired = () => new AppError(410, 'errand.link_expired', 'This confirmation link has expired; ask your worker for a new one.');

/**
 * The errand a link confirms, while it may still be confirmed: 404 errand.link_not_found for an
 * unknown (or replaced) token, 410 errand.link_used once confirmed, 410 errand.link_expired after
 * its time.
 */
export async function errandByLink(platform: Platform, db: Executor, token: string): Promise<ErrandRow> {
  const errand = await findErrandByLinkHash(db, linkHash(token));
  if (!errand) throw linkNotFound();
  if (errand.state === 'confirmed') throw linkUsed();
  if (errand.state !== 'done') throw linkNotFound();
  if (errand.link_expires_at === null || errand.link_expires_at <= platform.clock.now().toISOString()) throw linkExpired();
  return errand;
}

/** The resident taps "确认": the errand is confirmed, once; a second tap gets 410 errand.link_used. */
export function confirmByLink(platform: Platform, token: string, requestId: string | null): Promise<ErrandRow> {
  return runAudited(platform, { actor: residentLink, requestId }, async (trx) => {
    const errand = await errandByLink(platform, trx, token);
    const now = platform.clock.now();
    const changes: Partial<ErrandRow> = {
      state: 'confirmed',
      confirmed_at: now.toISOString(),
      confirmed_via: 'link',
      updated_at: now.toISOString(),
    };
    // Two taps at once: one confirms, the other finds it confirmed.
    if (!(await updateErrand(trx, errand.id, errand.version, changes))) throw linkUsed();
    await addErrandTallies(trx, countEvent(errandTallyRules(platform), errand, 'confirmed', now));
    return {
      result: { ...errand, ...changes, version: errand.version + 1 },
      audit: { action: 'errand.confirm', objectType: 'errand', objectId: errand.id, summary: { via: 'link' } },
    };
  });
}
