import type { Selectable } from 'kysely';
import type { Platform } from '../context.ts';
import { forUpdateSkipLocked } from '../db/dialect.ts';
import type { Job } from '../jobs/scheduler.ts';
import { deliver, gatewayRequest, type Delivery } from './notify.channels.ts';
import { openChannel, openPayload } from './notify.sealed.ts';
import type { NotifyChannelTable, NotifyOutboxTable } from './notify.tables.ts';
import './notify.tables.ts';

type OutboxRow = Selectable<NotifyOutboxTable>;
type ChannelRow = Selectable<NotifyChannelTable>;

/** Retries wait 30 s × 2^(attempts − 1): 30 s, 1 min, 2 min, 4 min... never more than an hour. */
const RETRY_BASE_SECONDS = 30;
const RETRY_CAP_SECONDS = 3600;
/** Messages sent at once by one dispatcher. */
const CONCURRENCY = 8;
const DEFAULT_LIMIT = 50;
/** A claim outlives the sends it covers by this much before another dispatcher may take the rows. */
const LEASE_MARGIN_MS = 60_000;

export function retryDelaySeconds(attempts: number): number {
  return Math.min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
}

export interface DispatchSummary {
  claimed: number;
  sent: number;
  /** Failed this time, to be tried again later. */
  retrying: number;
  /** Failed for good: dead letters, until someone retries them. */
  dead: number;
}

type Outcome = { status: 'sent'; channelId: string | null } | { status: 'failed'; error: string; permanent: boolean };

/**
 * Sends the outbox rows that are due, at most `limit` of them. Rows are claimed first in one
 * statement that moves them out of "due" until the end of a lease (on PostgreSQL skipping rows
 * another instance is claiming), so two dispatchers never send the same message at the same time.
 * Sending happens outside any transaction; each row is then marked sent, or scheduled again with
 * exponential backoff, or dead after NOTIFY_MAX_ATTEMPTS. Delivery is at least once: a dispatcher
 * that dies between a send and its mark leaves the row to be claimed again when its lease ends.
 */
export async function dispatchDue(platform: Platform, options: { limit?: number } = {}): Promise<DispatchSummary> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const { db, kind } = platform.database;
  const timeoutMs = platform.config.notifyTimeoutSeconds * 1000;
  const now = platform.clock.now();
  const nowIso = now.toISOString();
  const leaseEnd = new Date(now.getTime() + timeoutMs * Math.ceil(limit / CONCURRENCY) + LEASE_MARGIN_MS).toISOString();

  const due = db
    .selectFrom('notify_outbox')
    .select('id')
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
  // The due rows are chosen once (a MATERIALIZED CTE: as a plain IN-subquery PostgreSQL may run the
  // LIMIT again for every row it updates and claim them all), then claimed. The conditions are
  // repeated on the UPDATE itself: a row another dispatcher claimed in the meantime no longer
  // qualifies when this statement gets to it, on either database.
  const claimed = await db
    .with(
      (cte) => cte('due').materialized(),
      () => forUpdateSkipLocked(due, kind),
    )
    .updateTable('notify_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), claimed_until: leaseEnd, next_attempt_at: leaseEnd }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .returningAll()
    .execute();

  const summary: DispatchSummary = { claimed: claimed.length, sent: 0, retrying: 0, dead: 0 };
  if (claimed.length === 0) return summary;
  const channels = await channelsFor(platform, claimed);
  for (let i = 0; i < claimed.length; i += CONCURRENCY) {
    const batch = claimed.slice(i, i + CONCURRENCY);
    const settled = await Promise.all(
      batch.map(async (row) => settle(platform, row, leaseEnd, await attempt(platform, row, channels, timeoutMs))),
    );
    for (const status of settled) summary[status] += 1;
  }
  return summary;
}

/** The periodic job: every NOTIFY_DISPATCH_INTERVAL_SECONDS, send what is due, batch after batch. */
export function notifyDispatchJob(platform: Platform): Job {
  return {
    name: 'notify.dispatch',
    everySeconds: platform.config.notifyDispatchIntervalSeconds,
    run: async () => {
      for (let round = 0; round < 20; round += 1) {
        const { claimed } = await dispatchDue(platform, { limit: DEFAULT_LIMIT });
        if (claimed < DEFAULT_LIMIT) return;
      }
    },
  };
}

