import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound } from '../../../platform/http/errors.ts';
import { findResident, type WorkerRow } from '../people.repository.ts';
import { stopServing } from '../people.rules.ts';

/**
 * A worker stops looking after a micro-grid (moved away, stepped down, handed it to a neighbour).
 * When it was their last, they are no longer a worker and their account sees nothing until assigned again.
 */
export async function unassignWorker(platform: Platform, by: By, residentId: string, microgridCode: string): Promise<WorkerRow> {
  authorize(by.actor, 'people.write', microgridCode);
  return runAudited(platform, by, async (trx) => {
    const resident = await findResident(trx, residentId);
    if (!resident || !can(by.actor, 'people.read', microgridCode)) throw notFound('worker', residentId);
    const worker = await stopServing(trx, residentId, microgridCode, platform.clock.now().toISOString());
    return {
      result: worker,
      audit: { action: 'people.unassign_worker', objectType: 'worker', objectId: residentId, summary: { microgridCode } },
    };
  });
}
