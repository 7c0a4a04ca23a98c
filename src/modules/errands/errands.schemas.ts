import { z } from 'zod';
import { ERRAND_KINDS, ERRAND_STATES } from './errands.kinds.ts';

const orgCode = z.string().regex(/^\d+(D\d{2,})?$/, 'an org code');
const pageSize = z.coerce.number().int().min(1).max(200).default(50);
const rowId = z.string().min(1).max(64);
/** An instant with its offset (`2026-03-05T18:00:00+08:00` or `...Z`), stored in UTC. */
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());
const version = z.number().int().positive();

export { idempotencyHeaders } from '../../platform/idempotency.ts';

export const newErrandBody = z.strictObject({
  householdId: rowId,
  /** For whom: a member of the household; left out for the household as a whole. */
  residentId: rowId.optional(),
  kind: z.enum(ERRAND_KINDS),
  what: z.string().trim().min(2).max(500),
  promisedBy: instant,
});

export const errandParams = z.strictObject({ id: rowId });
/** A link token: 32 random bytes, base64url (43 characters). */
export const tokenParams = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a link token') });

export const doneBody = z.strictObject({
  version,
  /** Also text the link to the resident (the member it is for, when a phone is on record). */
  sendSms: z.boolean().default(false),
});
export const confirmBody = z.strictObject({ version });
export const cancelBody = z.strictObject({ version, reason: z.string().trim().min(2).max(200) });

export const errandsQuery = z.strictObject({
  /** Errands of micro-grids under this unit of my scope. */
  unit: orgCode.optional(),
  state: z.enum(ERRAND_STATES).optional(),
  /** Open errands past their promise. */
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  after: z.string().max(64).optional(),
  limit: pageSize,
});

export const countsQuery = z.strictObject({
  unit: orgCode,
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
});

export const errandView = z.object({
  id: z.string(),
  householdId: z.string(),
  /** The household's address (not masked, as in the registry's lists). */
  address: z.string(),
  residentId: z.string().nullable(),
  /** Masked: `张*兰`. */
  residentName: z.string().nullable(),
  /** Masked; null when none is on record (then no SMS can be sent). */
  residentPhone: z.string().nullable(),
  microgridCode: z.string(),
  workerUserId: z.string(),
  workerName: z.string(),
  kind: z.enum(ERRAND_KINDS),
  what: z.string(),
  promisedBy: z.string(),
  state: z.enum(ERRAND_STATES),
  /** Still open past its promise. */
  overdue: z.boolean(),
  doneAt: z.string().nullable(),
  /** Done by its promise; null until done. */
  doneOnTime: z.boolean().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedVia: z.enum(['worker', 'link']).nullable(),
  /** Until when the resident's confirmation link works (while done). */
  linkExpiresAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Send it back with a change: a stale one gets 409. */
  version: z.number().int(),
});

export const errandListView = z.object({ items: z.array(errandView), nextCursor: z.string().nullable() });

/** A one-time confirmation link: shown once, kept nowhere but as its SHA-256. */
export const linkAnswer = z.object({
  errand: errandView,
  link: z.object({ path: z.string(), url: z.string(), expiresAt: z.string() }),
  /** Whether a text message with the link was queued for the resident. */
  smsQueued: z.boolean(),
});

/** What the resident's link shows: nothing personal beyond what they asked for. */
export const publicErrandView = z.object({
  kind: z.enum(ERRAND_KINDS),
  kindName: z.string(),
  what: z.string(),
  doneAt: z.string().nullable(),
  state: z.enum(ERRAND_STATES),
  confirmedAt: z.string().nullable(),
});

const counts = z.object({
  logged: z.number().int(),
  done: z.number().int(),
  done_on_time: z.number().int(),
  confirmed: z.number().int(),
  cancelled: z.number().int(),
});

export const countsView = z.object({
  unit: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  month: z.string(),
  totals: counts,
  /** The units one level down (micro-grids under a grid), with anything counted. */
  units: z.array(z.object({ code: z.string(), name: z.string(), counts })),
  /** Workers with anything counted under the unit this month, most done first (at most 200). */
  workers: z.array(z.object({ userId: z.string(), username: z.string(), counts })),
});
