import { createHmac } from 'node:crypto';
import type { ChannelSettings, OutboxPayload } from './notify.sealed.ts';
import type { ChannelKind } from './notify.tables.ts';

/**
 * The external channels and their real formats (docs/notifications.md):
 * - WeCom group robot (企业微信群机器人): POST the webhook URL, `{"msgtype":"markdown","markdown":{"content"}}`;
 *   delivered when HTTP 200 and `{"errcode":0}`.
 * - DingTalk custom robot (钉钉自定义机器人): POST the webhook URL, with `&timestamp=<ms>&sign=<...>` when
 *   it signs, `{"msgtype":"markdown","markdown":{"title","text"}}`; delivered when `{"errcode":0}`.
 * - SMS gateway over HTTP: POST `{"to","text","reference"}` with `Authorization: Bearer <token>`;
 *   delivered on any 2xx.
 */
export interface GatewayRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Robots answer 200 even when they refuse; their `errcode` says whether it was delivered. */
  checkErrcode: boolean;
}

/** WeCom takes up to 4096 bytes of markdown; DingTalk about 20,000; an SMS is kept to a few segments. */
const WECOM_MAX_BYTES = 4096;
const DINGTALK_MAX_BYTES = 18_000;
const SMS_MAX_CHARS = 300;

export interface RenderContext {
  /** PUBLIC_URL: makes a console path a link people can open from a chat or a phone. */
  publicUrl?: string;
  /** Milliseconds since the epoch, for DingTalk's signature. */
  nowMs: number;
  /** The outbox row's id: the SMS gateway's `reference`. */
  outboxId: string;
}

export function gatewayRequest(
  kind: ChannelKind,
  settings: ChannelSettings,
  payload: OutboxPayload,
  context: RenderContext,
): GatewayRequest {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  switch (kind) {
    case 'wecom':
      return {
        url: settings.url,
        headers: json,
        body: { msgtype: 'markdown', markdown: { content: wecomMarkdown(payload, context.publicUrl) } },
        checkErrcode: true,
      };
    case 'dingtalk':
      return {
        url: settings.secret ? signedDingTalkUrl(settings.url, settings.secret, context.nowMs) : settings.url,
        headers: json,
        body: { msgtype: 'markdown', markdown: { title: payload.title, text: dingTalkMarkdown(payload, context.publicUrl) } },
        checkErrcode: true,
      };
    case 'sms':
      return {
        url: settings.url,
        headers: { ...json, authorization: `Bearer ${settings.secret ?? ''}` },
        body: { to: payload.to, text: smsText(payload, context.publicUrl), reference: context.outboxId },
        checkErrcode: false,
      };
  }
}

export function wecomMarkdown(payload: OutboxPayload, publicUrl?: string): string {
  const tail = linkLine(payload.link, publicUrl);
  const head = `### ${payload.title}\n`;
  const room = WECOM_MAX_BYTES - Buffer.byteLength(head + (tail ? `\n${tail}` : ''));
  return `${head}${truncateBytes(payload.body, room)}${tail ? `\n${tail}` : ''}`;
}

export function dingTalkMarkdown(payload: OutboxPayload, publicUrl?: string): string {
  const tail = linkLine(payload.link, publicUrl);
  return truncateBytes(`### ${payload.title}\n\n${payload.body}${tail ? `\n\n${tail}` : ''}`, DINGTALK_MAX_BYTES);
}

export function smsText(payload: OutboxPayload, publicUrl?: string): string {
  const greeting = payload.name ? `${payload.name}，您好！` : '';
  const link = payload.link ? ` ${absolute(payload.link, publicUrl)}` : '';
  const text = `${greeting}${payload.title}：${payload.body}`;
  return text.length + link.length > SMS_MAX_CHARS ? `${text.slice(0, SMS_MAX_CHARS - link.length - 1)}…${link}` : `${text}${link}`;
}

/**
 * DingTalk's signature: `sign = urlencode(base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret)))`,
 * sent with the millisecond `timestamp` it was made for (DingTalk refuses one more than an hour off).
 */
export function dingTalkSignature(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

function signedDingTalkUrl(url: string, secret: string, nowMs: number): string {
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(nowMs));
  // URLSearchParams percent-encodes the base64 (+ / =) exactly as urlencode does.
  signed.searchParams.set('sign', dingTalkSignature(secret, nowMs));
  return signed.toString();
}

/** A console path as a link in a chat (with PUBLIC_URL), or as text people can find in the console. */
function linkLine(link: string | null, publicUrl?: string): string | null {
  if (!link) return null;
  return publicUrl ? `[查看详情](${absolute(link, publicUrl)})` : `控制台路径：${link}`;
}

function absolute(link: string, publicUrl?: string): string {
  return publicUrl && link.startsWith('/') ? `${publicUrl}${link}` : link;
}

/** At most `maxBytes` of UTF-8, cut between characters, with an ellipsis when cut. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let kept = '';
  let bytes = Buffer.byteLength('…');
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    kept += char;
  }
  return `${kept}…`;
}

export type Delivery = { ok: true } | { ok: false; error: string };

/**
 * Sends one request with a timeout. The failure says what happened in words safe to store and log
 * (HTTP status, errcode, timeout, the connection error's code) and never echoes the gateway's body,
 * which may repeat the number or the text.
 */
export async function deliver(request: GatewayRequest, timeoutMs: number): Promise<Delivery> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: JSON.stringify(request.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, error: connectionFailure(error, timeoutMs) };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, error: connectionFailure(error, timeoutMs) };
  }
  if (response.status < 200 || response.status >= 300) return { ok: false, error: `HTTP ${response.status}` };
  if (!request.checkErrcode) return { ok: true };
  const errcode = errcodeOf(text);
  if (errcode === 0) return { ok: true };
  return { ok: false, error: errcode === undefined ? 'answer without errcode' : `errcode ${errcode}` };
}

function errcodeOf(text: string): number | undefined {
  try {
    const errcode = (JSON.parse(text) as { errcode?: unknown }).errcode;
    return typeof errcode === 'number' ? errcode : undefined;
  } catch {
    return undefined;
  }
}

function connectionFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return `timeout after ${timeoutMs / 1000} s`;
  const code = e.cause?.code;
  return code && /^[A-Z_]+$/.test(code) ? `connection failed (${code})` : 'connection failed';
}
