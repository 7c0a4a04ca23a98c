import type { By } from '../../../platform/command.ts';
import { authorize } from '../../../platform/authz/policy.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound } from '../../../platform/http/errors.ts';
import { addresseeOf } from '../inbox.queries.ts';
import { findInboxMessage, markInboxRead, type InboxMessageRow } from '../inbox.repository.ts';

/**
 * Marks a message of my inbox read (again: a no-op). A message to my unit is read for the whole
 * unit. Not audited: reading one's messages changes nothing anyone is accountable for.
 */
export async function markRead(platform: Platform, by: By, id: string): Promise<InboxMessageRow> {
  authorize(by.actor, 'inbox.read');
  const db = platform.database.db;
  const address = addresseeOf(by.actor);
  const message = await findInboxMessage(db, address, id);
  if (!message) throw notFound('inbox_message', id);
  if (message.read_at === null) await markInboxRead(db, id, by.actor.id, platform.clock.now().toISOString());
  return (await findInboxMessage(db, address, id))!;
}
