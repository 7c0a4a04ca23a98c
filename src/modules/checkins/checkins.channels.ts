import { z } from 'zod';
import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { authorize, can } from '../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { unprocessable } from '../../platform/http/errors.ts';
import { once, type Answer } from '../../platform/idempotency.ts';
import { ulidFactory } from '../../platform/ids.ts';
import { blindIndex } from '../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../platform/pii/pii.keys.ts';
import { residentIdsAt } from '../people/people.contact.ts';
import { visibleSubject } from './checkins.access.ts';
import { subjectByLink } from './commands/personalLink.ts';
import { recordSignal, type SignalResult } from './commands/recordSignal.ts';
import {
  findDevice,
  findDeviceByApiKey,
  findSubjectsByResidents,
  type DeviceRow,
  type Executor,
  type SubjectRow,
} from './checkins.repository.ts';

/**
 * The channels signals arrive by, each a thin adapter onto `recordSignal` (commands/recordSignal.ts):
 * the subject's link, a device's message (HTTP now, MQTT by the subscriber), an SMS reply from the
 * gateway, and the worker's tick (one subject, or "all seen" for households and buildings).
 */

const ulid = ulidFactory();

/** The subject taps "我很好" on their link: a `link` signal, now. */
export async function checkInByLink(platform: Platform, token: string): Promise<SignalResult> {
  const subject = await subjectByLink(platform.database.db, token);
  return recordSignal(
    platform,
    { id: ulid(), subjectId: subject.id, ts: platform.clock.now().toISOString(), type: 'link', source: 'link' },
    { channel: 'link' },
  );
}

/** A registered device by its id (an MQTT topic's `<deviceId>`), if any and not retired. */
export async function deviceById(db: Executor, deviceId: string): Promise<DeviceRow | undefined> {
  const device = await findDevice(db, deviceId);
  return device && device.retired_at === null ? device : undefined;
}

/** The device registered to a device API key (for HTTP), if any and not retired. */
export function deviceForKey(db: Executor, apiKeyId: string): Promise<DeviceRow | undefined> {
  return findDeviceByApiKey(db, apiKeyId);
}

export interface DeviceMessage {
  /** From the MQTT topic `wangge/devices/<deviceId>/events`, or the device key's registration. */
  deviceId: string;
  /** The message as received: bytes, text, or parsed JSON `{id, ts, type, value, unit}`. */
  payload: Buffer | string | unknown;
  /** `mqtt` or `http`: the signal's source and the channel rejections are counted under. */
  channel: string;
}

/**
 * One device message, from any transport: parsed (a payload that is not a JSON object is malformed
 * and counted as such), then recorded. Only `id, ts, type, value, unit` are read from the payload;
 * who sent it is the transport's say (the topic, the key), never the payload's. Safe to call without
 * HTTP (the MQTT subscriber); never throws for bad input, answers `rejected` with the reason.
 * Inside the caller's `trx` (a subscriber's batch), rejections are counted in that transaction too.
 */
export function ingestDeviceMessage(platform: Platform, message: DeviceMessage, options: { trx?: Trx } = {}): Promise<SignalResult> {
  let body = message.payload;
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = null;
    }
  }
  const fields: Record<string, unknown> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of ['id', 'ts', 'type', 'value', 'unit']) if (key in body) fields[key] = (body as Record<string, unknown>)[key];
  }
  return recordSignal(
    platform,
    { ...fields, deviceId: message.deviceId, source: message.channel },
    { channel: message.channel, trx: options.trx },
  );
}

const smsReply = z.object({
  /** The gateway's message id, if it has one: a repeat is recognised by it. */
  id: z.string().trim().min(1).max(128).optional(),
  from: z.string().min(3).max(32),
  text: z.string().max(2000),
  receivedAt: z.iso.datetime({ offset: true }),
});

/** Words that turn a reply into a call for help (an urgent alert), not just a sign of life. */
const DISTRESS = /SOS|救命|求助/i;

