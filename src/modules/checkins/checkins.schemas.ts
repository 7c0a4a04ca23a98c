import { z } from 'zod';
import { isCalendarDate } from '../../platform/clock.ts';
import { settingsSchema, windowSchema } from './checkins.settings.ts';
import {
  ALERT_KINDS,
  AWAY_REASONS,
  CARE_TAGS,
  CHECK_STATES,
  CONTACT_CHANNELS,
  DEVICE_KINDS,
  OUTCOMES,
  SIGNAL_TYPES,
  WINDOWS,
} from './checkins.words.ts';
import { DEVICE_ID } from './commands/recordSignal.ts';

const orgCode = z.string().regex(/^\d+(D\d{2,})?$/, 'an org code');
const rowId = z.string().min(1).max(64);
const pageSize = z.coerce.number().int().min(1).max(200).default(50);
const version = z.number().int().nonnegative();
const day = z.string().refine(isCalendarDate, 'a date YYYY-MM-DD');
/** An instant with its offset (`2026-03-05T18:00:00+08:00` or `...Z`), stored in UTC. */
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

export { idempotencyHeaders } from '../../platform/idempotency.ts';

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

export const contactBody = z.strictObject({
  name: z.string().trim().min(1).max(50),
  phone: z.string().trim().min(5).max(24),
  relation: z.string().trim().max(20).nullable().optional(),
  /** sms: texted by the ladder; phone: to be called by whoever handles the alert. */
  channel: z.enum(CONTACT_CHANNELS).default('sms'),
});

export const planBody = z.strictObject({
  morningWindow: windowSchema.optional(),
  eveningWindow: windowSchema.nullable().optional(),
  signals: z.array(z.enum(SIGNAL_TYPES)).min(1).max(SIGNAL_TYPES.length).optional(),
  /** null: the district's setting. */
  waterLitres: z.number().positive().max(10_000).nullable().optional(),
  powerKwh: z.number().positive().max(1_000).nullable().optional(),
  /** In the order they are to be tried; replaces the list. */
  contacts: z.array(contactBody).max(5).optional(),
  /** null removes them. */
  healthNotes: z.string().trim().max(1000).nullable().optional(),
});

export const newSubjectBody = z.strictObject({ residentId: rowId, plan: planBody.optional() });
export const planChangesBody = planBody.extend({ version });
export const enrolTaggedBody = z.strictObject({
  unitCode: orgCode,
  tags: z
    .array(z.enum(CARE_TAGS))
    .min(1)
    .default([...CARE_TAGS]),
});
export const subjectParams = z.strictObject({ id: rowId });
export const versionQuery = z.strictObject({ version: z.coerce.number().int().nonnegative() });
export const revealBody = z.strictObject({
  fields: z.array(z.enum(['contacts', 'healthNotes'])).min(1),
  reason: z.string().trim().min(2).max(200),
});
export const linkBody = z.strictObject({ sendSms: z.boolean().default(false) });
export const awayBody = z.strictObject({
  startsAt: instant,
  endsAt: instant,
  reason: z.enum(AWAY_REASONS),
  note: z.string().trim().max(200).nullable().optional(),
});
export const awayParams = z.strictObject({ id: rowId, awayId: rowId });
export const deviceBody = z.strictObject({
  subjectId: rowId,
  deviceId: z.string().regex(DEVICE_ID, 'letters, digits and _ . : - (at most 64)'),
  kind: z.enum(DEVICE_KINDS),
  name: z.string().trim().max(50).optional(),
});
export const deviceParams = z.strictObject({ deviceId: z.string().max(64) });
const ids = z.array(rowId).max(200);
export const tickBody = z
  .strictObject({ subjectIds: ids.optional(), householdIds: ids.optional(), buildingIds: ids.optional() })
  .refine(
    (b) => (b.subjectIds?.length ?? 0) + (b.householdIds?.length ?? 0) + (b.buildingIds?.length ?? 0) > 0,
    'name a subject, households or buildings',
  );
