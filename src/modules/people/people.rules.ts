import type { Trx } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { conflict } from '../../platform/http/errors.ts';
import { indexOf } from './people.personalData.ts';
import { findHouseholdAt, findResidentByIdNumberIndex } from './people.repository.ts';

/**
 * The registry's rules that span rows, checked inside the writing command's transaction: one entry
 * per person, one household per address of a micro-grid.
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
    if (holder && holder.id !== except) throw conflict('people.duplicate_id_number', 'This ID number is already registered.');
  }
}

/**
 * An address names one household in its micro-grid: it is how the office, the spreadsheets and the
 * worker tell households apart. Two families behind one door plate are written apart (12号, 12号附1号).
 */
export async function requireFreeAddress(trx: Trx, microgridCode: string, address: string, except?: string): Promise<void> {
  const holder = await findHouseholdAt(trx, microgridCode, address);
  if (holder && holder.id !== except) {
    throw conflict('people.duplicate_address', 'A household at this address is already registered in the micro-grid.', {
      householdId: holder.id,
    });
  }
}
