import { systemActor } from '../../platform/authz/actor.ts';
import type { By } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import { reportCase } from '../cases/commands/reportCase.ts';
import { caseIdByExternalRef } from '../cases/cases.external.ts';
import { careResidents } from '../people/people.contact.ts';
import { findAlert, insertAlertEventOnce, setAlertCase } from './checkins.alertLog.ts';
import { findSubject } from './checkins.repository.ts';
import { CARE_CATEGORY, OUTCOME_NAMES, WINDOW_NAMES } from './checkins.words.ts';

/** Who reports a care case when nobody is at hand (the sweeper finishing what a crash interrupted). */
const carePact = systemActor('curtain-pact');

/**
 * Opens the private care case (category 1101 独居老人安全, never in Open311) that an alert's serious
 * outcome (ill, hospital, dead) wants, in the subject's micro-grid, and links it to the alert. Runs
 * after the outcome committed; once per alert: the case's external reference `checkin:<alert id>` is
 * unique, so a retry (the sweeper, another instance) finds the case instead of opening a second.
 * Returns the case id, or null when none is wanted (or it failed, to be retried by the sweeper).
 */
export async function openCareCase(platform: Platform, alertId: string, by: By | null): Promise<string | null> {
  const { db } = platform.database;
  const alert = await findAlert(db, alertId);
  if (!alert || alert.case_wanted !== 1 || !alert.outcome) return alert?.case_id ?? null;
  const ref = `checkin:${alert.id}`;
  let caseId = await caseIdByExternalRef(platform, ref);
  if (!caseId) {
    const subject = await findSubject(db, alert.subject_id);
    const resident = subject ? (await careResidents(platform, db, [subject.resident_id])).get(subject.resident_id) : undefined;
    const what = alert.kind === 'panic' ? '紧急求助' : `${alert.window_name ? WINDOW_NAMES[alert.window_name] : ''}平安确认未响应`;
    const note = alert.outcome_note ? `备注：${alert.outcome_note.slice(0, 300)}` : '';
    try {
      const { kase } = await reportCase(
        platform,
        by ?? { actor: carePact, requestId: null },
        {
          categoryCode: CARE_CATEGORY,
          // The masked name, as the case's readers see residents everywhere.
          description: `关爱对象${resident?.name ?? ''}${alert.day}${what}，上门核实结果：${OUTCOME_NAMES[alert.outcome]}。${note}`,
          areaCode: alert.microgrid_code,
          ...(resident?.address ? { address: resident.address } : {}),
        },
        { source: 'staff', externalRef: ref },
      );
      caseId = kase.id;
    } catch (error) {
      if (!isUniqueViolation(error)) {
        platform.log.error({ alert: alert.id, err: (error as Error).message }, 'could not open the care case; the sweeper retries');
        return null;
      }
      caseId = await caseIdByExternalRef(platform, ref);
      if (!caseId) return null;
    }
  }
  const at = platform.clock.now().toISOString();
  await db.transaction().execute(async (trx) => {
    await setAlertCase(trx, alert.id, caseId, at);
    await insertAlertEventOnce(trx, {
      alert_id: alert.id,
      step: 'case',
      at,
      actor_id: null,
      actor_label: `system:${carePact.label}`,
      details: JSON.stringify({ caseId }),
    });
  });
  return caseId;
}
