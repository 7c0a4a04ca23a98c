import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import { businessDate } from '../../../platform/clock.ts';
import type { Platform } from '../../../platform/context.ts';
import { lockForTransaction } from '../../../platform/db/dialect.ts';
import { conflict, notFound, staleVersion, unprocessable } from '../../../platform/http/errors.ts';
import { findWorkerAccount, followWorkerService } from '../../accounts/commands/followWorkerService.ts';
import { lookupUnit } from '../../org/org.queries.ts';
import {
  findResident,
  findWorker,
  findWorkerByUser,
  insertWorkerRow,
  serveMicrogrid,
  touchWorker,
  workersOfMicrogrid,
  type WorkerRow,
} from '../people.repository.ts';
import { keepingRule, microgridHasWorker, stopServing } from '../people.rules.ts';

export interface WorkerAssignment {
  residentId: string;
  microgridCode: string;
  /** Link this worker account (role microgrid_worker) to the person; its scope follows the registry. */
  username?: string;
  /** When the micro-grid already has a worker: hand it over in the same step instead of refusing. */
  replace?: boolean;
}

/**
 * Makes a resident the worker (微网格员) of a micro-grid, or adds a micro-grid to a worker (one person
 * may look after a neighbouring micro-grid too). A micro-grid has one worker: a second is refused
 * unless `replace` hands it over. The worker's account, if any, is scoped to exactly the
 * micro-grids served, in the same transaction.
 */
export async function assignWorker(platform: Platform, by: By, input: WorkerAssignment): Promise<WorkerRow> {
  authorize(by.actor, 'people.write', input.microgridCode);
  const unit = await lookupUnit(platform.database.db, input.microgridCode);
  if (unit?.level !== 'microgrid') throw unprocessable('people.bad_microgrid', `${input.microgridCode} is not a micro-grid.`);
  const write = runAudited(platform, by, async (trx) => {
    // One assignment at a time per district on PostgreSQL, so "one worker per micro-grid" holds under races.
    await lockForTransaction(trx, platform.database.kind, 'people.worker_assignment');
    const resident = await findResident(trx, input.residentId);
    if (!resident || !can(by.actor, 'people.read', resident.microgrid_code)) throw notFound('resident', input.residentId);
    const at = platform.clock.now().toISOString();
    const today = businessDate(platform.clock.now(), platform.config.timeZone);
    const replaced = await handOver(trx, input, at);
    let worker = await findWorker(trx, resident.id);
    if (worker?.microgrids.includes(input.microgridCode)) {
      throw conflict('people.already_serving', 'This person already serves the micro-grid.');
    }
    const userId = await accountToLink(trx, worker, input.username);
    if (!worker) {
      await insertWorkerRow(trx, { resident_id: resident.id, user_id: userId, since: today, created_at: at });
      worker = { resident_id: resident.id, user_id: userId, since: today, version: 1, microgrids: [] };
    } else {
      if (!(await touchWorker(trx, resident.id, worker.version, at, userId))) throw staleVersion(worker.version);
      worker = { ...worker, user_id: userId, version: worker.version + 1 };
    }
    await serveMicrogrid(trx, resident.id, input.microgridCode, today);
    const microgrids = [...worker.microgrids, input.microgridCode];
    if (userId) await followWorkerService(trx, userId, microgrids);
    return {
      result: { ...worker, microgrids },
      audit: {
        action: 'people.assign_worker',
        objectType: 'worker',
        objectId: resident.id,
        summary: { microgridCode: input.microgridCode, replaced, linkedAccount: input.username ?? null },
      },
    };
  });
  return keepingRule(write, microgridHasWorker);
}

/** The micro-grid's current worker steps down when `replace` is asked; otherwise a 409 names the conflict. */
async function handOver(trx: Trx, input: WorkerAssignment, at: string): Promise<string | null> {
  const current = (await workersOfMicrogrid(trx, input.microgridCode)).filter((id) => id !== input.residentId);
  if (current.length === 0) return null;
  if (!input.replace) {
    throw microgridHasWorker({ residentId: current[0] });
  }
  for (const residentId of current) await stopServing(trx, residentId, input.microgridCode, at);
  return current[0];
}

async function accountToLink(trx: Trx, worker: WorkerRow | undefined, username: string | undefined): Promise<string | null> {
  if (username === undefined) return worker?.user_id ?? null;
  const account = await findWorkerAccount(trx, username);
  if (!account) throw unprocessable('people.bad_worker_account', `${username} is not an enabled worker account.`);
  if (worker?.user_id && worker.user_id !== account.id) {
    throw conflict('people.worker_has_account', 'This worker already has another account.');
  }
  const holder = await findWorkerByUser(trx, account.id);
  if (holder && holder.resident_id !== worker?.resident_id) {
    throw conflict('people.account_taken', 'That account already belongs to another worker.');
  }
  return account.id;
}
