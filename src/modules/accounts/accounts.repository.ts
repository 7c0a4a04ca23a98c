import { underPrefixes } from '../../platform/db/prefix.ts';
import { insertInBatches } from '../../platform/db/batch.ts';
import { selectReusable } from '../../platform/db/reusable.ts';
import { ulid } from 'ulid';
import type { Transaction } from 'kysely';
import type { Db, Tables } from '../../platform/db/database.ts';
import type { Scope } from '../../platform/authz/actor.ts';
import type { ApiKeyTable, AppUserTable, SessionTable } from './accounts.tables.ts';
import './accounts.tables.ts';

/** All SQL of the accounts module. Lists filter by the caller's scope here, not in the routes. */
type Executor = Db | Transaction<Tables>;

export type UserRow = AppUserTable;

/** A new, enabled account row; workers carry no scope unit (their micro-grids are rows of their own). */
export function newUserRow(
  account: { username: string; displayName: string; role: UserRow['role']; scopeCode: string | null },
  passwordHash: string,
  at: string,
): UserRow {
  return {
    id: ulid(),
    username: account.username,
    display_name: account.displayName,
    password_hash: passwordHash,
    role: account.role,
    scope_code: account.role === 'microgrid_worker' ? null : account.scopeCode,
    disabled: 0,
    failed_logins: 0,
    locked_until: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}
export type ApiKeyRow = ApiKeyTable;

export function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function workerMicrogrids(db: Executor, userId: string): Promise<string[]> {
  const rows = await selectReusable(db, 'microgrids of a worker', [userId], () =>
    db.selectFrom('user_microgrid').select('microgrid_code').where('user_id', '=', userId).orderBy('microgrid_code'),
  );
  return rows.map((row) => row.microgrid_code);
}

export async function insertUser(db: Executor, user: UserRow): Promise<void> {
  await db.insertInto('app_user').values(user).execute();
}

export async function updateUserRow(db: Executor, id: string, version: number, changes: Partial<UserRow>): Promise<boolean> {
  const result = await db
    .updateTable('app_user')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordLoginFailure(db: Executor, id: string, failures: number, lockedUntil: string | null): Promise<void> {
  await db.updateTable('app_user').set({ failed_logins: failures, locked_until: lockedUntil }).where('id', '=', id).execute();
}

export async function clearLoginFailures(db: Executor, id: string): Promise<void> {
  await db.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}

export interface UserListFilter {
  /** Code prefixes the caller may see (one for office roles). */
  scopePrefixes: string[];
  role?: string;
  after?: string;
  limit: number;
}

/** Users whose scope unit lies inside the caller's scope (workers: by their micro-grids), by username. */
export function listUsers(db: Executor, filter: UserListFilter): Promise<UserRow[]> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where((eb) =>
      eb.or([
        underPrefixes('scope_code', filter.scopePrefixes),
        eb('id', 'in', eb.selectFrom('user_microgrid').select('user_id').where(underPrefixes('microgrid_code', filter.scopePrefixes))),
      ]),
    )
    .$if(filter.role !== undefined, (q) => q.where('role', '=', filter.role as UserRow['role']))
    .$if(filter.after !== undefined, (q) => q.where('username', '>', filter.after!))
    .orderBy('username')
    .limit(filter.limit)
    .execute();
}

export async function insertSession(db: Executor, session: SessionTable): Promise<void> {
  await db.insertInto('session').values(session).execute();
}

/** The signed-in user behind a session token (every request asks). */
export async function findSessionUser(db: Executor, tokenHash: string, now: string) {
  const [user] = await selectReusable(db, 'user of a live session', [tokenHash, now], () =>
    db
      .selectFrom('session')
      .innerJoin('app_user', 'app_user.id', 'session.user_id')
      .select(['app_user.id', 'app_user.username', 'app_user.role', 'app_user.scope_code', 'app_user.disabled'])
      .where('session.token_hash', '=', tokenHash)
      .where('session.expires_at', '>', now),
  );
  return user;
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('session').where('token_hash', '=', tokenHash).execute();
}

export async function deleteUserSessions(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('session').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Executor, now: string): Promise<number> {
  const result = await db.deleteFrom('session').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function findActiveApiKey(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_key').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
}

export function findApiKey(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertApiKey(db: Executor, key: ApiKeyRow): Promise<void> {
  await db.insertInto('api_key').values(key).execute();
}

export async function revokeApiKeyRow(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('api_key').set({ revoked_at: at }).where('id', '=', id).execute();
}

export function listApiKeys(db: Executor, scopePrefixes: string[]): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_key').selectAll().where(underPrefixes('scope_code', scopePrefixes)).orderBy('created_at', 'desc').execute();
}

/** Scope of a signed-in user as the authz core sees it. */
export async function scopeOfUser(db: Executor, user: Pick<UserRow, 'id' | 'role' | 'scope_code'>): Promise<Scope> {
  if (user.role === 'microgrid_worker') return { kind: 'microgrids', codes: await workerMicrogrids(db, user.id) };
  // An office account without a unit sees nothing; '' would be a prefix of everything.
  if (!user.scope_code) return { kind: 'microgrids', codes: [] };
  if (user.role === 'department_staff') return { kind: 'department', code: user.scope_code };
  return { kind: 'unit', code: user.scope_code };
}

/** Records when a key was last used, at most once a minute so busy devices do not write per request. */
export async function touchApiKey(db: Executor, key: ApiKeyRow, now: Date): Promise<void> {
  if (key.last_used_at && now.getTime() - Date.parse(key.last_used_at) < 60_000) return;
  await db.updateTable('api_key').set({ last_used_at: now.toISOString() }).where('id', '=', key.id).execute();
}

/** Replaces the micro-grids a worker serves. */
export async function setWorkerMicrogrids(db: Executor, userId: string, microgrids: string[]): Promise<void> {
  await db.deleteFrom('user_microgrid').where('user_id', '=', userId).execute();
  if (microgrids.length === 0) return;
  await db
    .insertInto('user_microgrid')
    .values(microgrids.map((code) => ({ user_id: userId, microgrid_code: code })))
    .execute();
}

/** The micro-grids of each of the given workers. */
export async function microgridsOfUsers(db: Executor, userIds: string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db.selectFrom('user_microgrid').selectAll().where('user_id', 'in', userIds).orderBy('microgrid_code').execute();
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row.microgrid_code]);
  return byUser;
}

export function insertUsers(db: Executor, users: UserRow[]): Promise<void> {
  return insertInBatches(db, 'app_user', users);
}

export function insertWorkerMicrogrids(db: Executor, rows: { user_id: string; microgrid_code: string }[]): Promise<void> {
  return insertInBatches(db, 'user_microgrid', rows);
}

/** Lists in `in (...)` stay well under both databases' bound-parameter limits. */
const IN_CHUNK = 500;

/** The usernames of these accounts, read in chunks (an export names every linked worker account). */
export async function findUsernamesById(db: Executor, ids: string[]): Promise<Pick<UserRow, 'id' | 'username'>[]> {
  const unique = [...new Set(ids)];
  const rows: Pick<UserRow, 'id' | 'username'>[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    rows.push(
      ...(await db
        .selectFrom('app_user')
        .select(['id', 'username'])
        .where('id', 'in', unique.slice(i, i + IN_CHUNK))
        .execute()),
    );
  }
  return rows;
}