export const alertParams = z.strictObject({ id: rowId });
export const outcomeBody = z.strictObject({ outcome: z.enum(OUTCOMES), note: z.string().trim().max(500).nullable().optional() });
export const dayQuery = z.strictObject({ date: day.optional(), unit: orgCode.optional() });
export const subjectsQuery = z.strictObject({
  unit: orgCode.optional(),
  includeRemoved: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  after: z.string().max(64).optional(),
  limit: pageSize,
});
export const alertsQuery = z.strictObject({
  /** The last day (default today) and how many days up to it. */
  date: day.optional(),
  days: z.coerce.number().int().min(1).max(31).default(1),
  unit: orgCode.optional(),
  state: z.enum(['open', 'resolved']).optional(),
  after: z.string().max(64).optional(),
  limit: pageSize,
});
export const historyQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(90).default(30) });
export const monthlyQuery = z.strictObject({ unit: orgCode, month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM') });
export const rejectionsQuery = z.strictObject({ from: day, to: day });
export const settingsBody = z.strictObject({ version, settings: settingsSchema.partial() });

// ── Answers ──────────────────────────────────────────────────────────────────────────────────────

const maskedContact = z.object({ name: z.string(), phone: z.string(), relation: z.string().nullable(), channel: z.enum(CONTACT_CHANNELS) });
const gender = z.enum(['male', 'female']).nullable();

export const subjectView = z.object({
  id: z.string(),
  residentId: z.string(),
  householdId: z.string().nullable(),
  microgridCode: z.string(),
  /** Masked: `张*兰`. */
  name: z.string(),
  gender,
  birthYear: z.number().int().nullable(),
  /** Masked. */
  phone: z.string().nullable(),
  address: z.string(),
  buildingAddress: z.string().nullable(),
  plan: z.object({
    morningWindow: z.object({ start: z.string(), end: z.string() }),
    eveningWindow: z.object({ start: z.string(), end: z.string() }).nullable(),
    signals: z.array(z.enum(SIGNAL_TYPES)),
    waterLitres: z.number().nullable(),
    powerKwh: z.number().nullable(),
  }),
  /** Masked, in order. */
  contacts: z.array(maskedContact),
  hasHealthNotes: z.boolean(),
  linkIssuedAt: z.string().nullable(),
  enrolledVia: z.enum(['staff', 'tags']),
  removedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export const subjectListView = z.object({ items: z.array(subjectView), nextCursor: z.string().nullable() });
export const subjectDetailView = subjectView.extend({
  away: z.array(
    z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), reason: z.enum(AWAY_REASONS), note: z.string().nullable() }),
  ),
  devices: z.array(
    z.object({ id: z.string(), kind: z.enum(DEVICE_KINDS), name: z.string(), createdAt: z.string(), retiredAt: z.string().nullable() }),
  ),
});
export const enrolTaggedView = z.object({ enrolled: z.number().int(), alreadyEnrolled: z.number().int(), removedBefore: z.number().int() });
export const revealView = z.object({
  contacts: z
    .array(z.object({ name: z.string(), phone: z.string(), relation: z.string().nullable(), channel: z.enum(CONTACT_CHANNELS) }))
    .optional(),
  healthNotes: z.string().nullable().optional(),
});
export const linkView = z.object({ subjectId: z.string(), path: z.string(), url: z.string(), smsQueued: z.boolean() });
export const awayView = z.object({
  id: z.string(),
  subjectId: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.enum(AWAY_REASONS),
  note: z.string().nullable(),
});
export const deviceView = z.object({
  id: z.string(),
  subjectId: z.string(),
  kind: z.enum(DEVICE_KINDS),
  name: z.string(),
  /** The device API key, shown this once: only its SHA-256 is kept. */
  key: z.string().optional(),
  retiredAt: z.string().nullable(),
});
export const tickView = z.object({ ticks: z.array(z.object({ subjectId: z.string(), effect: z.string() })) });
export const signalView = z.object({
  status: z.enum(['accepted', 'duplicate']),
  effect: z.string().nullable(),
});

const alertStatus = z.enum(['open', 'acknowledged', 'signalled', 'resolved']);
export const alertView = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  subjectId: z.string(),
  microgridCode: z.string(),
  day: z.string(),
  window: z.enum(WINDOWS).nullable(),
  dueAt: z.string(),
  raisedAt: z.string(),
  /** Minutes between the deadline and the raising: the gap when the server was down. */
  lateMinutes: z.number().int(),
  rung: z.number().int(),
  nextRungAt: z.string().nullable(),
  status: alertStatus,
  overdue: z.boolean(),
  overdueAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  signalAt: z.string().nullable(),
  signalType: z.enum(SIGNAL_TYPES).nullable(),
  awaitingConfirmation: z.boolean(),
  outcome: z.enum(OUTCOMES).nullable(),
  outcomeNote: z.string().nullable(),
  outcomeBy: z.string().nullable(),
  outcomeAt: z.string().nullable(),
  caseId: z.string().nullable(),
  name: z.string(),
  address: z.string(),
  phone: z.string().nullable(),
  version: z.number().int(),
});
export const alertListView = z.object({ items: z.array(alertView), nextCursor: z.string().nullable() });
export const alertDetailView = alertView.extend({
  contacts: z.array(maskedContact),
  timeline: z.array(z.object({ step: z.string(), at: z.string(), actor: z.string(), details: z.record(z.string(), z.unknown()) })),
});

