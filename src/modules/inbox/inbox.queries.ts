import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { prefixesWithin } from '../../platform/db/prefix.ts';
import { notFound } from '../../platform/http/errors.ts';
import { maskMobile, maskUrl, openChannel, openPayload } from '../../platform/notify/notify.sealed.ts';
import { lookupUnit } from '../org/org.queries.ts';
import {
  countUnread,
  listChannels,
  listDeadLetters,
  listInbox,
  type Addressee,
  type ChannelRow,
  type DeadLetterRow,
  type InboxMessageRow,
} from './inbox.repository.ts';

/** Read side of the inbox module: my inbox, a unit's channels, the dead letters of my scope. */

/** My inbox: messages to my account, and to the unit or department that is exactly my scope (workers: mine only). */
export function addresseeOf(actor: Actor): Addressee {
  return { userId: actor.id, unitCode: actor.scope.kind === 'microgrids' ? null : actor.scope.code };
}

export function presentMessage(row: InboxMessageRow) {
  return {
    id: row.id,
    unitCode: row.unit_code,
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

export async function myInbox(platform: Platform, actor: Actor, page: { status?: 'unread' | 'read'; after?: string; limit: number }) {
  authorize(actor, 'inbox.read');
  const db = platform.database.db;
  const address = addresseeOf(actor);
  const rows = await listInbox(db, address, { ...page, limit: page.limit + 1 });
  return { ...pageOf(rows, page.limit, presentMessage), unread: await countUnread(db, address) };
}

/** A page from `limit + 1` rows: the extra row, when there is one, says that another page follows. */
function pageOf<Row extends { id: string }, View>(rows: Row[], limit: number, present: (row: Row) => View) {
  const items = rows.slice(0, limit);
  return { items: items.map(present), nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** A channel as lists show it: its key and numbers masked, its secret only as "set". */
export function presentChannel(platform: Platform, row: ChannelRow) {
  const settings = openChannel(platform, row);
  return {
    id: row.id,
    unitCode: row.unit_code,
    kind: row.kind,
    name: row.name,
    url: maskUrl(settings.url),
    hasSecret: settings.secret !== null,
    phones: settings.phones.map(maskMobile),
    enabled: row.enabled === 1,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function channelsOfUnit(platform: Platform, actor: Actor, unitCode: string) {
  authorize(actor, 'notify.channel.manage', unitCode);
  if (!(await lookupUnit(platform.database.db, unitCode))) throw notFound('org_unit', unitCode);
  return (await listChannels(platform.database.db, unitCode)).map((row) => presentChannel(platform, row));
}

export function presentDeadLetter(platform: Platform, row: DeadLetterRow) {
  const payload = openPayload(platform, row.payload_enc);
  return {
    id: row.id,
    unitCode: row.unit_code,
    kind: row.channel,
    channelId: row.channel_id,
    channelName: row.channel_name,
    title: payload.title,
    to: payload.to ? maskMobile(payload.to) : null,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    failedAt: row.next_attempt_at,
  };
}

/** Dead letters of my scope (or of one unit's subtree inside it), newest first. */
export async function deadLettersOf(platform: Platform, actor: Actor, filter: { unit?: string; after?: string; limit: number }) {
  authorize(actor, 'notify.dead_letter.list');
  const scope = scopePrefixes(actor.scope);
  const rows = await listDeadLetters(platform.database.db, {
    prefixes: filter.unit === undefined ? scope : prefixesWithin(scope, filter.unit),
    withoutUnit: filter.unit === undefined && actor.role === 'district_admin',
    after: filter.after,
    limit: filter.limit + 1,
  });
  return pageOf(rows, filter.limit, (row) => presentDeadLetter(platform, row));
}