interface Channels {
  byId: Map<string, ChannelRow>;
  /** The district's SMS gateway, for messages to residents. */
  districtSms: ChannelRow | undefined;
}

async function channelsFor(platform: Platform, rows: OutboxRow[]): Promise<Channels> {
  const db = platform.database.db;
  const ids = [...new Set(rows.flatMap((row) => (row.channel_id ? [row.channel_id] : [])))];
  const listed = ids.length === 0 ? [] : await db.selectFrom('notify_channel').selectAll().where('id', 'in', ids).execute();
  const districtSms = rows.some((row) => row.channel_id === null)
    ? await db
        .selectFrom('notify_channel')
        .selectAll()
        .where('kind', '=', 'sms')
        .where('enabled', '=', 1)
        // The district's own unit: the only code as short as a district code (departments are longer).
        .where((eb) => eb(eb.fn<number>('length', ['unit_code']), '=', platform.config.orgCodeWidths[0]))
        .orderBy('id')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  return { byId: new Map(listed.map((channel) => [channel.id, channel])), districtSms };
}

async function attempt(platform: Platform, row: OutboxRow, channels: Channels, timeoutMs: number): Promise<Outcome> {
  const channel = row.channel_id === null ? channels.districtSms : channels.byId.get(row.channel_id);
  if (!channel) {
    return {
      status: 'failed',
      error: row.channel_id === null ? 'no SMS gateway configured for the district' : 'channel deleted',
      permanent: true,
    };
  }
  if (channel.enabled !== 1) return { status: 'failed', error: 'channel disabled', permanent: true };
  let delivery: Delivery;
  try {
    const request = gatewayRequest(row.channel, openChannel(platform, channel), openPayload(platform, row.payload_enc), {
      publicUrl: platform.config.publicUrl,
      nowMs: platform.clock.now().getTime(),
      outboxId: row.id,
    });
    delivery = await deliver(request, timeoutMs);
  } catch {
    // A sealed value that no longer opens (PII_KEY changed) or a URL that no longer parses: retrying will not help.
    return { status: 'failed', error: 'message or channel settings unreadable', permanent: true };
  }
  return delivery.ok ? { status: 'sent', channelId: channel.id } : { status: 'failed', error: delivery.error, permanent: false };
}

/**
 * Records the outcome, only if this dispatcher's claim still holds (`claimed_until` is its lease):
 * a dispatcher that overran its lease leaves the row to the one that claimed it after.
 */
async function settle(platform: Platform, row: OutboxRow, leaseEnd: string, outcome: Outcome): Promise<'sent' | 'retrying' | 'dead'> {
  const now = platform.clock.now();
  const mine = platform.database.db
    .updateTable('notify_outbox')
    .where('id', '=', row.id)
    .where('state', '=', 'pending')
    .where('claimed_until', '=', leaseEnd);
  const log = { outbox: row.id, channel: row.channel, attempts: row.attempts };
  if (outcome.status === 'sent') {
    await mine
      .set({ state: 'sent', sent_at: now.toISOString(), claimed_until: null, last_error: null, channel_id: outcome.channelId })
      .execute();
    platform.log.info({ ...log, status: 'sent' }, 'notification sent');
    return 'sent';
  }
  const dead = outcome.permanent || row.attempts >= platform.config.notifyMaxAttempts;
  const next = new Date(now.getTime() + retryDelaySeconds(row.attempts) * 1000).toISOString();
  await mine
    .set({
      state: dead ? 'dead' : 'pending',
      next_attempt_at: dead ? now.toISOString() : next,
      claimed_until: null,
      last_error: outcome.error,
    })
    .execute();
  platform.log.warn({ ...log, status: dead ? 'dead' : 'retrying', error: outcome.error }, 'notification not delivered');
  return dead ? 'dead' : 'retrying';
}
