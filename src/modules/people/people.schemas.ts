import { z } from 'zod';
import { RESIDENT_TAGS } from './people.tables.ts';

const orgCode = z.string().regex(/^\d+$/, 'an area code');
const pageSize = z.coerce.number().int().min(1).max(200).default(50);

export const maskedResident = z.object({
  id: z.string(),
  householdId: z.string(),
  microgridCode: z.string(),
  name: z.string(),
  gender: z.enum(['male', 'female']),
  birthYear: z.number().int().nullable(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  hasHealthNotes: z.boolean(),
  tags: z.array(z.enum(RESIDENT_TAGS)),
  /** Send it back with an edit: a stale one gets 409. */
  version: z.number().int(),
});

export const householdView = z.object({
  id: z.string(),
  microgridCode: z.string(),
  address: z.string(),
  version: z.number().int(),
  members: z.array(maskedResident),
});

export const householdsQuery = z.strictObject({ unit: orgCode, after: z.string().max(64).optional(), limit: pageSize });

export const residentsQuery = z.strictObject({
  unit: orgCode.optional(),
  q: z.string().trim().min(1).max(50).optional(),
  /** Spaces and dashes as people type them are ignored. */
  idNumber: z.string().trim().min(15).max(24).optional(),
  phone: z.string().trim().min(7).max(24).optional(),
  after: z.string().max(64).optional(),
  limit: pageSize,
});

export const residentParams = z.strictObject({ id: z.string().min(1).max(64) });

export const revealBody = z.strictObject({
  fields: z
    .array(z.enum(['idNumber', 'phone', 'healthNotes']))
    .min(1)
    .max(3),
  /** Why: kept in the audit trail with the reveal. */
  reason: z.string().trim().min(2).max(200),
});

export const revealView = z.object({
  idNumber: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  healthNotes: z.string().nullable().optional(),
});

/** Without `unit`: the whole scope; with it: the part of the scope under that unit. */
export const summaryQuery = z.strictObject({ unit: orgCode.optional() });

export const summaryView = z.object({
  district: z.number().int(),
  subdistrict: z.number().int(),
  community: z.number().int(),
  grid: z.number().int(),
  microgrid: z.number().int(),
  /** People serving as micro-grid workers (one person may serve two micro-grids). */
  workers: z.number().int(),
  households: z.number().int(),
  residents: z.number().int(),
  microgridsWithoutWorker: z.number().int(),
});

// ── Editing ─────────────────────────────────────────────────────────────────────────────────────

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const version = z.number().int().min(1);

/** A resident as a form gives it; ID number and phone are checked by the command (check character, digits). */
export const residentBody = z.strictObject({
  name: z.string().trim().min(1).max(40),
  gender: z.enum(['male', 'female']),
  birthDate: isoDate.nullable().default(null),
  idNumber: z.string().trim().max(24).nullable().default(null),
  phone: z.string().trim().max(20).nullable().default(null),
  healthNotes: z.string().trim().max(500).nullable().default(null),
  tags: z.array(z.enum(RESIDENT_TAGS)).max(RESIDENT_TAGS.length).default([]),
});

export const newHouseholdBody = z.strictObject({
  microgridCode: orgCode,
  address: z.string().trim().min(2).max(120),
  members: z.array(residentBody).min(1).max(30),
});

export const householdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const householdChangesBody = z.strictObject({
  version,
  address: z.string().trim().min(2).max(120).optional(),
  microgridCode: orgCode.optional(),
});

/** Every field optional: only the ones given change. Personal fields may be cleared with null. */
export const residentChangesBody = z.strictObject({
  version,
  name: z.string().trim().min(1).max(40).optional(),
  gender: z.enum(['male', 'female']).optional(),
  birthDate: isoDate.nullable().optional(),
  idNumber: z.string().trim().max(24).nullable().optional(),
  phone: z.string().trim().max(20).nullable().optional(),
  healthNotes: z.string().trim().max(500).nullable().optional(),
  tags: z.array(z.enum(RESIDENT_TAGS)).max(RESIDENT_TAGS.length).optional(),
});

export const workersQuery = z.strictObject({ unit: orgCode });

export const workerView = z.object({
  residentId: z.string(),
  name: z.string(),
  gender: z.enum(['male', 'female']),
  phone: z.string().nullable(),
  householdId: z.string(),
  livesIn: z.string(),
  microgrids: z.array(z.string()),
  since: z.string(),
  hasAccount: z.boolean(),
  version: z.number().int(),
});

export const assignWorkerBody = z.strictObject({
  residentId: z.string().min(1).max(64),
  microgridCode: orgCode,
  username: z.string().trim().min(1).max(64).optional(),
  replace: z.boolean().default(false),
});

export const workerMicrogridParams = z.strictObject({ residentId: z.string().min(1).max(64), code: orgCode });

export const microgridParams = z.strictObject({ code: orgCode });

export const candidateView = z.object({
  residentId: z.string(),
  name: z.string(),
  gender: z.enum(['male', 'female']),
  age: z.number().int(),
  livesIn: z.string(),
  distanceMetres: z.number().nullable(),
  serving: z.number().int(),
  reasons: z.array(z.enum(['lives_here', 'next_door', 'party_member', 'prime_age'])),
});
