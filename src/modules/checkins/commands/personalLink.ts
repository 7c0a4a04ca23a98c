import { createHash, randomBytes } from 'node:crypto';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError, conflict, unprocessable } from '../../../platform/http/errors.ts';
import { notify } from '../../../platform/notify/notify.enqueue.ts';
import { normaliseMobile } from '../../../platform/notify/notify.sealed.ts';
import { residentPhoneForMessage } from '../../people/people.contact.ts';
import { visibleSubject } from '../checkins.access.ts';
import { findSubjectByLinkHash, updateSubject, type Executor, type SubjectRow } from '../checkins.repository.ts';

/**
 * The subject's personal "I'm fine" link (/c/<token>): tapped any day, it is that day's sign of life.
 * The token is 32 random bytes, unguessable, so the link itself is the proof; only its SHA-256 is
 * kept. It works until staff issue a new one (rotation) or the person leaves the roster.
 */

export const linkHash = (token: string) => createHash('sha256').update(token).digest('hex');
export const linkPath = (token: string) => `/c/${token}`;
export const linkNotFound = () => new AppError(404, 'checkin.link_not_found', 'This link is not valid.');

export interface IssuedCareLink {
  subject: SubjectRow;
  /** In clear, shown this once. */
  token: string;
  path: string;
  url: string;
  smsQueued: boolean;
}

/** Issues the subject's link (a new one replaces the old), texted to their own mobile when asked. */
export async function issueCareLink(
  platform: Platform,
  by: By,
  id: string,
  request: { sendSms?: boolean },
  linkBase: string,
): Promise<IssuedCareLink> {
  return runAudited(platform, by, async (trx) => {
    const subject = await visibleSubject(trx, by.actor, id);
    authorize(by.actor, 'checkin.manage', subject.microgrid_code);
    if (subject.removed_at !== null) throw conflict('checkin.not_enrolled', 'This person is no longer under care.');
    const phone = request.sendSms ? await residentPhoneForMessage(platform, trx, subject.resident_id) : null;
    if (request.sendSms && (!phone || !normaliseMobile(phone))) {
      throw unprocessable('checkin.no_phone', 'No mobile number is on record for this person.');
    }
    const token = randomBytes(32).toString('base64url');
    const at = platform.clock.now().toISOString();
    const changes = { link_hash: linkHash(token), link_issued_at: at, updated_at: at };
    if (!(await updateSubject(trx, id, subject.version, changes))) throw conflict('request.stale_version', 'Changed meanwhile; try again.');
    const url = `${linkBase.replace(/\/$/, '')}${linkPath(token)}`;
    if (phone) {
      await notify(platform, trx, {
        recipient: { phone },
        title: '平安打卡链接',
        body: `您好！这是您的每日平安打卡链接，每天早上点开并按“我很好”即可报平安：${url}`,
        dedupeKey: `checkin-subject:${id}:link:${subject.version + 1}`,
      });
    }
    return {
      result: {
        subject: { ...subject, ...changes, version: subject.version + 1 },
        token,
        path: linkPath(token),
        url,
        smsQueued: phone !== null,
      },
      audit: { action: 'checkin.link', objectType: 'care_subject', objectId: id, summary: { sms: phone !== null } },
    };
  });
}

/** The subject a link belongs to, while they are under care; 404 checkin.link_not_found otherwise. */
export async function subjectByLink(db: Executor, token: string): Promise<SubjectRow> {
  const subject = await findSubjectByLinkHash(db, linkHash(token));
  if (!subject || subject.removed_at !== null) throw linkNotFound();
  return subject;
}
