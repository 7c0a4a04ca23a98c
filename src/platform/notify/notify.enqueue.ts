import type { Trx } from '../command.ts';
import type { Platform } from '../context.ts';
import { ulidFactory } from '../ids.ts';
import type { Insertable } from 'kysely';
import { dedupeDigest, normaliseMobile, openChannel, sealPayload, type OutboxPayload } from './notify.sealed.ts';
import type { NotifyOutboxTable } from './notify.tables.ts';
import './notify.tables.ts';

/** Ids in creation order even within one millisecond: the inbox lists newest first by id. */
const ulid = ulidFactory();

export type Recipient =
  /** An org unit or department by code: its in-app inbox + every enabled external channel configured for that unit. */
  | { unit: string }
  /** A staff account by id: in-app inbox only. */
  | { user: string }
  /** A person outside the platform (a resident): SMS only, through the district's gateway; the number is personal data. */
  | { phone: string; name?: string };

export interface Notification {
  recipient: Recipient;
  /** Short, Chinese, e.g. "案件超时升级". */
  title: string;
  /** Plain text, Chinese. */
  body: string;
  /** Path in the console, e.g. /cases/01J... */
  link?: string;
  /** Idempotency: the same key enqueues nothing the second time (e.g. `case:<id>:escalate:<stage>:<rung>:<unit>`). */
  dedupeKey: string;
}

/** A notification that cannot be sent as given: a programming error of the caller, not a user's. */
export class NotificationError extends Error {}

/**
 * Queues a notification inside the caller's transaction: it commits with the change or not at all.
 * The in-app message is written here; external messages are outbox rows the dispatcher sends after
 * commit (`dispatchDue`). A dedupe key seen before writes nothing, however the first one was
 * addressed, even while the first transaction is still open elsewhere (the database's UNIQUE index
 * decides, with ON CONFLICT DO NOTHING so the caller's transaction is never aborted by it). Keys are
 * stored as a keyed hash: one that names a recipient puts no personal data in the database.
 */
export async function notify(platform: Platform, trx: Trx, notification: Notification): Promise<void> {
  const { recipient } = notification;
  const content = contentOf(notification);
  const dedupeKey = dedupeDigest(platform, notification.dedupeKey);
  const at = platform.clock.now().toISOString();

  if ('phone' in recipient) {
    const to = normaliseMobile(recipient.phone);
    if (!to) throw new NotificationError('notify: the recipient phone is not a mainland mobile number');
    const payload: OutboxPayload = { ...content, to, ...(recipient.name ? { name: recipient.name } : {}) };
    await insertOutbox(trx, [outboxRow(platform, { channel: 'sms', channelId: null, unitCode: null, dedupeKey, payload, at })]);
    return;
  }

  const addressee =
    'unit' in recipient
      ? { unit_code: nonEmpty(recipient.unit, 'unit'), user_id: null }
      : { unit_code: null, user_id: nonEmpty(recipient.user, 'user') };
  const inserted = await trx
    .insertInto('inbox_message')
    .values({ id: ulid(), ...addressee, ...content, created_at: at, read_at: null, read_by: null, dedupe_key: dedupeKey })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  // Seen before: the first notification already queued everything that belongs to this key.
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0 || addressee.unit_code === null) return;

  const channels = await trx
    .selectFrom('notify_channel')
    .selectAll()
    .where('unit_code', '=', addressee.unit_code)
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  const rows = channels.flatMap((channel) => {
    const base = { channel: channel.kind, channelId: channel.id, unitCode: channel.unit_code, at };
    if (channel.kind !== 'sms') return [outboxRow(platform, { ...base, dedupeKey: `${dedupeKey}#${channel.id}`, payload: content })];
    return openChannel(platform, channel).phones.map((to, i) =>
      outboxRow(platform, { ...base, dedupeKey: `${dedupeKey}#${channel.id}#${i}`, payload: { ...content, to } }),
    );
  });
  await insertOutbox(trx, rows);
}

function contentOf(notification: Notification): Pick<OutboxPayload, 'title' | 'body' | 'link'> {
  const title = notification.title.trim();
  if (!title || title.length > 100) throw new NotificationError('notify: a title has 1-100 characters');
  if (notification.body.length > 4000) throw new NotificationError('notify: a body has at most 4000 characters');
  if (!notification.dedupeKey || notification.dedupeKey.length > 1000)
    throw new NotificationError('notify: a dedupe key has 1-1000 characters');
  if (notification.link !== undefined && !notification.link.startsWith('/'))
    throw new NotificationError('notify: a link is a console path');
  return { title, body: notification.body, link: notification.link ?? null };
}

function nonEmpty(value: string, what: string): string {
  if (!value) throw new NotificationError(`notify: the recipient ${what} is empty`);
  return value;
}

function outboxRow(
  platform: Platform,
  row: {
    channel: NotifyOutboxTable['channel'];
    channelId: string | null;
    unitCode: string | null;
    dedupeKey: string;
    payload: OutboxPayload;
    at: string;
  },
): Insertable<NotifyOutboxTable> {
  return {
    id: ulid(),
    channel: row.channel,
    channel_id: row.channelId,
    unit_code: row.unitCode,
    payload_enc: sealPayload(platform, row.payload),
    state: 'pending',
    attempts: 0,
    next_attempt_at: row.at,
    claimed_until: null,
    last_error: null,
    created_at: row.at,
    sent_at: null,
    dedupe_key: row.dedupeKey,
  };
}

async function insertOutbox(trx: Trx, rows: Insertable<NotifyOutboxTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('notify_outbox')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}
