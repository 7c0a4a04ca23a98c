import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { Executor } from './checkins.repository.ts';
import { findSettings } from './checkins.repository.ts';
import { SIGNAL_TYPES, type SignalType } from './checkins.words.ts';

/**
 * The district's settings of the curtain pact: the defaults a new plan gets, the meters' thresholds
 * and the ladder's timing (DOMAIN.md §5). One row (care_setting), edited by the district's
 * administrators (`PUT /api/checkins/settings`); what is not stored takes the default below. Changes
 * apply to what happens next: rungs already climbed stay climbed, checks already planned keep their
 * windows.
 */

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
export const windowSchema = z
  .strictObject({ start: clock, end: clock })
  .refine((w) => w.start < w.end, 'a window opens before its deadline, on the same day');
export type Window = z.infer<typeof windowSchema>;

export const settingsSchema = z.strictObject({
  /** The morning window a new plan gets: opens at start, its deadline is end (local time). */
  morningWindow: windowSchema,
  /** The evening window a new plan gets, or none. */
  eveningWindow: windowSchema.nullable(),
  /** Which signals count for a new plan. */
  signals: z.array(z.enum(SIGNAL_TYPES)).min(1),
  /** Water since the window opened that counts as a sign of life (practice: 10 L / 0.01 m³). */
  waterLitres: z.number().positive().max(10_000),
  /** Electricity above the night's baseline since the window opened that counts (kWh). */
  powerKwh: z.number().positive().max(1_000),
  /** The night before the window over which the electricity baseline (kWh per hour) is measured. */
  powerNightHours: z.number().int().min(1).max(12),
  /** Minutes the caretaker has to acknowledge an alert before it climbs. */
  ackMinutes: z.number().int().min(1).max(720),
  /** Minutes between rungs while nobody acknowledges. */
  climbMinutes: z.number().int().min(1).max(720),
  /** Minutes after the deadline when an alert without an outcome is overdue (the command centre is told). */
  overdueMinutes: z.number().int().min(1).max(1440),
});
export type CheckinSettings = z.infer<typeof settingsSchema>;

/** Signals counted by default; a panic always raises an urgent alert, and counts only when a plan says so. */
const DEFAULT_SIGNALS: SignalType[] = ['tick', 'link', 'sms', 'door', 'curtain', 'water', 'power'];

export const DEFAULT_SETTINGS: CheckinSettings = {
  morningWindow: { start: '06:00', end: '09:00' },
  eveningWindow: null,
  signals: DEFAULT_SIGNALS,
  waterLitres: 10,
  powerKwh: 0.3,
  powerNightHours: 6,
  ackMinutes: 15,
  climbMinutes: 15,
  overdueMinutes: 60,
};

/** How far ahead of the server's clock a signal's time may be before it is refused. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export async function checkinSettings(db: Executor): Promise<{ settings: CheckinSettings; version: number }> {
  const row = await findSettings(db);
  if (!row) return { settings: DEFAULT_SETTINGS, version: 0 };
  const stored = JSON.parse(row.settings) as Partial<CheckinSettings>;
  return { settings: { ...DEFAULT_SETTINGS, ...stored }, version: row.version };
}

/** Rung n (1-based) of an alert whose deadline was `dueAt`: ack time, then one climb interval per rung. */
export function rungDueAt(settings: CheckinSettings, dueAt: string, rung: number): string {
  const minutes = settings.ackMinutes + (rung - 1) * settings.climbMinutes;
  return new Date(Date.parse(dueAt) + minutes * 60_000).toISOString();
}

export function overdueAt(settings: CheckinSettings, dueAt: string): string {
  return new Date(Date.parse(dueAt) + settings.overdueMinutes * 60_000).toISOString();
}

/** The platform's zone, as the windows are read in. */
export const zoneOf = (platform: Platform) => platform.config.timeZone;