/**
 * A reply from the SMS gateway (integration key): the sender is matched to a subject by the number's
 * keyed hash, among subjects inside the key's unit. Any reply is a sign of life; one asking for help
 * raises an urgent alert. Without a gateway id, the message's identity is a keyed hash of sender,
 * time and text, so a gateway's retry is recognised and nothing personal is stored as an id.
 */
export function receiveSmsReply(platform: Platform, by: By, body: unknown): Promise<SignalResult> {
  const parsed = smsReply.safeParse(body);
  const options = { channel: 'sms', by, within: scopePrefixes(by.actor.scope) };
  if (!parsed.success) return recordSignal(platform, { source: 'sms' }, options);
  const { from, text, receivedAt } = parsed.data;
  const id = parsed.data.id ?? blindIndex(piiKeysOf(platform), 'sms reply', `${from}\n${receivedAt}\n${text}`);
  return recordSignal(platform, { id, phone: from, ts: receivedAt, type: DISTRESS.test(text) ? 'panic' : 'sms', source: 'sms' }, options);
}

export interface TickInput {
  subjectIds?: string[];
  householdIds?: string[];
  buildingIds?: string[];
}

export interface TickAnswer {
  ticks: { subjectId: string; effect: string }[];
}

/** At most this many subjects in one "all seen". */
export const MAX_TICKS = 200;

/**
 * The worker ticks subjects off after seeing them (one tap each, or "all seen" for households and
 * buildings): a `tick` signal each, in one transaction and one audit record. A subject named outside
 * the caller's micro-grids is 404; households and buildings contribute only the subjects the caller
 * looks after. Phones retry: the same `Idempotency-Key` gives the same answer.
 */
export async function tickSubjects(
  platform: Platform,
  by: By,
  input: TickInput,
  options: { idempotencyKey?: string } = {},
): Promise<Answer<TickAnswer>> {
  const { db } = platform.database;
  const now = platform.clock.now();
  const call = options.idempotencyKey ? { callerId: by.actor.id, key: options.idempotencyKey, request: input } : null;
  return once<TickAnswer>(db, call, now, async (remember) => {
    const subjects = await subjectsToTick(platform, by.actor, input);
    const body = await runAudited(platform, by, async (trx) => {
      const ticks: TickAnswer['ticks'] = [];
      for (const subject of subjects) {
        const result = await recordSignal(
          platform,
          { id: ulid(now.getTime()), subjectId: subject.id, ts: now.toISOString(), type: 'tick', source: 'worker' },
          { by, channel: 'tick', trx },
        );
        ticks.push({ subjectId: subject.id, effect: result.status === 'accepted' ? result.effect : result.status });
      }
      const answer = { ticks };
      await remember(trx, 200, answer);
      return {
        result: answer,
        audit: {
          action: 'checkin.tick',
          objectType: 'care_subject',
          objectId: subjects.length === 1 ? subjects[0].id : null,
          summary: { subjects: subjects.map((s) => s.id) },
        },
      };
    });
    return { status: 200, body, replayed: false };
  });
}

async function subjectsToTick(platform: Platform, actor: Actor, input: TickInput): Promise<SubjectRow[]> {
  const { db } = platform.database;
  const named: SubjectRow[] = [];
  for (const id of new Set(input.subjectIds ?? [])) {
    const subject = await visibleSubject(db, actor, id);
    authorize(actor, 'checkin.tick', subject.microgrid_code);
    named.push(subject);
  }
  const residents = await residentIdsAt(db, { householdIds: input.householdIds, buildingIds: input.buildingIds });
  const living = (await findSubjectsByResidents(db, residents)).filter((s) => can(actor, 'checkin.tick', s.microgrid_code));
  const all = new Map([...named, ...living].filter((s) => s.removed_at === null).map((s) => [s.id, s]));
  if (all.size === 0) throw unprocessable('checkin.nothing_to_tick', 'Nobody under care that you look after lives there.');
  if (all.size > MAX_TICKS) throw unprocessable('checkin.too_many_ticks', `At most ${MAX_TICKS} people at once.`);
  return [...all.values()];
}
