import type { Trx } from '../command.ts';
import type { Platform } from '../context.ts';
import { ulidFactory } from '../ids.ts';
import { insertNewRows } from '../db/batch.ts';
import { selectReusable } from '../db/reusable.ts';
import type { Insertable, Selectable } from 'kysely';
import { dedupeDigest, normaliseMobile, openChannel, sealPayload, type OutboxPayload } from './notify.sealed.ts';
import type { InboxMessageTable, NotifyChannelTable, NotifyOutboxTable } from './notify.tables.ts';
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
export function notify(platform: Platform, trx: Trx, notification: Notification): Promise<void> {
  return notifyAll(platform, trx, [notification]);
}

/** Units per read of their channels. */
const UNITS_PER_READ = 2_000;
const OUTBOX_PER_STATEMENT = 2_000;

/**
 * `notify` for many notifications at once, as one operation (a sweep raising a thousand alerts):
 * each is queued exactly as `notify` queues it, in a few statements for all of them rather than a few
 * for each. Validates them all before writing any.
 */
export async function notifyAll(platform: Platform, trx: Trx, notifications: Notification[]): Promise<void> {
  if (notifications.length === 0) return;
  const at = platform.clock.now().toISOString();
  const queued = notifications.map((notification) => {
    const { recipient } = notification;
    const content = contentOf(notification);
    const dedupeKey = dedupeDigest(platform, notification.dedupeKey);
    if ('phone' in recipient) {
      const to = normaliseMobile(recipient.phone);
      if (!to) throw new NotificationError('notify: the recipient phone is not a mainland mobile number');
      const payload: OutboxPayload = { ...content, to, ...(recipient.name ? { name: recipient.name } : {}) };
      return { sms: outboxRow(platform, { channel: 'sms', channelId: null, unitCode: null, dedupeKey, payload, at }) };
    }
    const addressee =
      'unit' in recipient
        ? { unit_code: nonEmpty(recipient.unit, 'unit'), user_id: null }
        : { unit_code: null, user_id: nonEmpty(recipient.user, 'user') };
    return { inbox: { id: ulid(), ...addressee, ...content, created_at: at, read_at: null, read_by: null, dedupe_key: dedupeKey } };
  });

  // A key seen before (or earlier in this list) writes nothing more: its first notification already queued everything.
  const inbox = queued.flatMap((q) => (q.inbox ? [q.inbox] : []));
  const stored = await insertNewRows(trx, 'inbox_message', inbox, 'dedupe_key');
  const firstToUnit = new Set<Insertable<InboxMessageTable>>();
  for (const row of inbox) if (stored.delete(row.dedupe_key) && row.unit_code) firstToUnit.add(row);
  const channels = await channelsOf(trx, [...new Set([...firstToUnit].map((row) => row.unit_code!))]);

  // The outside messages in the order of the notifications, as one `notify` after another would queue them.
  const outbox: Insertable<NotifyOutboxTable>[] = [];
  for (const q of queued) {
    if (q.sms) outbox.push(q.sms);
    if (!q.inbox || !firstToUnit.has(q.inbox)) continue;
    const message = q.inbox;
    const content = { title: message.title, body: message.body, link: message.link };
    for (const channel of channels.get(message.unit_code!) ?? []) {
      const base = { channel: channel.kind, channelId: channel.id, unitCode: channel.unit_code, at };
      if (channel.kind !== 'sms') {
        outbox.push(outboxRow(platform, { ...base, dedupeKey: `${message.dedupe_key}#${channel.id}`, payload: content }));
        continue;
      }
      openChannel(platform, channel).phones.forEach((to, i) =>
        outbox.push(outboxRow(platform, { ...base, dedupeKey: `${message.dedupe_key}#${channel.id}#${i}`, payload: { ...content, to } })),
      );
    }
  }
  for (let i = 0; i < outbox.length; i += OUTBOX_PER_STATEMENT) await insertOutbox(trx, outbox.slice(i, i + OUTBOX_PER_STATEMENT));
}

/** The enabled external channels of these units, each unit's in id order. */
async function channelsOf(trx: Trx, units: string[]): Promise<Map<string, Selectable<NotifyChannelTable>[]>> {
  const channels = new Map<string, Selectable<NotifyChannelTable>[]>();
  for (let i = 0; i < units.length; i += UNITS_PER_READ) {
    const some = units.slice(i, i + UNITS_PER_READ);
    const rows = await selectReusable(trx, `channels of units x${some.length}`, [...some, 1], () =>
      trx.selectFrom('notify_channel').selectAll().where('unit_code', 'in', some).where('enabled', '=', 1).orderBy('id'),
    );
    for (const channel of rows) channels.set(channel.unit_code, [...(channels.get(channel.unit_code) ?? []), channel]);
  }
  return channels;
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
