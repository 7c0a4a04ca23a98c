import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { findUsernamesById, listApiKeys, listUsers, microgridsOfUsers, type ApiKeyRow, type UserRow } from './accounts.repository.ts';

/** Users inside the actor's scope, a page at a time (cursor: the last username seen). */
export async function listVisibleUsers(
  db: Db,
  actor: Actor,
  filter: { role?: string; after?: string; limit: number },
): Promise<{ users: UserRow[]; microgrids: Map<string, string[]>; nextCursor: string | null }> {
  authorize(actor, 'user.list');
  const users = await listUsers(db, { scopePrefixes: scopePrefixes(actor.scope), ...filter, limit: filter.limit + 1 });
  const page = users.slice(0, filter.limit);
  const microgrids = await microgridsOfUsers(
    db,
    page.filter((u) => u.role === 'microgrid_worker').map((u) => u.id),
  );
  return { users: page, microgrids, nextCursor: users.length > filter.limit ? page[page.length - 1].username : null };
}

export async function listVisibleApiKeys(db: Db, actor: Actor): Promise<ApiKeyRow[]> {
  authorize(actor, 'apikey.list');
  return listApiKeys(db, scopePrefixes(actor.scope));
}

/** Usernames of accounts by id, for showing a linked account by the name people know it by. */
export async function usernamesById(db: Db, ids: string[]): Promise<Map<string, string>> {
  const users = await findUsernamesById(db, ids);
  return new Map(users.map((u) => [u.id, u.username]));
}
