import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, notFound, unprocessable } from '../../../platform/http/errors.ts';
import { ulidFactory } from '../../../platform/ids.ts';
import { visibleSubject } from '../checkins.access.ts';
import { deleteAway, findAway, insertAway, pauseChecks, resumeChecks, type AwayRow } from '../checkins.repository.ts';
import type { AwayReason } from '../checkins.words.ts';

const ulid = ulidFactory();
/** An away period is at most a year; longer, the person should come off the roster. */
const MAX_AWAY_DAYS = 366;

export interface AwayInput {
  startsAt: string;
  endsAt: string;
  reason: AwayReason;
  note?: string | null;
}

/**
 * The subject is away (in hospital, with family): checks due inside the period are `away`, no alert.
 * The reason and the note stay on the period, out of the audit trail (a stay in hospital is health
 * information; free text may name people).
 */
export async function addAway(platform: Platform, by: By, subjectId: string, input: AwayInput): Promise<AwayRow> {
  if (input.endsAt <= input.startsAt) throw unprocessable('checkin.away_backwards', 'An away period ends after it starts.');
  if (Date.parse(input.endsAt) - Date.parse(input.startsAt) > MAX_AWAY_DAYS * 86_400_000) {
    throw unprocessable(
      'checkin.away_too_long',
      `An away period is at most ${MAX_AWAY_DAYS} days; take the person off the roster instead.`,
    );
  }
  return runAudited(platform, by, async (trx) => {
    const subject = await visibleSubject(trx, by.actor, subjectId);
    authorize(by.actor, 'checkin.away', subject.microgrid_code);
    if (subject.removed_at !== null) throw conflict('checkin.not_enrolled', 'This person is no longer under care.');
    const at = platform.clock.now().toISOString();
    const row: AwayRow = {
      id: ulid(),
      subject_id: subject.id,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      reason: input.reason,
      note: input.note?.trim() || null,
      created_by: by.actor.type === 'user' ? by.actor.id : null,
      created_at: at,
    };
    await insertAway(trx, row);
    const paused = await pauseChecks(trx, subject.id, input.startsAt, input.endsAt, at);
    return {
      result: row,
      audit: {
        action: 'checkin.away',
        objectType: 'care_subject',
        objectId: subject.id,
        summary: { awayId: row.id, startsAt: row.starts_at, endsAt: row.ends_at, paused },
      },
    };
  });
}

/** An away period called off (back early, entered by mistake): checks still ahead inside it wait again. */
export async function removeAway(platform: Platform, by: By, subjectId: string, awayId: string): Promise<void> {
  await runAudited(platform, by, async (trx) => {
    const subject = await visibleSubject(trx, by.actor, subjectId);
    authorize(by.actor, 'checkin.away', subject.microgrid_code);
    const away = await findAway(trx, awayId);
    if (!away || away.subject_id !== subject.id || !(await deleteAway(trx, awayId))) throw notFound('care_away', awayId);
    await resumeChecks(trx, subject.id, away.starts_at, away.ends_at, platform.clock.now().toISOString());
    return {
      result: undefined,
      audit: { action: 'checkin.away_remove', objectType: 'care_subject', objectId: subject.id, summary: { awayId } },
    };
  });
}
