import { monotonicFactory } from 'ulid';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { forbidden, unprocessable } from '../../../platform/http/errors.ts';
import { once } from '../../../platform/idempotency.ts';
import { householdDetail } from '../../people/people.queries.ts';
import { MAX_PROMISE_DAYS, type ErrandKind } from '../errands.kinds.ts';
import { addErrandTallies, findErrand, insertErrand, type ErrandRow } from '../errands.repository.ts';
import { countEvent, errandTallyRules } from '../errands.tally.ts';

const ulid = monotonicFactory();

export interface NewErrand {
  householdId: string;
  /** For whom: a member of the household; absent for the household as a whole. */
  residentId?: string;
  kind: ErrandKind;
  what: string;
  /** ISO-8601 UTC. */
  promisedBy: string;
}

/**
 * A worker takes on an errand for a household of their micro-grids (帮办代办, DOMAIN.md §4): what,
 * for whom, promised by when. A household outside their micro-grids is 404, as if it did not exist.
 * Phones retry: the same `Idempotency-Key` gives the same errand.
 */
export async function logErrand(
  platform: Platform,
  by: By,
  input: NewErrand,
  options: { idempotencyKey?: string } = {},
): Promise<{ errand: ErrandRow; replayed: boolean }> {
  const { db } = platform.database;
  const now = platform.clock.now();
  const call = options.idempotencyKey ? { callerId: by.actor.id, key: options.idempotencyKey, request: input } : null;
  const answer = await once<{ id: string }>(db, call, now, async (remember) => {
    if (by.actor.role !== 'microgrid_worker' || by.actor.type !== 'user') throw forbidden('errand.log');
    // Masked, and 404 outside the worker's micro-grids.
    const household = await householdDetail(platform, by.actor, input.householdId);
    authorize(by.actor, 'errand.log', household.microgridCode);
    if (input.residentId !== undefined && !household.members.some((member) => member.id === input.residentId)) {
      throw unprocessable('errand.not_a_member', 'The resident is not a member of this household.', { residentId: input.residentId });
    }
    if (input.promisedBy <= now.toISOString()) {
      throw unprocessable('errand.promise_in_past', 'Promise a time still to come.', { promisedBy: input.promisedBy });
    }
    if (Date.parse(input.promisedBy) - now.getTime() > MAX_PROMISE_DAYS * 86_400_000) {
      throw unprocessable('errand.promise_too_far', `Promise a time within ${MAX_PROMISE_DAYS} days.`, { promisedBy: input.promisedBy });
    }
    const id = await runAudited(platform, by, async (trx) => {
      const at = now.toISOString();
      const row: ErrandRow = {
        id: ulid(now.getTime()),
        household_id: household.id,
        resident_id: input.residentId ?? null,
        microgrid_code: household.microgridCode,
        worker_user_id: by.actor.id,
        kind: input.kind,
        what: input.what.trim(),
        promised_by: input.promisedBy,
        state: 'logged',
        done_at: null,
        confirmed_at: null,
        confirmed_via: null,
        link_hash: null,
        link_expires_at: null,
        cancelled_at: null,
        cancel_reason: null,
        overdue_notified_at: null,
        created_at: at,
        updated_at: at,
        version: 1,
      };
      await insertErrand(trx, row);
      await addErrandTallies(trx, countEvent(errandTallyRules(platform), row, 'logged', now));
      await remember(trx, 201, { id: row.id });
      return {
        result: row.id,
        // Ids and codes only: what was done and for whom stay out of the audit trail.
        audit: {
          action: 'errand.log',
          objectType: 'errand',
          objectId: row.id,
          summary: { kind: row.kind, householdId: row.household_id, microgridCode: row.microgrid_code, promisedBy: row.promised_by },
        },
      };
    });
    return { status: 201, body: { id }, replayed: false };
  });
  const errand = await findErrand(db, answer.body.id);
  return { errand: errand!, replayed: answer.replayed };
}
