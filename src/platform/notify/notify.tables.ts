/**
 * The tables of notifications out (DESIGN.md "notifications out", docs/notifications.md): the in-app
 * inbox, the outbox the dispatcher sends from, and the external channels each unit configures.
 */

export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'sms'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type OutboxState = 'pending' | 'sent' | 'dead';

/**
 * An in-app message, addressed to one org unit or department (`unit_code`) or to one account
 * (`user_id`). A unit's message has one read state for the whole unit: whoever of it reads it first
 * marks it read for everyone (`read_by` says who).
 */
export interface InboxMessageTable {
  id: string;
  unit_code: string | null;
  user_id: string | null;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  read_by: string | null;
  dedupe_key: string;
}

/**
 * One message to send through one external channel. `payload_enc` (title, body, link and, for SMS,
 * the number) is encrypted: a resident's number or a body naming a resident is never stored in
 * clear. `next_attempt_at` is when it is due; a dispatcher claiming it moves that to the end of its
 * lease (`claimed_until`), so a crashed dispatcher's rows fall due again by themselves.
 */
export interface NotifyOutboxTable {
  id: string;
  channel: ChannelKind;
  /** The channel it goes through; null for an SMS to a resident until the district's gateway sends it. */
  channel_id: string | null;
  /** The channel's unit: who sees it among the dead letters. Null for an SMS to a resident (district admins). */
  unit_code: string | null;
  payload_enc: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  /** Why the last attempt failed: status, error code or timeout; never personal data. */
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  dedupe_key: string;
}

/**
 * A unit's external channel: a WeCom or DingTalk group robot, or an SMS gateway with the unit's duty
 * numbers. The webhook URL carries the robot's key, so it is encrypted like the signing secret or
 * gateway token (`secret_enc`) and the numbers (`phones_enc`, a JSON array in E.164).
 */
export interface NotifyChannelTable {
  id: string;
  unit_code: string;
  kind: ChannelKind;
  name: string;
  url_enc: string;
  secret_enc: string | null;
  phones_enc: string | null;
  enabled: number;
  created_at: string;
  updated_at: string;
  version: number;
}

declare module '../db/database.ts' {
  interface Tables {
    inbox_message: InboxMessageTable;
    notify_outbox: NotifyOutboxTable;
    notify_channel: NotifyChannelTable;
  }
}