const tally = {
  subjects: z.number().int(),
  checks: z.number().int(),
  safe: z.number().int(),
  waiting: z.number().int(),
  alerted: z.number().int(),
  resolved: z.number().int(),
  away: z.number().int(),
};
export const summaryView = z.object({ date: z.string(), ...tally, openAlerts: z.number().int(), overdue: z.number().int() });
const boardRow = z.object({ code: z.string(), name: z.string(), ...tally, openAlerts: z.number().int(), overdue: z.number().int() });
export const boardView = z.object({
  date: z.string(),
  unit: z.object({ code: z.string(), name: z.string(), level: z.string() }).nullable(),
  totals: boardRow.nullable(),
  rows: z.array(boardRow),
});
export const todayView = z.object({
  date: z.string(),
  items: z.array(
    z.object({
      checkId: z.string(),
      subjectId: z.string(),
      window: z.enum(WINDOWS),
      opensAt: z.string(),
      dueAt: z.string(),
      state: z.enum(CHECK_STATES),
      safeAt: z.string().nullable(),
      safeVia: z.enum(SIGNAL_TYPES).nullable(),
      alert: z
        .object({ id: z.string(), status: alertStatus, overdue: z.boolean(), rung: z.number().int(), outcome: z.enum(OUTCOMES).nullable() })
        .nullable(),
      name: z.string(),
      gender,
      birthYear: z.number().int().nullable(),
      phone: z.string().nullable(),
      residentId: z.string().nullable(),
      householdId: z.string().nullable(),
      address: z.string(),
      buildingId: z.string().nullable(),
      buildingAddress: z.string().nullable(),
      lng: z.number().nullable(),
      lat: z.number().nullable(),
      microgridCode: z.string(),
    }),
  ),
  truncated: z.boolean(),
});
export const historyView = z.object({
  subject: subjectView,
  days: z.array(
    z.object({
      day: z.string(),
      checks: z.array(
        z.object({
          window: z.enum(WINDOWS),
          state: z.enum(CHECK_STATES),
          dueAt: z.string(),
          safeAt: z.string().nullable(),
          safeVia: z.enum(SIGNAL_TYPES).nullable(),
          alert: z
            .object({ id: z.string(), status: alertStatus, outcome: z.enum(OUTCOMES).nullable(), outcomeAt: z.string().nullable() })
            .nullable(),
        }),
      ),
    }),
  ),
});
const figures = z.object({
  alerts: z.number().int(),
  panics: z.number().int(),
  resolved: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
  falseAlarms: z.number().int(),
  falseAlarmShare: z.number().nullable(),
  medianMinutesToOutcome: z.number().nullable(),
  withinHour: z.number().int(),
  outcomes: z.record(z.enum(OUTCOMES), z.number().int()),
});
export const monthlyView = z.object({
  unit: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  month: z.string(),
  totals: figures,
  units: z.array(figures.extend({ code: z.string(), name: z.string() })),
});
export const rejectionsView = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(z.object({ day: z.string(), channel: z.string(), reason: z.string(), count: z.number().int() })),
  /** This instance's MQTT subscriber since it started (null without MQTT_URL): docs/checkins.md "MQTT". */
  mqtt: z
    .object({
      connections: z.number().int(),
      connected: z.number().int(),
      received: z.number().int(),
      accepted: z.number().int(),
      duplicates: z.number().int(),
      rejected: z.number().int(),
      failed: z.number().int(),
      batches: z.number().int(),
      lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
    })
    .nullable(),
});
export const settingsView = z.object({ settings: settingsSchema, version: z.number().int() });
/** What the subject's link shows: nothing personal (anyone holding the link can open it). */
export const publicCheckinView = z.object({ checkedIn: z.boolean(), at: z.string().nullable() });
