import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError } from '../../../platform/http/errors.ts';
import { deleteUserSessions, findUserById, updateUserRow } from '../accounts.repository.ts';
import { hashPassword, verifyPassword } from '../accounts.secrets.ts';
import { getVisibleUser } from '../accounts.subjects.ts';
import { checkPasswordStrength } from '../accounts.validation.ts';

/** An admin (or the CLI) sets someone's password; every session of that account ends. */
export async function resetPassword(platform: Platform, by: By, id: string, password: string): Promise<void> {
  const { subject } = await getVisibleUser(platform.database.db, by.actor, id);
  authorize(by.actor, 'user.update', subject);
  await storePassword(platform, by, id, password, 'user.password_reset');
}

/** A user changes their own password, proving the current one; their sessions end, so sign in again. */
export async function changeOwnPassword(platform: Platform, by: By, currentPassword: string, newPassword: string): Promise<void> {
  const user = await findUserById(platform.database.db, by.actor.id);
  if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
    throw new AppError(422, 'user.wrong_current_password', 'The current password is wrong.');
  }
  await storePassword(platform, by, user.id, newPassword, 'user.password_change');
}

async function storePassword(platform: Platform, by: By, id: string, password: string, action: string): Promise<void> {
  checkPasswordStrength(password);
  const passwordHash = await hashPassword(password);
  await runAudited(platform, by, async (trx) => {
    const user = await findUserById(trx, id);
    if (!user) throw new AppError(404, 'user.not_found', 'No such user.');
    const at = platform.clock.now().toISOString();
    await updateUserRow(trx, id, user.version, { password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: at });
    await deleteUserSessions(trx, id);
    return { result: null, audit: { action, objectType: 'user', objectId: id } };
  });
}
