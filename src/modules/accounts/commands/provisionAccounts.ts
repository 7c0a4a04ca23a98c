import { authorize } from '../../../platform/authz/policy.ts';
import type { Role } from '../../../platform/authz/roles.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { insertUsers, insertWorkerMicrogrids, newUserRow, type UserRow } from '../accounts.repository.ts';
import { hashPassword } from '../accounts.secrets.ts';
import { checkPasswordStrength, checkScopesFitRoles, requireScope } from '../accounts.validation.ts';

export interface AccountToProvision {
  username: string;
  displayName: string;
  role: Role;
  scopeCode: string | null;
  microgrids: string[];
}

/**
 * Creates many accounts that share one initial password (a district's staff at setup, the demo's
 * thousands of accounts): the password is hashed once, the rows go in together, one audit record
 * lists how many of each role. Every account must still be one the actor may grant.
 */
export async function provisionAccounts(platform: Platform, by: By, password: string, accounts: AccountToProvision[]): Promise<UserRow[]> {
  checkPasswordStrength(password);
  for (const account of accounts) {
    requireScope(account.role, account.scopeCode, account.microgrids);
    authorize(by.actor, 'user.create', account);
  }
  await checkScopesFitRoles(platform.database.db, accounts);
  const passwordHash = await hashPassword(password);
  const at = platform.clock.now().toISOString();
  const rows = accounts.map((account) => newUserRow(account, passwordHash, at));

  const byRole: Record<string, number> = {};
  for (const account of accounts) byRole[account.role] = (byRole[account.role] ?? 0) + 1;
  return runAudited(platform, by, async (trx) => {
    await insertUsers(trx, rows);
    await insertWorkerMicrogrids(
      trx,
      rows.flatMap((row, i) => accounts[i].microgrids.map((code) => ({ user_id: row.id, microgrid_code: code }))),
    );
    return { result: rows, audit: { action: 'user.provision', objectType: 'user', summary: { accounts: rows.length, byRole } } };
  });
}
