import type { Actor } from '../../../platform/authz/actor.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { staleVersion } from '../../../platform/http/errors.ts';
import { notify } from '../../../platform/notify/notify.enqueue.ts';
import { planTransition, type Plan } from '../../../platform/workflow/workflow.ts';
import { ACTION_EFFECTS, type ActionInput, type Outcome } from '../cases.actions.ts';
import { dueAfter, stageLimit, tallyRules, workCalendar } from '../cases.deadlines.ts';
import { caseContext, visibleCase } from '../cases.access.ts';
import { requireAttachments } from '../cases.rules.ts';
import { addTallies, insertEvent, updateCase, type CaseRow } from '../cases.repository.ts';
import { tallyStep } from '../cases.tally.ts';

import { caseWorkflow, type CaseState } from '../cases.workflow.ts';

export interface CaseActionRequest extends ActionInput {
  action: string;
  /** The version the caller saw: acting on an old picture of the case is refused (409). */
  version: number;
}

/**
 * Takes one action of the case workflow: checks it against the state machine and the caller,
 * applies the action's own effect, restarts or keeps the stage clock, writes the case, its timeline
 * event, the audit record and the notifications in one transaction.
 */
export async function actOnCase(platform: Platform, by: By, caseId: string, request: CaseActionRequest): Promise<CaseRow> {
  await requireAttachments(platform, request.attachments);
  return runAudited(platform, by, async (trx) => {
    const { kase, handlers } = await visibleCase(trx, by.actor, caseId);
    if (kase.version !== request.version) throw staleVersion(kase.version);
    const plan = planTransition(caseWorkflow, kase.state as CaseState, request.action, caseContext(by.actor, kase, handlers), request.note);
    const now = platform.clock.now();
    const calendar = await workCalendar(platform, trx);
    const effect = ACTION_EFFECTS[plan.action];
    const outcome: Outcome = effect ? await effect({ platform, trx, kase, handlers, actor: by.actor, input: request, now, calendar }) : {};
    const changes: Partial<CaseRow> = { ...outcome.changes, state: plan.to, updated_at: now.toISOString() };
    Object.assign(changes, await nextClock(platform, trx, kase, changes, plan, outcome, now));
    const tally = tallyStep(tallyRules(platform), plan.action, kase, { ...kase, ...changes }, now);
    Object.assign(changes, tally.bookkeeping);
    if (!(await updateCase(trx, kase.id, kase.version, changes))) throw staleVersion(kase.version + 1);
    await addTallies(trx, tally.increments);
    const eventId = await insertEvent(trx, {
      case_id: kase.id,
      action: plan.action,
      from_state: plan.from,
      to_state: plan.to,
      actor_id: by.actor.id,
      actor_label: by.actor.label,
      actor_role: by.actor.role,
      unit_code: actorUnit(by.actor),
      note: request.note?.trim() || null,
      details: JSON.stringify({ ...(request.attachments?.length ? { attachments: request.attachments } : {}), ...outcome.details }),
      deadline: changes.stage_due_at ?? kase.stage_due_at,
      at: now.toISOString(),
    });
    for (const notification of outcome.notifications ?? []) {
      await notify(platform, trx, { ...notification, dedupeKey: `case:${kase.id}:${eventId}:${JSON.stringify(notification.recipient)}` });
    }
    const updated = { ...kase, ...changes, version: kase.version + 1 };
    return {
      result: updated,
      audit: {
        action: `case.${plan.action}`,
        objectType: 'case',
        objectId: kase.id,
        summary: { from: plan.from, to: plan.to, ...(outcome.details ?? {}) },
      },
    };
  });
}

/**
 * The stage clock after the action: an action that keeps the deadline leaves it running; one that
 * moves to a new stage starts that stage's limit from now (a new stay, so escalation starts again
 * from its first rung); an approved extension moves the running deadline.
 */
async function nextClock(
  platform: Platform,
  trx: Trx,
  kase: CaseRow,
  changes: Partial<CaseRow>,
  plan: Plan<CaseState>,
  outcome: Outcome,
  now: Date,
): Promise<Partial<CaseRow>> {
  const newStay = { stage_seq: kase.stage_seq + 1, rung: 0, stage_started_at: now.toISOString() };
  if (outcome.deadline) return { ...newStay, stage_due_at: outcome.deadline, due_at: outcome.deadline };
  if (plan.keepsDeadline) return {};
  if (!plan.timeLimit) return { ...newStay, stage_due_at: null, due_at: null };
  const conditionCode = changes.condition_code !== undefined ? changes.condition_code : kase.condition_code;
  const limit = await stageLimit(trx, plan.timeLimit, conditionCode);
  let due = dueAfter(await workCalendar(platform, trx), now, limit);
  // A source's own deadline (12345's 办理时限) holds when it is sooner than the catalogue's.
  if (plan.timeLimit === 'handling' && kase.external_due_at && kase.external_due_at < due) due = kase.external_due_at;
  return { ...newStay, stage_due_at: due, due_at: due, ...(plan.timeLimit === 'handling' ? { handling_due_at: due } : {}) };
}

function actorUnit(actor: Actor): string | null {
  return actor.scope.kind === 'microgrids' ? (actor.scope.codes[0] ?? null) : actor.scope.code || null;
}
