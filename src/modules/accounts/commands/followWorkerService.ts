import type { Trx } from '../../../platform/command.ts';
import { findUserByUsername, setWorkerMicrogrids, type UserRow } from '../accounts.repository.ts';

/**
 * A worker account's scope is exactly the micro-grids its person serves in the registry (DOMAIN.md
 * §2): when the registry assigns or unassigns a micro-grid, it calls this inside its own
 * transaction so that the account and the registry never disagree. Scopes are read per request,
 * so the change applies to signed-in sessions at once.
 */
export async function followWorkerService(trx: Trx, userId: string, microgrids: string[]): Promise<void> {
  await setWorkerMicrogrids(trx, userId, [...microgrids].sort());
}

/** The enabled worker account with this username, for linking it to a person in the registry. */
export async function findWorkerAccount(trx: Trx, username: string): Promise<Pick<UserRow, 'id' | 'username' | 'role'> | undefined> {
  const user = await findUserByUsername(trx, username);
  return user && user.role === 'microgrid_worker' && !user.disabled ? user : undefined;
}
