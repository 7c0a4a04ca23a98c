import { windowsOn } from '../modules/checkins/checkins.windows.ts';
import type { DeviceKind, Outcome, AwayReason, WindowName } from '../modules/checkins/checkins.words.ts';
import type { SignalInput } from '../modules/checkins/commands/recordSignal.ts';
import { createRandom, type Random } from './random.ts';

/**
 * The demo's simulated day of the curtain pact (issue 5): for each person under care, what happens
 * to them on a day, drawn from the seed, the person and the date, so every run (and every restart)
 * draws the same day. Plain data: careDayJob.ts plays it against the real module.
 *
 * A day (morning window):
 * - ~97 % give a sign of life inside the window at a believable time: their door or curtain sensor,
 *   their water or electricity meter crossing its threshold, the worker's tick on the morning round,
 *   their personal link or an SMS reply;
 * - ~1.5 % are away (the worker hears early that they went to their children's, or to hospital);
 * - ~0.7 % miss: the real sweep raises the alert at the deadline; one or two a day are left open
 *   (nobody acts, or the worker acknowledges and no outcome follows: the ladder climbs and the
 *   alert turns overdue); of the others a fifth show a late sign of life (the all-clear) that the
 *   worker confirms, the rest are acknowledged by their worker some minutes later and closed with
 *   an outcome (mostly safe or overslept).
 * The evening window, for those who have one, is kept by everyone not away.
 */

export const AWAY_SHARE = 0.015;
export const MISS_SHARE = 0.007;

export interface CareDaySubject {
  id: string;
  morning_start: string;
  morning_end: string;
  evening_start: string | null;
  evening_end: string | null;
}

export interface CareDayDevice {
  id: string;
  kind: DeviceKind;
}

interface Base {
  /** When it happens (epoch ms): it is played once the clock has passed it, with the clock at it. */
  at: number;
  subjectId: string;
  day: string;
  window: WindowName;
}

export type CareDayEvent =
  | (Base & { kind: 'signal'; signal: SignalInput; byWorker: boolean; late: boolean })
  | (Base & { kind: 'away'; startsAt: string; endsAt: string; reason: AwayReason })
  | (Base & { kind: 'ack' })
  | (Base & { kind: 'outcome'; outcome: Outcome });

export type Fate = 'normal' | 'away' | 'miss';

const MINUTE = 60_000;
const SOURCE = 'demo';

/** The person's fate on `day`, from the seed alone. */
export function fateOf(seed: string, subjectId: string, day: string): Fate {
  const u = dayRandom(seed, subjectId, day, 'fate').next();
  return u < AWAY_SHARE ? 'away' : u < AWAY_SHARE + MISS_SHARE ? 'miss' : 'normal';
}

/** Everything that happens to one person under care on one business day, in no particular order. */
export function careDayOf(
  seed: string,
  subject: CareDaySubject,
  devices: readonly CareDayDevice[],
  day: string,
  timeZone: string,
  /** One of the day's misses nobody acts on (leftOpen below). */
  leftOpen = false,
): CareDayEvent[] {
  const fate = fateOf(seed, subject.id, day);
  const events: CareDayEvent[] = [];
  for (const window of windowsOn(subject, day, timeZone)) {
    const base = { subjectId: subject.id, day, window: window.window };
    const opens = Date.parse(window.opensAt);
    const due = Date.parse(window.dueAt);
    const random = dayRandom(seed, subject.id, day, window.window);
    if (fate === 'away') {
      if (window.window === 'morning') events.push(awayEvent(random, base, opens, day, timeZone));
      continue;
    }
    if (fate === 'miss' && window.window === 'morning') {
      events.push(...missEvents(random, base, subject, devices, due, leftOpen));
      continue;
    }
    events.push(...signOfLife(random, base, subject, devices, opens, due));
  }
  return events;
}

/**
 * The misses of a day nobody acts on (the board's red line): one, on half the days two, drawn from
 * the day's misses, so that the board shows one or two whatever the dice gave each person.
 */
export function leftOpen(seed: string, day: string, missed: readonly string[]): Set<string> {
  const random = createRandom(`wangge-demo-care-day/${seed}/${day}/left-open`);
  const count = random.chance(0.5) ? 2 : 1;
  return new Set(random.shuffled([...missed].sort()).slice(0, count));
}

function dayRandom(seed: string, subjectId: string, day: string, label: string): Random {
  return createRandom(`wangge-demo-care-day/${seed}/${subjectId}/${day}/${label}`);
}

/**
 * A sign of life inside the window, through the person's own sensor when they have one (most
 * mornings), else the worker's round, their link or an SMS reply. People get up over the first
 * hour or two of the window; the worker's round runs through its middle.
 */
function signOfLife(
  random: Random,
  base: Omit<Base, 'at'>,
  subject: CareDaySubject,
  devices: readonly CareDayDevice[],
  opens: number,
  due: number,
): CareDayEvent[] {
  const minutes = (due - opens) / MINUTE;
  const up = opens + Math.round(Math.min(minutes - 15, Math.max(4, 50 + 35 * random.normal())) * MINUTE);
  const round = opens + random.int(50, minutes - 20) * MINUTE;
  const morning = base.window === 'morning';
  const sensor = devices.find((d) => d.kind === 'door' || d.kind === 'curtain' || (morning && (d.kind === 'water' || d.kind === 'power')));
  if (sensor && random.chance(0.8)) return deviceSignals(random, base, sensor, opens, up);
  const channel = morning ? random.weighted([45, 30, 25]) : random.weighted([5, 55, 40]);
  if (channel === 0) return [signal(base, round, subjectSignal(subject.id, base, 'tick', round), true)];
  const type = channel === 1 ? 'link' : 'sms';
  return [signal(base, up, subjectSignal(subject.id, base, type, up), false)];
}

