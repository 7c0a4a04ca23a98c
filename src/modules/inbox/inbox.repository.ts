import type { ExpressionBuilder, Insertable, Selectable, Transaction, Updateable } from 'kysely';
import type { Db, Tables } from '../../platform/db/database.ts';
import { underPrefixes } from '../../platform/db/prefix.ts';
import type { InboxMessageTable, NotifyChannelTable, NotifyOutboxTable } from '../../platform/notify/notify.tables.ts';
import '../../platform/notify/notify.tables.ts';

/**
 * All SQL of the inbox module, over the platform's notification tables: the inbox of an account,
 * the channels of a unit, the dead letters of a scope. Scope filters are applied here.
 */
type Executor = Db | Transaction<Tables>;

export type InboxMessageRow = Selectable<InboxMessageTable>;
export type ChannelRow = Selectable<NotifyChannelTable>;
export type OutboxRow = Selectable<NotifyOutboxTable>;

/** Whose inbox: an account, and the one unit or department that is exactly its scope (none for workers). */
export interface Addressee {
  userId: string;
  unitCode: string | null;
}

function addressedTo(address: Addressee) {
  return (eb: ExpressionBuilder<Tables, 'inbox_message'>) =>
    eb.or([eb('user_id', '=', address.userId), ...(address.unitCode === null ? [] : [eb('unit_code', '=', address.unitCode)])]);
}

/** A page of an inbox, newest first (ULIDs grow with time); the cursor is the last id seen. */
export function listInbox(
  db: Executor,
  address: Addressee,
  page: { status?: 'unread' | 'read'; after?: string; limit: number },
): Promise<InboxMessageRow[]> {
  return db
    .selectFrom('inbox_message')
    .selectAll()
    .where(addressedTo(address))
    .$if(page.status === 'unread', (q) => q.where('read_at', 'is', null))
    .$if(page.status === 'read', (q) => q.where('read_at', 'is not', null))
    .$if(page.after !== undefined, (q) => q.where('id', '<', page.after!))
    .orderBy('id', 'desc')
    .limit(page.limit)
    .execute();
}

export async function countUnread(db: Executor, address: Addressee): Promise<number> {
  const row = await db
    .selectFrom('inbox_message')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(addressedTo(address))
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One message, only if it is in this inbox. */
export function findInboxMessage(db: Executor, address: Addressee, id: string): Promise<InboxMessageRow | undefined> {
  return db.selectFrom('inbox_message').selectAll().where('id', '=', id).where(addressedTo(address)).executeTakeFirst();
}

/** Marks a message read once: the first reader of a unit's message stays its reader. */
export async function markInboxRead(db: Executor, id: string, userId: string, at: string): Promise<void> {
  await db.updateTable('inbox_message').set({ read_at: at, read_by: userId }).where('id', '=', id).where('read_at', 'is', null).execute();
}

// ── Channels ────────────────────────────────────────────────────────────────────────────────────

export function listChannels(db: Executor, unitCode: string): Promise<ChannelRow[]> {
  return db.selectFrom('notify_channel').selectAll().where('unit_code', '=', unitCode).orderBy('id').execute();
}

export function findChannel(db: Executor, id: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('notify_channel').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertChannel(db: Executor, row: Insertable<NotifyChannelTable>): Promise<void> {
  await db.insertInto('notify_channel').values(row).execute();
}

/** Applies the changes if the row is still at `version`; false when someone changed it first. */
export async function updateChannelRow(
  db: Executor,
  id: string,
  version: number,
  changes: Updateable<NotifyChannelTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('notify_channel')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteChannelRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('notify_channel').where('id', '=', id).execute();
}

// ── Dead letters ────────────────────────────────────────────────────────────────────────────────

export interface DeadLetterRow extends OutboxRow {
  channel_name: string | null;
}

/**
 * Dead letters under the given prefixes (and, for the district command centre, those without a
 * unit), newest first; the cursor is the last id seen.
 */
export function listDeadLetters(
  db: Executor,
  filter: { prefixes: string[]; withoutUnit: boolean; after?: string; limit: number },
): Promise<DeadLetterRow[]> {
  return db
    .selectFrom('notify_outbox')
    .leftJoin('notify_channel', 'notify_channel.id', 'notify_outbox.channel_id')
    .selectAll('notify_outbox')
    .select('notify_channel.name as channel_name')
    .where('notify_outbox.state', '=', 'dead')
    .where((eb) =>
      eb.or([
        underPrefixes('notify_outbox.unit_code', filter.prefixes),
        ...(filter.withoutUnit ? [eb('notify_outbox.unit_code', 'is', null)] : []),
      ]),
    )
    .$if(filter.after !== undefined, (q) => q.where('notify_outbox.id', '<', filter.after!))
    .orderBy('notify_outbox.id', 'desc')
    .limit(filter.limit)
    .execute();
}

export function findOutbox(db: Executor, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('notify_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A dead letter back in the queue, due now, with a full set of attempts; false if it was not dead. */
export async function requeueDeadLetter(db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('notify_outbox')
    .set({ state: 'pending', attempts: 0, next_attempt_at: at, claimed_until: null })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
