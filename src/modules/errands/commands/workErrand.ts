import { createHash, randomBytes } from 'node:crypto';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, staleVersion, unprocessable } from '../../../platform/http/errors.ts';
import { notify } from '../../../platform/notify/notify.enqueue.ts';
import { normaliseMobile } from '../../../platform/notify/notify.sealed.ts';
import { residentPhoneForMessage } from '../../people/people.contact.ts';
import { KIND_NAMES, LINK_VALID_DAYS, type ErrandState } from '../errands.kinds.ts';
import { subjectOf, visibleErrand } from '../errands.queries.ts';
import { addErrandTallies, updateErrand, type ErrandRow } from '../errands.repository.ts';
import { countDone, countEvent, errandTallyRules } from '../errands.tally.ts';

/** The worker's own steps on an errand: done (with the resident's link), a fresh link, confirmed, cancelled. */

export interface Versioned {
  /** The version the caller saw: acting on an old picture of the errand is refused (409). */
  version: number;
}

export interface LinkRequest extends Versioned {
  /** Also text the link to the resident the errand is for. */
  sendSms?: boolean;
}

export interface IssuedLink {
  errand: ErrandRow;
  /** The token in clear, shown this once: only its SHA-256 is kept. */
  token: string;
  path: string;
  url: string;
  expiresAt: string;
  smsQueued: boolean;
}

export function linkHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The path of a confirmation link. */
export const linkPath = (token: string) => `/e/${token}`;

/**
 * Marks an errand done and issues the resident's one-time confirmation link (valid
 * LINK_VALID_DAYS days), texted to them when asked and a mobile number is on record. `linkBase` is
 * the origin residents reach the platform at (PUBLIC_URL, or the one the worker's phone used).
 */
export function markErrandDone(platform: Platform, by: By, id: string, request: LinkRequest, linkBase: string): Promise<IssuedLink> {
  return runAudited(platform, by, async (trx) => {
    const errand = await workable(trx, by, id, request, 'logged');
    const now = platform.clock.now();
    const issued = await issueLink(platform, trx, errand, { state: 'done', done_at: now.toISOString() }, request, linkBase);
    await addErrandTallies(trx, countDone(errandTallyRules(platform), errand, now));
    const onTime = now.toISOString() <= errand.promised_by;
    return {
      result: issued,
      audit: { action: 'errand.done', objectType: 'errand', objectId: id, summary: { onTime, sms: issued.smsQueued } },
    };
  });
}

/** A fresh link for a done errand (the first was lost or expired); the previous one stops working. */
export function reissueErrandLink(platform: Platform, by: By, id: string, request: LinkRequest, linkBase: string): Promise<IssuedLink> {
  return runAudited(platform, by, async (trx) => {
    const errand = await workable(trx, by, id, request, 'done');
    const issued = await issueLink(platform, trx, errand, {}, request, linkBase);
    return { result: issued, audit: { action: 'errand.link', objectType: 'errand', objectId: id, summary: { sms: issued.smsQueued } } };
  });
}

/** The worker records the resident's confirmation (in person, on the phone). */
export function confirmErrand(platform: Platform, by: By, id: string, request: Versioned): Promise<ErrandRow> {
  return runAudited(platform, by, async (trx) => {
    const errand = await workable(trx, by, id, request, 'done');
    const now = platform.clock.now();
    const changes: Partial<ErrandRow> = {
      state: 'confirmed',
      confirmed_at: now.toISOString(),
      confirmed_via: 'worker',
      updated_at: now.toISOString(),
    };
    if (!(await updateErrand(trx, id, errand.version, changes))) throw staleVersion(errand.version + 1);
    await addErrandTallies(trx, countEvent(errandTallyRules(platform), errand, 'confirmed', now));
    return {
      result: { ...errand, ...changes, version: errand.version + 1 },
      audit: { action: 'errand.confirm', objectType: 'errand', objectId: id, summary: { via: 'worker' } },
    };
  });
}

/** An errand not done yet is called off, with a reason (kept on the errand, not in the audit trail). */
export function cancelErrand(platform: Platform, by: By, id: string, request: Versioned & { reason: string }): Promise<ErrandRow> {
  return runAudited(platform, by, async (trx) => {
    const errand = await workable(trx, by, id, request, 'logged');
    const now = platform.clock.now();
    const changes: Partial<ErrandRow> = {
      state: 'cancelled',
      cancelled_at: now.toISOString(),
      cancel_reason: request.reason.trim(),
      updated_at: now.toISOString(),
    };
    if (!(await updateErrand(trx, id, errand.version, changes))) throw staleVersion(errand.version + 1);
    await addErrandTallies(trx, countEvent(errandTallyRules(platform), errand, 'cancelled', now));
    return {
      result: { ...errand, ...changes, version: errand.version + 1 },
      audit: { action: 'errand.cancel', objectType: 'errand', objectId: id, summary: {} },
    };
  });
}

/**
 * The errand, if the caller may see it (else 404), is theirs to work (else 403), is at the version
 * they saw (else 409 stale) and in the state the step starts from (else 409 errand.invalid_state).
 */
async function workable(trx: Trx, by: By, id: string, request: Versioned, from: ErrandState): Promise<ErrandRow> {
  const errand = await visibleErrand(trx, by.actor, id);
  authorize(by.actor, 'errand.work', subjectOf(errand));
  if (errand.version !== request.version) throw staleVersion(errand.version);
  if (errand.state !== from) {
    throw conflict('errand.invalid_state', `Only an errand in state ${from} can take this step.`, { state: errand.state, expected: from });
  }
  return errand;
}

async function issueLink(
  platform: Platform,
  trx: Trx,
  errand: ErrandRow,
  changes: Partial<ErrandRow>,
  request: LinkRequest,
  linkBase: string,
): Promise<IssuedLink> {
  const phone = request.sendSms ? await smsNumber(platform, trx, errand) : null;
  const now = platform.clock.now();
  // 32 random bytes: unguessable, so the link itself is the resident's proof.
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + LINK_VALID_DAYS * 86_400_000).toISOString();
  const all: Partial<ErrandRow> = { ...changes, link_hash: linkHash(token), link_expires_at: expiresAt, updated_at: now.toISOString() };
  if (!(await updateErrand(trx, errand.id, errand.version, all))) throw staleVersion(errand.version + 1);
  const url = `${linkBase.replace(/\/$/, '')}${linkPath(token)}`;
  if (phone) {
    // The outbox seals its payload: the number and the link are not kept in clear.
    await notify(platform, trx, {
      recipient: { phone },
      title: '帮办事项请确认',
      body: `网格员已为您办好“${KIND_NAMES[errand.kind]}”。如无误，请点开链接确认（${LINK_VALID_DAYS}天内有效）：${url}`,
      dedupeKey: `errand:${errand.id}:link:${errand.version + 1}`,
    });
  }
  return {
    errand: { ...errand, ...all, version: errand.version + 1 },
    token,
    path: linkPath(token),
    url,
    expiresAt,
    smsQueued: phone !== null,
  };
}

/** The mobile number of the resident the errand is for; 422 when there is none to text. */
async function smsNumber(platform: Platform, trx: Trx, errand: ErrandRow): Promise<string> {
  const phone = errand.resident_id ? await residentPhoneForMessage(platform, trx, errand.resident_id) : null;
  if (!phone || !normaliseMobile(phone)) {
    throw unprocessable('errand.no_phone', 'No mobile number is on record for the resident this errand is for.');
  }
  return phone;
}
