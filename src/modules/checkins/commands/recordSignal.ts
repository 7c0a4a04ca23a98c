import { z } from 'zod';
import { systemActor, type Actor } from '../../../platform/authz/actor.ts';
import { businessDate } from '../../../platform/clock.ts';
import type { By, Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { residentsByPhone } from '../../people/people.contact.ts';
import { alertsOfChecks } from '../checkins.alertLog.ts';
import {
  checksOpenedBy,
  claimDueChecks,
  findDeviceSender,
  findSubject,
  findSubjectsByResidents,
  markCheckSafe,
  type AlertRow,
  type DeviceSender,
  type SignalCheck,
  type SignalRow,
  type SignalSubject,
} from '../checkins.repository.ts';
import { countRejection, insertSignal, readingAtOrAfter, readingAtOrBefore, setSignalEffect } from '../checkins.signalLog.ts';
import { raiseClaimed, raisePanic, recordOutcomeIn, signalAlert } from '../checkins.ladder.ts';
import { checkinSettings, FUTURE_TOLERANCE_MS, type CheckinSettings } from '../checkins.settings.ts';
import {
  DEVICE_SIGNAL_TYPES,
  METER_TYPES,
  SIGNAL_TYPES,
  type DeviceKind,
  type RejectionReason,
  type SignalType,
} from '../checkins.words.ts';

/**
 * The one way a sign of life (or a panic) enters the platform (DOMAIN.md §5): the worker's tick, the
 * subject's link or SMS reply, a device over HTTP or MQTT all come through `recordSignal`.
 *
 * - A message is identified by its origin (the device, or the channel) and its id: a repeat changes
 *   nothing and answers `duplicate`.
 * - Refused, with a stable reason, counted per day and channel (care_signal_rejection), logged
 *   without personal data, and nothing else written: malformed input, a time more than 5 minutes
 *   ahead of the server, a negative or unit-less-and-unknown meter reading, an unknown device,
 *   subject or sender, a type the device does not report.
 * - Inside an open window a counted signal makes the day's check safe; a meter reading counts only
 *   once consumption since the window opened crosses the plan's threshold (water: litres; power:
 *   kWh above the night's baseline rate).
 * - After a deadline the signal is accepted: a check still waiting is raised first (its deadline
 *   passed), then every open alert of the subject whose deadline is before the signal stops climbing
 *   and everyone told hears the all-clear; the caretaker confirms with one tap. A tick is a person
 *   seeing the subject, so a tick also records that person's outcome `safe`.
 * - A panic raises an urgent alert at once, whatever the plan (and counts for the day only when the
 *   plan lists it).
 */

export interface SignalInput {
  /** The message id: with the origin, the message's identity (a device's own id, a gateway's id...). */
  id: string | number;
  /** Who: the subject, a registered device, or (SMS) the sender's mobile number. Exactly one. */
  subjectId?: string;
  deviceId?: string;
  phone?: string;
  /** When it happened: ISO-8601 with an offset, or epoch seconds/milliseconds. */
  ts: string | number;
  type: SignalType;
  /** Meter reading (cumulative): water in L (or m3), power in kWh (or Wh). */
  value?: number | null;
  unit?: string | null;
  /** What sent it: `worker`, `link`, `sms`, `http`, `mqtt`, an integration's name. */
  source: string;
}

export interface SignalOptions {
  /** The person or key behind it (a tick's worker); by default the channel, as a system actor. */
  by?: By;
  /** The channel rejections are counted under (`http`, `mqtt`, `sms`, `link`, `tick`); default the source. */
  channel?: string;
  /** Run inside the caller's transaction (ticks of a whole building at once). */
  trx?: Trx;
  /** Only subjects under these code prefixes (an integration key's unit). */
  within?: string[];
}

export type SignalEffect =
  'safe' | 'late' | 'late_confirmed' | 'panic' | 'below_threshold' | 'not_counted' | 'already_safe' | 'away' | 'no_window';

export type SignalResult =
  | { status: 'accepted'; subjectId: string; effect: SignalEffect; checkId: string | null; alertIds: string[] }
  | { status: 'duplicate'; subjectId: string }
  | { status: 'rejected'; reason: RejectionReason };

/** A device id: safe in an MQTT topic level (no `/`, `+`, `#`). */
export const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

const timestamp = z.union([z.iso.datetime({ offset: true }), z.number().finite().nonnegative()]);
const signalSchema = z
  .object({
    id: z.union([z.string().trim().min(1).max(128), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]).transform(String),
    subjectId: z.string().min(1).max(64).optional(),
    deviceId: z.string().regex(DEVICE_ID).optional(),
    phone: z.string().min(3).max(32).optional(),
    ts: timestamp,
    type: z.enum(SIGNAL_TYPES),
    value: z.number().finite().nullable().optional(),
    unit: z.string().max(16).nullable().optional(),
    source: z.string().min(1).max(32),
  })
  .refine(
    (s) => [s.subjectId, s.deviceId, s.phone].filter((v) => v !== undefined).length === 1,
    'exactly one of subjectId, deviceId, phone',
  );

type Parsed = z.infer<typeof signalSchema>;

/** Epoch seconds (below 1e11) or milliseconds, or ISO-8601: the instant, or null when it is not one. */
function instantOf(ts: string | number): Date | null {
  const ms = typeof ts === 'number' ? (ts < 1e11 ? ts * 1000 : ts) : Date.parse(ts);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Meter readings in litres and kWh. Null: a unit we do not know. */
function normalisedReading(type: SignalType, value: number, unit: string | null | undefined): number | null {
  const u = (unit ?? '').trim().toLowerCase();
  if (type === 'water') {
    if (u === '' || u === 'l' || u === 'litre' || u === 'liter') return value;
    if (u === 'm3' || u === 'm³') return value * 1000;
    return null;
  }
  if (u === '' || u === 'kwh') return value;
  if (u === 'wh') return value / 1000;
  return null;
}

const DEVICE_TYPES: Record<DeviceKind, readonly SignalType[]> = {
  door: ['door'],
  curtain: ['curtain'],
  water: ['water'],
  power: ['power'],
  panic: ['panic'],
  hub: DEVICE_SIGNAL_TYPES,
};

class Rejected extends Error {
  constructor(readonly reason: RejectionReason) {
    super(reason);
  }
}

export async function recordSignal(platform: Platform, signal: SignalInput | unknown, options: SignalOptions = {}): Promise<SignalResult> {
  const raw = (typeof signal === 'object' && signal !== null ? signal : {}) as Partial<SignalInput>;
  const channel = options.channel ?? (typeof raw.source === 'string' && /^[a-z0-9_-]{1,32}$/.test(raw.source) ? raw.source : 'unknown');
  const deviceForLog = typeof raw.deviceId === 'string' && DEVICE_ID.test(raw.deviceId) ? raw.deviceId : undefined;
  const now = platform.clock.now();

  const reject = async (reason: RejectionReason): Promise<SignalResult> => {
    await countRejection(options.trx ?? platform.database.db, businessDate(now, platform.config.timeZone), channel, reason);
    // Ids and codes only: never a phone, a name or the payload.
    platform.log.warn({ checkin: { reason, channel, ...(deviceForLog ? { device: deviceForLog } : {}) } }, 'check-in signal rejected');
    return { status: 'rejected', reason };
  };

  const parsed = signalSchema.safeParse(signal);
  if (!parsed.success) return reject('malformed');
  const input = parsed.data;
  const at = instantOf(input.ts);
  if (!at) return reject('malformed');
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return reject('future_timestamp');
  let value: number | null = null;
  if (METER_TYPES.includes(input.type)) {
    if (input.value === undefined || input.value === null) return reject('malformed');
    if (input.value < 0) return reject('negative_reading');
    value = normalisedReading(input.type, input.value, input.unit);
    if (value === null) return reject('bad_unit');
  }

  const work = async (trx: Trx): Promise<SignalResult> => {
    try {
      return await ingest(platform, trx, input, at, value, options);
    } catch (error) {
      if (error instanceof Rejected) return { status: 'rejected', reason: error.reason };
      throw error;
    }
  };
  const result = options.trx ? await work(options.trx) : await platform.database.db.transaction().execute(work);
  if (result.status === 'rejected') return reject(result.reason);
  return result;
}

async function ingest(
  platform: Platform,
  trx: Trx,
  input: Parsed,
  at: Date,
  value: number | null,
  options: SignalOptions,
): Promise<SignalResult> {
  const now = platform.clock.now();
  const { subject, device } = await whoSent(platform, trx, input, options.within);
  const ts = at.toISOString();
  const origin = device ? device.id : input.source;
  // A tick is a person who saw the subject: it always counts.
  const counted = input.type === 'tick' || planOf(subject.signals).includes(input.type);
  // The checks the signal may speak for: the window it falls in, and those whose deadline passed in the day before it.
  const candidates = await checksOpenedBy(trx, subject.id, ts, new Date(at.getTime() - 86_400_000).toISOString());
  const inWindow = candidates.find((check) => check.due_at > ts);
  const pastDue = candidates.filter((check) => check.due_at <= ts);
  // Stored with the effect it will most likely have: when that is its effect, the signal costs one write.
  const expected = expectedEffect(input.type, counted, inWindow, pastDue);
  const row: SignalRow = {
    origin,
    message_id: input.id,
    subject_id: subject.id,
    device_id: device?.id ?? null,
    type: input.type,
    ts,
    received_at: now.toISOString(),
    value,
    source: input.source,
    actor_id: options.by?.actor.type === 'user' ? options.by.actor.id : null,
    effect: expected.effect,
    check_id: expected.checkId,
  };
  if (!(await insertSignal(trx, row))) return { status: 'duplicate', subjectId: subject.id };

  const actor: Actor = options.by?.actor ?? systemActor(`signal-${input.source}`);
  const requestId = options.by?.requestId ?? null;
  const alertIds: string[] = [];
  let effect: SignalEffect = 'no_window';
  let checkId: string | null = null;

  if (input.type === 'panic') {
    const day = businessDate(now, platform.config.timeZone);
    // The alert names whom it is about in full (a panic is rare: one more read).
    const whole = (await findSubject(trx, subject.id))!;
    const alert = await raisePanic(platform, trx, whole, `${origin}|${input.id}`, ts, day, actor, requestId);
    alertIds.push(alert.id);
    effect = 'panic';
  }

  if (counted) {
    // Meters need the district's thresholds, read when a reading is first weighed; other signals count as they are.
    let settings: CheckinSettings | undefined;
    const counts = async (check: SignalCheck) => {
      if (value === null) return true;
      settings ??= (await checkinSettings(trx)).settings;
      return meterCounts(trx, settings, subject, input.type, origin, value, ts, check.opens_at);
    };
    // Late: deadlines that passed before the signal. Waiting ones are raised now (the deadline is the
    // deadline), then every open alert among them hears that the subject is alive.
    const late: SignalCheck[] = [];
    for (const check of pastDue) if ((check.state === 'waiting' || check.state === 'alerted') && (await counts(check))) late.push(check);
    if (inWindow?.state === 'alerted' && (await counts(inWindow))) late.push(inWindow); // sent in time, delivered late
    const waiting = late.filter((c) => c.state === 'waiting' && c.due_at <= now.toISOString()).map((c) => c.id);
    if (waiting.length > 0)
      await raiseClaimed(
        platform,
        trx,
        await claimDueChecks(trx, platform.database.kind, now.toISOString(), waiting.length, waiting),
        now,
        actor,
        requestId,
      );
    const open = (
      await alertsOfChecks(
        trx,
        late.map((c) => c.id),
      )
    ).filter((a: AlertRow) => a.outcome === null);
    for (const alert of open) {
      checkId = alert.check_id;
      if (!(await signalAlert(platform, trx, alert, { ts, type: input.type, source: input.source }, actor, requestId))) continue;
      alertIds.push(alert.id);
      effect = 'late';
      // A person ticking the subject off is that person's confirmation.
      if (
        input.type === 'tick' &&
        actor.type === 'user' &&
        (await recordOutcomeIn(platform, trx, { ...alert, version: alert.version + 1 }, 'safe', null, actor))
      ) {
        effect = 'late_confirmed';
      }
    }
    if (inWindow && inWindow.state !== 'alerted') {
      checkId = inWindow.id;
      if (inWindow.state !== 'waiting') {
        // Safe already (or away): nothing to weigh, so a meter's reading costs no arithmetic.
        if (effect === 'no_window') effect = inWindow.state === 'away' ? 'away' : 'already_safe';
      } else if (!(await counts(inWindow))) effect = effect === 'no_window' ? 'below_threshold' : effect;
      else if (await markCheckSafe(trx, inWindow.id, ts, input.type, now.toISOString())) effect = 'safe';
      else {
        // Claimed by a sweeper since it was read (sent in time, delivered after the deadline): its alert hears.
        const [alert] = await alertsOfChecks(trx, [inWindow.id]);
        if (
          alert &&
          alert.outcome === null &&
          (await signalAlert(platform, trx, alert, { ts, type: input.type, source: input.source }, actor, requestId))
        ) {
          alertIds.push(alert.id);
          effect = 'late';
        } else if (effect === 'no_window') effect = 'already_safe';
      }
    }
  } else if (effect === 'no_window' && (inWindow || pastDue.length > 0)) {
    effect = 'not_counted';
  }
  if (effect !== expected.effect || checkId !== expected.checkId) await setSignalEffect(trx, origin, input.id, effect, checkId);
  return { status: 'accepted', subjectId: subject.id, effect, checkId, alertIds };
}

/**
 * The effect `ingest` will give a signal, as far as the checks read before it tell: the same rules,
 * without the writes and readings they lead to. Exact when the signal changes nothing else (a window
 * already safe or away, no window, not counted: most of a device's messages), and `safe` for a
 * waiting window; `received` when alerts decide. A wrong guess costs the update that puts it right.
 */
function expectedEffect(
  type: SignalType,
  counted: boolean,
  inWindow: SignalCheck | undefined,
  pastDue: SignalCheck[],
): { effect: SignalEffect | 'received'; checkId: string | null } {
  let effect: SignalEffect = type === 'panic' ? 'panic' : 'no_window';
  if (!counted) return { effect: effect === 'no_window' && (inWindow || pastDue.length > 0) ? 'not_counted' : effect, checkId: null };
  if (inWindow?.state === 'alerted' || pastDue.some((check) => check.state === 'waiting' || check.state === 'alerted'))
    return { effect: 'received', checkId: null };
  if (!inWindow) return { effect, checkId: null };
  if (inWindow.state === 'waiting') effect = 'safe';
  else if (effect === 'no_window') effect = inWindow.state === 'away' ? 'away' : 'already_safe';
  return { effect, checkId: inWindow.id };
}

/** A plan's counted signals (care_subject.signals), parsed once per distinct plan: a handful of them. */
const plans = new Map<string, readonly SignalType[]>();
function planOf(signals: string): readonly SignalType[] {
  let plan = plans.get(signals);
  if (!plan) {
    plan = JSON.parse(signals) as SignalType[];
    if (plans.size >= 256) plans.clear();
    plans.set(signals, plan);
  }
  return plan;
}

/** The subject (and device) a signal is from, or a rejection. */
async function whoSent(
  platform: Platform,
  trx: Trx,
  input: Parsed,
  within: string[] | undefined,
): Promise<{ subject: SignalSubject; device: DeviceSender['device'] | null }> {
  const inScope = (subject: SignalSubject | undefined) =>
    subject && subject.removed_at === null && (!within || within.some((prefix) => subject.microgrid_code.startsWith(prefix)));
  if (input.deviceId !== undefined) {
    const sender = await findDeviceSender(trx, input.deviceId);
    if (!sender || sender.device.retired_at !== null) throw new Rejected('unknown_device');
    if (!DEVICE_TYPES[sender.device.kind].includes(input.type)) throw new Rejected('type_not_supported');
    if (!inScope(sender.subject)) throw new Rejected('unknown_device');
    return sender;
  }
  if (input.phone !== undefined) {
    const residents = await residentsByPhone(platform, trx, input.phone);
    const subjects = (
      await findSubjectsByResidents(
        trx,
        residents.map((r) => r.id),
      )
    ).filter((s) => inScope(s));
    if (subjects.length === 0) throw new Rejected('unknown_sender');
    if (subjects.length > 1) throw new Rejected('ambiguous_sender');
    return { subject: subjects[0], device: null };
  }
  const subject = await findSubject(trx, input.subjectId!);
  if (!inScope(subject)) throw new Rejected('unknown_subject');
  return { subject: subject!, device: null };
}

/**
 * Whether a meter reading shows the subject up and about: consumption since the window opened (from
 * the last reading before it, or the first one in it) reaches the plan's threshold. Electricity
 * counts above the night's baseline: the rate over the hours before the window (a fridge, a standby
 * television) times the time since the window opened.
 */
async function meterCounts(
  trx: Trx,
  settings: CheckinSettings,
  subject: SignalSubject,
  type: SignalType,
  origin: string,
  value: number,
  ts: string,
  opensAt: string,
): Promise<boolean> {
  const before = await readingAtOrBefore(trx, subject.id, type, origin, opensAt);
  let base = before;
  if (!base) {
    const first = await readingAtOrAfter(trx, subject.id, type, origin, opensAt);
    base = first && first.ts < ts ? first : { ts, value };
  }
  const used = value - (base.value ?? value);
  if (type === 'water') return used >= (subject.water_litres ?? settings.waterLitres);
  let expected = 0;
  if (before) {
    const nightStart = new Date(Date.parse(opensAt) - settings.powerNightHours * 3_600_000).toISOString();
    const night = await readingAtOrBefore(trx, subject.id, type, origin, nightStart);
    const hours = night ? (Date.parse(before.ts) - Date.parse(night.ts)) / 3_600_000 : 0;
    if (night && hours > 0 && before.value! >= night.value!) {
      expected = ((before.value! - night.value!) / hours) * ((Date.parse(ts) - Date.parse(base.ts)) / 3_600_000);
    }
  }
  return used - expected >= (subject.power_kwh ?? settings.powerKwh);
}
