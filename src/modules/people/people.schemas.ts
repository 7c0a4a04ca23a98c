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
});

export const householdView = z.object({
  id: z.string(),
  microgridCode: z.string(),
  address: z.string(),
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
