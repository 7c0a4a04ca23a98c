import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict } from '../../../platform/http/errors.ts';
import { visibleAlert } from '../checkins.access.ts';
import { openCareCase } from '../checkins.cases.ts';
import { acknowledgeIn, recordOutcomeIn } from '../checkins.ladder.ts';
import { findAlert } from '../checkins.alertLog.ts';
import { type AlertRow } from '../checkins.repository.ts';
import { SERIOUS_OUTCOMES, type Outcome } from '../checkins.words.ts';

/**
 * Whoever the ladder reached takes the alert on (acknowledges: the climb stops), goes or phones, and
 * records the outcome. The first to acknowledge holds it; a second gets 409 naming when it was taken.
 */
export async function acknowledgeAlert(platform: Platform, by: By, id: string): Promise<AlertRow> {
  return runAudited(platform, by, async (trx) => {
    const alert = await visibleAlert(trx, by.actor, id);
    authorize(by.actor, 'checkin.respond', alert.microgrid_code);
    if (alert.outcome !== null)
      throw conflict('checkin.outcome_recorded', 'This alert has its outcome already.', { outcome: alert.outcome });
    if (!(await acknowledgeIn(platform, trx, alert, by.actor))) {
      throw conflict('checkin.already_acknowledged', 'Someone has taken this alert on already.', { acknowledgedAt: alert.acknowledged_at });
    }
    return {
      result: (await findAlert(trx, id))!,
      audit: { action: 'checkin.ack', objectType: 'care_alert', objectId: id, summary: { rung: alert.rung } },
    };
  });
}

/**
 * A person's outcome ends the alert (DOMAIN.md §5: every alert ends with one). Ill, hospital and
 * dead tell the command centre and open a private care case (category 1101, after the outcome has
 * committed; the sweeper retries if that fails). The note stays on the alert, out of the audit trail.
 */
export async function recordOutcome(
  platform: Platform,
  by: By,
  id: string,
  input: { outcome: Outcome; note?: string | null },
): Promise<AlertRow> {
  await runAudited(platform, by, async (trx) => {
    const current = await visibleAlert(trx, by.actor, id);
    authorize(by.actor, 'checkin.respond', current.microgrid_code);
    const ended = await recordOutcomeIn(platform, trx, current, input.outcome, input.note?.trim() || null, by.actor);
    if (!ended) throw conflict('checkin.outcome_recorded', 'This alert has its outcome already.', { outcome: current.outcome });
    return {
      result: ended,
      audit: {
        action: 'checkin.outcome',
        objectType: 'care_alert',
        objectId: id,
        summary: {
          outcome: input.outcome,
          minutesAfterDeadline: Math.round((Date.parse(ended.outcome_at!) - Date.parse(current.due_at)) / 60_000),
        },
      },
    };
  });
  if (SERIOUS_OUTCOMES.includes(input.outcome)) await openCareCase(platform, id, by);
  return (await findAlert(platform.database.db, id))!;
}
