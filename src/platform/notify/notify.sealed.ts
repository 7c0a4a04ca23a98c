import { createHmac } from 'node:crypto';
import type { Platform } from '../context.ts';
import { decryptField, derivePiiKeys, encryptField, type PiiKeys } from '../pii/pii.crypto.ts';
import { maskPhone } from '../pii/pii.mask.ts';
import type { NotifyChannelTable } from './notify.tables.ts';

/**
 * What notifications keep sealed at rest (PII_KEY, AES-256-GCM): the outbox payloads (a resident's
 * number, bodies that may name someone) and each channel's webhook URL (it carries the robot's key),
 * secret or token, and duty numbers. Shown only masked; never logged.
 */
const keysByPlatform = new WeakMap<Platform, PiiKeys>();

function keysOf(platform: Platform): PiiKeys {
  let keys = keysByPlatform.get(platform);
  if (!keys) keysByPlatform.set(platform, (keys = derivePiiKeys(platform.secrets.piiKey)));
  return keys;
}

/** What one outbox row sends: the notification and, for an SMS, the number (E.164). */
export interface OutboxPayload {
  title: string;
  body: string;
  link: string | null;
  /** SMS only: the number to text. */
  to?: string;
  /** SMS to a resident only: how to address them. */
  name?: string;
}

export function sealPayload(platform: Platform, payload: OutboxPayload): string {
  return encryptField(keysOf(platform), JSON.stringify(payload), 'notify_outbox.payload');
}

export function openPayload(platform: Platform, sealed: string): OutboxPayload {
  return JSON.parse(decryptField(keysOf(platform), sealed, 'notify_outbox.payload')) as OutboxPayload;
}

/** A channel's settings in clear: for sending, or just before they are sealed. */
export interface ChannelSettings {
  url: string;
  /** DingTalk signing secret (SEC...) or SMS gateway token; none for WeCom. */
  secret: string | null;
  /** SMS: the unit's duty numbers in E.164. */
  phones: string[];
}

export function sealChannel(
  platform: Platform,
  settings: ChannelSettings,
): Pick<NotifyChannelTable, 'url_enc' | 'secret_enc' | 'phones_enc'> {
  const keys = keysOf(platform);
  return {
    url_enc: encryptField(keys, settings.url, 'notify_channel.url'),
    secret_enc: settings.secret === null ? null : encryptField(keys, settings.secret, 'notify_channel.secret'),
    phones_enc: settings.phones.length === 0 ? null : encryptField(keys, JSON.stringify(settings.phones), 'notify_channel.phones'),
  };
}

export function openChannel(platform: Platform, row: Pick<NotifyChannelTable, 'url_enc' | 'secret_enc' | 'phones_enc'>): ChannelSettings {
  const keys = keysOf(platform);
  return {
    url: decryptField(keys, row.url_enc, 'notify_channel.url'),
    secret: row.secret_enc === null ? null : decryptField(keys, row.secret_enc, 'notify_channel.secret'),
    phones: row.phones_enc === null ? [] : (JSON.parse(decryptField(keys, row.phones_enc, 'notify_channel.phones')) as string[]),
  };
}

/**
 * A mainland mobile number as E.164 (`+8613912345678`), from the ways people type it: 139 1234 5678,
 * 139-1234-5678, +86 139..., 0086139...; null when it is not one.
 */
export function normaliseMobile(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '').replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? `+86${digits}` : null;
}

/** `+8613912345678` → `139****5678`. */
export function maskMobile(e164: string): string {
  return maskPhone(e164.replace(/^\+86/, ''));
}

/**
 * A webhook URL as a list may show it: where it goes, with every query value (the robot's key, an
 * access token) reduced to its last four characters: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…8d30`.
 */
export function maskUrl(url: string): string {
  const parsed = new URL(url);
  const query = [...parsed.searchParams].map(([name, value]) => `${name}=…${value.length > 8 ? value.slice(-4) : ''}`);
  return `${parsed.origin}${parsed.pathname}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/**
 * The stored form of a dedupe key: a keyed hash (under PII_KEY's index key). A caller's key may well
 * name a recipient (`case:<id>:<event>:{"phone":"139..."}`); the database keeps only what tells two
 * keys apart, and a phone number cannot be recovered from it by trying every number.
 */
export function dedupeDigest(platform: Platform, dedupeKey: string): string {
  return createHmac('sha256', keysOf(platform).index).update(`notify dedupe\u0000${dedupeKey}`).digest('base64url');
}
