import { systemActor } from '../../../platform/authz/actor.ts';
import { runAudited } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError, tooManyRequests } from '../../../platform/http/errors.ts';
import type { LoginThrottle } from '../accounts.loginThrottle.ts';
import { clearLoginFailures, findUserByUsername, insertSession, recordLoginFailure, type UserRow } from '../accounts.repository.ts';
import { burnPasswordCheck, csrfTokenFor, newToken, sha256, verifyPassword } from '../accounts.secrets.ts';

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  requestId: string | null;
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: UserRow;
}

const invalidCredentials = () => new AppError(401, 'auth.invalid_credentials', 'Wrong username or password.');

/**
 * Signs a user in. After LOGIN_MAX_FAILURES wrong passwords in a row the account is locked for
 * LOGIN_LOCK_MINUTES (429 with Retry-After, even for the right password). Every attempt that
 * reaches an account is audited; the password is never logged or stored in clear.
 */
export async function login(platform: Platform, throttle: LoginThrottle, input: LoginInput): Promise<LoginResult> {
  const { config, clock, database } = platform;
  const now = clock.now();
  throttle.take(input.ip, now.getTime());
  const user = await findUserByUsername(database.db, input.username);
  if (!user || user.disabled) {
    await burnPasswordCheck(input.password);
    throw invalidCredentials();
  }
  const lockedFor = user.locked_until ? Math.ceil((Date.parse(user.locked_until) - now.getTime()) / 1000) : 0;
  if (lockedFor > 0) throw accountLocked(lockedFor);

  const by = { actor: systemActor('auth'), requestId: input.requestId };
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const failures = user.failed_logins + 1;
    const locks = failures >= config.loginMaxFailures;
    const lockedUntil = locks ? new Date(now.getTime() + config.loginLockMinutes * 60_000).toISOString() : null;
    await runAudited(platform, by, async (trx) => {
      await recordLoginFailure(trx, user.id, locks ? 0 : failures, lockedUntil);
      return {
        result: null,
        audit: { action: 'auth.login_failed', objectType: 'user', objectId: user.id, summary: { failures, locked: locks } },
      };
    });
    throw invalidCredentials();
  }

  const token = newToken();
  const expiresAt = new Date(now.getTime() + config.sessionTtlHours * 3_600_000).toISOString();
  // Audited as the user who just proved who they are; scope plays no part in an audit record.
  const self = {
    type: 'user' as const,
    id: user.id,
    label: user.username,
    role: user.role,
    scope: { kind: 'microgrids' as const, codes: [] },
  };
  await runAudited(platform, { actor: self, requestId: input.requestId }, async (trx) => {
    if (user.failed_logins > 0 || user.locked_until) await clearLoginFailures(trx, user.id);
    await insertSession(trx, { token_hash: sha256(token), user_id: user.id, created_at: now.toISOString(), expires_at: expiresAt });
    return { result: null, audit: { action: 'auth.login', objectType: 'user', objectId: user.id, summary: { expiresAt } } };
  });
  return { token, csrfToken: csrfTokenFor(platform.secrets.sessionSecret, token), expiresAt, user };
}

function accountLocked(seconds: number): AppError {
  return tooManyRequests('auth.locked', 'Too many wrong passwords: this account is locked for a while.', seconds);
}