/**
 * A sensor's messages: a door opening or the curtain drawn; a water meter's reading before the
 * window and one after the morning wash (15-40 L later); an electricity meter's readings at night,
 * before the window and after breakfast (kettle, rice cooker: 0.6-1.4 kWh over a 0.05 kWh/h night).
 * Readings are cumulative and grow from day to day.
 */
function deviceSignals(random: Random, base: Omit<Base, 'at'>, device: CareDayDevice, opens: number, up: number): CareDayEvent[] {
  const id = (n: string) => `${base.day}/${base.window}/${n}`;
  const dayNumber = Math.round(Date.parse(`${base.day}T00:00:00Z`) / 86_400_000);
  const message = (at: number, n: string, extra: Partial<SignalInput> = {}) =>
    signal(
      base,
      at,
      {
        id: id(n),
        deviceId: device.id,
        ts: new Date(at).toISOString(),
        type: device.kind as SignalInput['type'],
        source: SOURCE,
        ...extra,
      },
      false,
    );
  switch (device.kind) {
    case 'water': {
      const before = 20_000 + dayNumber * 160;
      return [
        message(opens - random.int(30, 90) * MINUTE, 'before', { value: before, unit: 'L' }),
        message(up, 'wash', { value: before + random.int(15, 40), unit: 'L' }),
      ];
    }
    case 'power': {
      const night = 3_000 + dayNumber * 6;
      return [
        message(opens - (6 * 60 + 15) * MINUTE, 'night', { value: night, unit: 'kWh' }),
        message(opens - 20 * MINUTE, 'before', { value: night + 0.3, unit: 'kWh' }),
        message(up, 'breakfast', { value: Math.round((night + 0.3 + random.range(0.6, 1.4)) * 100) / 100, unit: 'kWh' }),
      ];
    }
    default:
      return [message(up, 'open', { value: 1 })];
  }
}

/**
 * Gone to their children's (most) or to hospital: the worker records the away period early in the
 * morning, until the next morning. No note: the reason is all the demo needs.
 */
function awayEvent(random: Random, base: Omit<Base, 'at'>, opens: number, day: string, timeZone: string): CareDayEvent {
  const at = opens - random.int(0, 60) * MINUTE;
  const reason = (['with_family', 'hospital', 'other'] as const)[random.weighted([75, 15, 10])];
  const nextMorning = windowsOn(
    { morning_start: '05:00', morning_end: '05:30', evening_start: null, evening_end: null },
    nextDay(day),
    timeZone,
  )[0];
  return { ...base, at, kind: 'away', startsAt: new Date(at).toISOString(), endsAt: nextMorning.opensAt, reason };
}

/**
 * No sign of life by the deadline: the sweep raises the alert. Then one of three things: the
 * worker acknowledges within a quarter of an hour and records what they found; the person shows a
 * late sign of life (the all-clear goes out) and the worker confirms it; or nobody acts (the alert
 * climbs and turns overdue: the board's red line).
 */
function missEvents(
  random: Random,
  base: Omit<Base, 'at'>,
  subject: CareDaySubject,
  devices: readonly CareDayDevice[],
  due: number,
  leftOpen: boolean,
): CareDayEvent[] {
  if (leftOpen) return random.chance(0.5) ? [{ ...base, at: due + random.int(6, 14) * MINUTE, kind: 'ack' }] : [];
  if (random.chance(0.2)) {
    const late = due + random.int(8, 40) * MINUTE;
    const door = devices.find((d) => d.kind === 'door' || d.kind === 'curtain');
    const input: SignalInput = door
      ? {
          id: `${base.day}/${base.window}/late`,
          deviceId: door.id,
          ts: new Date(late).toISOString(),
          type: door.kind as SignalInput['type'],
          value: 1,
          source: SOURCE,
        }
      : subjectSignal(subject.id, base, 'link', late);
    return [signal(base, late, input, false, true), { ...base, at: late + random.int(5, 20) * MINUTE, kind: 'outcome', outcome: 'safe' }];
  }
  const ack = due + random.int(4, 14) * MINUTE;
  const outcome = (['safe', 'overslept', 'away'] as const)[random.weighted([40, 48, 12])];
  return [
    { ...base, at: ack, kind: 'ack' },
    { ...base, at: ack + random.int(6, 35) * MINUTE, kind: 'outcome', outcome },
  ];
}

function subjectSignal(subjectId: string, base: Omit<Base, 'at'>, type: 'tick' | 'link' | 'sms', at: number): SignalInput {
  return { id: `${subjectId}/${base.day}/${base.window}/${type}`, subjectId, ts: new Date(at).toISOString(), type, source: SOURCE };
}

function signal(base: Omit<Base, 'at'>, at: number, input: SignalInput, byWorker: boolean, late = false): CareDayEvent {
  return { ...base, at, kind: 'signal', signal: input, byWorker, late };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
