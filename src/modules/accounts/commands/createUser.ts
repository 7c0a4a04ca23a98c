import { authorize } from '../../../platform/authz/policy.ts';
import type { Role } from '../../../platform/authz/roles.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { isUniqueViolation } from '../../../platform/db/dialect.ts';
import { conflict } from '../../../platform/http/errors.ts';
import { insertUser, newUserRow, setWorkerMicrogrids, type UserRow } from '../accounts.repository.ts';
import { hashPassword } from '../accounts.secrets.ts';
import { checkPasswordStrength, checkScopeFitsRole, requireScope } from '../accounts.validation.ts';

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scopeCode: string | null;
  microgrids: string[];
}

/** Creates a staff account inside the creator's scope, with a role the creator may grant. */
export async function createUser(platform: Platform, by: By, input: CreateUserInput): Promise<UserRow> {
  requireScope(input.role, input.scopeCode, input.microgrids);
  authorize(by.actor, 'user.create', { role: input.role, scopeCode: input.scopeCode, microgrids: input.microgrids });
  checkPasswordStrength(input.password);
  await checkScopeFitsRole(platform.database.db, input.role, input.scopeCode, input.microgrids);
  const passwordHash = await hashPassword(input.password);
  const at = platform.clock.now().toISOString();
  const user = newUserRow(input, passwordHash, at);

  try {
    return await runAudited(platform, by, async (trx) => {
      await insertUser(trx, user);
      if (input.role === 'microgrid_worker') await setWorkerMicrogrids(trx, user.id, input.microgrids);
      const after = { username: user.username, role: user.role, scopeCode: user.scope_code, microgrids: input.microgrids };
      return { result: user, audit: { action: 'user.create', objectType: 'user', objectId: user.id, summary: { after } } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('user.username_taken', `The username ${input.username} is taken.`);
    throw error;
  }
}
