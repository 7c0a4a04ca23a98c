import type { Trx } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { isUniqueViolation, lockForTransaction } from '../../platform/db/dialect.ts';
import { conflict, notFound, staleVersion, type AppError } from '../../platform/http/errors.ts';
import { followWorkerService } from '../accounts/commands/followWorkerService.ts';
import { indexOf } from './people.personalData.ts';
import {
  deleteWorkerRow,
  findHouseholdAt,
  findResidentByIdNumberIndex,
  findWorker,
  stopServingMicrogrid,
  touchWorker,
  type WorkerRow,
} from './people.repository.ts';

/**
 * The registry's rules that span rows, checked or kept inside the writing command's transaction: one
 * entry per person, one household per address of a micro-grid, a worker's service and their account.
 */

/**
 * One person, one registry entry: an ID number already registered (to anyone but `except`) is a
 * 409 naming nobody, since the caller may not be allowed to know where that person lives.
 */
export async function requireUnusedIdNumbers(
  platform: Platform,
  trx: Trx,
  members: { idNumber?: string | null }[],
  except?: string,
): Promise<void> {
  const numbers = members.map((m) => m.idNumber).filter((n): n is string => !!n);
  if (new Set(numbers).size !== numbers.length) throw conflict('people.duplicate_id_number', 'The same ID number is given twice.');
  for (const number of numbers) {
    const holder = await findResidentByIdNumberIndex(trx, indexOf(platform, 'id_number', number));
    if (holder && holder.id !== except) throw idNumberTaken();
  }
}

/**
 * An address names one household in its micro-grid: it is how the office, the spreadsheets and the
 * worker tell households apart. Two families behind one door plate are written apart (12号, 12号附1号).
 */
export async function requireFreeAddress(
  platform: Platform,
  trx: Trx,
  microgridCode: string,
  address: string,
  except?: string,
): Promise<void> {
  // No index keeps this rule (older registers hold shared door plates), so writers take turns on PostgreSQL.
  await lockForTransaction(trx, platform.database.kind, 'people.household_address');
  const holder = await findHouseholdAt(trx, microgridCode, address);
  if (holder && holder.id !== except) {
    throw conflict('people.duplicate_address', 'A household at this address is already registered in the micro-grid.', {
      householdId: holder.id,
    });
  }
}

/**
 * Ends one micro-grid of a worker's service, for unassigning and for handing a micro-grid over: a
 * worker serving nothing is no longer a worker, and their account's scope follows in the same step.
 */
export async function stopServing(trx: Trx, residentId: string, microgridCode: string, at: string): Promise<WorkerRow> {
  const worker = await findWorker(trx, residentId);
  if (!worker?.microgrids.includes(microgridCode)) throw notFound('worker', `${residentId}/${microgridCode}`);
  await stopServingMicrogrid(trx, residentId, microgridCode);
  const microgrids = worker.microgrids.filter((code) => code !== microgridCode);
  if (microgrids.length === 0) await deleteWorkerRow(trx, residentId);
  else if (!(await touchWorker(trx, residentId, worker.version, at))) throw staleVersion(worker.version);
  if (worker.user_id) await followWorkerService(trx, worker.user_id, microgrids);
  return { ...worker, microgrids, version: worker.version + 1 };
}

export const idNumberTaken = () => conflict('people.duplicate_id_number', 'This ID number is already registered.');
export const microgridHasWorker = (details?: Record<string, unknown>) =>
  conflict('people.microgrid_has_worker', 'The micro-grid already has a worker; hand it over (replace) or unassign first.', details);

/**
 * The database keeps two rules too (one entry per ID number, one worker per micro-grid: migration
 * 0005), for two writers that both passed the check before either committed. The loser gets the
 * same 409 as the check gives, not a 500.
 */
export async function keepingRule<T>(write: Promise<T>, broken: () => AppError): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw broken();
    throw error;
  }
}
