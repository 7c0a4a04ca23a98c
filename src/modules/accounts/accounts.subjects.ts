import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../../platform/authz/actor.ts';
import { can } from '../../platform/authz/policy.ts';
import type { Transaction } from 'kysely';
import type { Tables } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { AccountSubject } from './accounts.policy.ts';
import { findUserById, workerMicrogrids, type UserRow } from './accounts.repository.ts';

/** A user row as the policy sees it. */
export async function accountSubject(db: Db | Transaction<Tables>, user: UserRow): Promise<AccountSubject> {
  return {
    role: user.role,
    scopeCode: user.scope_code,
    microgrids: user.role === 'microgrid_worker' ? await workerMicrogrids(db, user.id) : [],
  };
}

/** A user the actor may see, or 404: accounts outside the scope are not acknowledged to exist. */
export async function getVisibleUser(
  db: Db | Transaction<Tables>,
  actor: Actor,
  id: string,
): Promise<{ user: UserRow; subject: AccountSubject }> {
  const user = await findUserById(db, id);
  const subject = user && (await accountSubject(db, user));
  if (!user || !subject || !can(actor, 'user.read', subject)) throw notFound('user', id);
  return { user, subject };
}
