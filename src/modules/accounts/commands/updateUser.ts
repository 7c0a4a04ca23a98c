import { authorize } from '../../../platform/authz/policy.ts';
import type { Role } from '../../../platform/authz/roles.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { staleVersion } from '../../../platform/http/errors.ts';
import { deleteUserSessions, setWorkerMicrogrids, updateUserRow, type UserRow } from '../accounts.repository.ts';
import { getVisibleUser } from '../accounts.subjects.ts';
import { checkScopeFitsRole, requireScope } from '../accounts.validation.ts';

export interface UpdateUserInput {
  version: number;
  displayName?: string;
  role?: Role;
  scopeCode?: string | null;
  microgrids?: string[];
  disabled?: boolean;
}

/**
 * Changes an account. The actor must be allowed to manage it both as it was and as it will be, so
 * nobody can pull an account in from outside their scope or push one out of it. A change of role,
 * scope or a disabling ends the account's sessions.
 */
export async function updateUser(platform: Platform, by: By, id: string, input: UpdateUserInput): Promise<UserRow> {
  const { db } = platform.database;
  const { user, subject: before } = await getVisibleUser(db, by.actor, id);
  authorize(by.actor, 'user.update', before);
  const role = input.role ?? user.role;
  const scopeCode = role === 'microgrid_worker' ? null : input.scopeCode === undefined ? user.scope_code : input.scopeCode;
  const microgrids = role === 'microgrid_worker' ? (input.microgrids ?? before.microgrids) : [];
  const after = { role, scopeCode, microgrids };
  requireScope(role, scopeCode, microgrids);
  authorize(by.actor, 'user.update', after);
  await checkScopeFitsRole(db, role, scopeCode, microgrids);

  const at = platform.clock.now().toISOString();
  const changes: Partial<UserRow> = { role, scope_code: scopeCode, updated_at: at };
  if (input.displayName !== undefined) changes.display_name = input.displayName;
  if (input.disabled !== undefined) changes.disabled = input.disabled ? 1 : 0;
  const accessChanged =
    role !== user.role || scopeCode !== user.scope_code || String(microgrids) !== String(before.microgrids) || input.disabled === true;

  return runAudited(platform, by, async (trx) => {
    if (!(await updateUserRow(trx, id, input.version, changes))) throw staleVersion(user.version);
    if (role === 'microgrid_worker' || user.role === 'microgrid_worker') await setWorkerMicrogrids(trx, id, microgrids);
    if (accessChanged) await deleteUserSessions(trx, id);
    const summary = {
      before: { role: user.role, scopeCode: user.scope_code, microgrids: before.microgrids, disabled: user.disabled === 1 },
      after: { ...after, disabled: (changes.disabled ?? user.disabled) === 1 },
    };
    return {
      result: { ...user, ...changes, version: input.version + 1 },
      audit: { action: 'user.update', objectType: 'user', objectId: id, summary },
    };
  });
}
