import { z } from 'zod';
import { CHANNEL_KINDS } from '../../platform/notify/notify.tables.ts';

const unitCode = z.string().regex(/^\d+(D\d{2,})?$/, 'an org code: digits, or a department code like 410804D01');
const id = z.string().min(1).max(64);
const pageSize = z.coerce.number().int().min(1).max(100).default(20);

export const idParams = z.strictObject({ id });

export const inboxQuery = z.strictObject({
  /** Unread or read messages only; both without it. */
  status: z.enum(['unread', 'read']).optional(),
  after: id.optional(),
  limit: pageSize,
});

export const inboxMessageView = z.object({
  id: z.string(),
  /** Addressed to my unit (null: to me alone). */
  unitCode: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const inboxPage = z.object({
  items: z.array(inboxMessageView),
  nextCursor: z.string().nullable(),
  /** Unread messages in my inbox, all pages. */
  unread: z.number().int(),
});

export const channelsQuery = z.strictObject({ unit: unitCode });

/** What a list shows of a channel: where it goes with its key masked, never a secret or a number in clear. */
export const channelView = z.object({
  id: z.string(),
  unitCode: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string(),
  url: z.string(),
  hasSecret: z.boolean(),
  phones: z.array(z.string()),
  enabled: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const webhookUrl = z.url({ protocol: /^https?$/ }).max(500);
const secret = z.string().trim().min(1).max(200);
const phones = z.array(z.string().trim().min(1).max(20)).max(20);

/** Secrets and numbers are write-only: given here, never answered back in clear. */
export const newChannelBody = z.strictObject({
  unitCode,
  kind: z.enum(CHANNEL_KINDS),
  name: z.string().trim().min(1).max(60),
  url: webhookUrl,
  /** DingTalk: the signing secret (SEC...), optional; SMS: the gateway's bearer token, required; WeCom: none. */
  secret: secret.optional(),
  /** SMS: the unit's duty numbers. */
  phones: phones.optional(),
  enabled: z.boolean().default(true),
});

/** Only the fields given change; `secret: null` removes a DingTalk signing secret. */
export const channelChangesBody = z.strictObject({
  version: z.number().int().min(1),
  name: z.string().trim().min(1).max(60).optional(),
  url: webhookUrl.optional(),
  secret: secret.nullable().optional(),
  phones: phones.optional(),
  enabled: z.boolean().optional(),
});

export const deadLettersQuery = z.strictObject({
  /** Only the dead letters of this unit's subtree (inside my scope). */
  unit: unitCode.optional(),
  after: id.optional(),
  limit: pageSize,
});

export const deadLetterView = z.object({
  id: z.string(),
  unitCode: z.string().nullable(),
  kind: z.enum(CHANNEL_KINDS),
  channelId: z.string().nullable(),
  channelName: z.string().nullable(),
  title: z.string(),
  /** SMS: the number, masked. */
  to: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  /** When it became a dead letter. */
  failedAt: z.string(),
});

export const outboxStateView = z.object({ id: z.string(), state: z.enum(['pending', 'sent', 'dead']), nextAttemptAt: z.string() });
