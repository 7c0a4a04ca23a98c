import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, notFound } from '../../../platform/http/errors.ts';
import { findOutbox, requeueDeadLetter, type OutboxRow } from '../inbox.repository.ts';

/**
 * Puts a dead letter back in the queue, due now and with a full set of attempts (after the gateway
 * was fixed or the channel re-enabled). The dispatcher sends it on its next round.
 */
export async function retryDeadLetter(platform: Platform, by: By, id: string): Promise<OutboxRow> {
  authorize(by.actor, 'notify.dead_letter.list');
  return runAudited(platform, by, async (trx) => {
    const row = await findOutbox(trx, id);
    if (!row || !can(by.actor, 'notify.dead_letter.retry', row.unit_code)) throw notFound('dead_letter', id);
    const at = platform.clock.now().toISOString();
    if (!(await requeueDeadLetter(trx, id, at)))
      throw conflict('notify.not_dead', 'This message is not a dead letter.', { state: row.state });
    return {
      result: { ...row, state: 'pending', attempts: 0, next_attempt_at: at, claimed_until: null },
      audit: {
        action: 'notify.retry_dead_letter',
        objectType: 'notify_outbox',
        objectId: id,
        summary: { kind: row.channel, unitCode: row.unit_code, attempts: row.attempts, lastError: row.last_error },
      },
    };
  });
}
