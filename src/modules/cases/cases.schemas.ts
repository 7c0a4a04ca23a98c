import { z } from 'zod';
import { FILE_REF } from '../files/files.refs.ts';
import { CRS_VALUES } from '../org/org.crs.ts';
import { RATE_NAMES, type RateName } from './cases.rates.ts';
import { MEASURES } from './cases.tally.ts';
import { CASE_STATES } from './cases.workflow.ts';

const orgCode = z.string().regex(/^\d+(D\d{2,})?$/, 'an org code');
const pageSize = z.coerce.number().int().min(1).max(200).default(50);
const limitUnit = z.enum(['urgent_hours', 'working_hours', 'working_days', 'calendar_days']);
const limit = z.strictObject({ amount: z.number().positive().max(10_000), unit: limitUnit });
/** Photos uploaded first (`POST /api/files`), referred to as `<sha256>.<ext>`. */
const attachments = z.array(z.string().regex(FILE_REF, 'a file reference from POST /api/files')).max(9);

export const newCaseBody = z.strictObject({
  categoryCode: z.string().regex(/^\d{4}$/, 'a leaf category code'),
  description: z.string().trim().min(2).max(1000),
  location: z
    .strictObject({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), crs: z.enum(CRS_VALUES).default('wgs84') })
    .optional(),
  areaCode: orgCode.optional(),
  address: z.string().trim().min(2).max(120).optional(),
  attachments: attachments.optional(),
  reporter: z.strictObject({ name: z.string().trim().min(1).max(40), contact: z.string().trim().min(3).max(40).optional() }).optional(),
});

export { idempotencyHeaders } from '../../platform/idempotency.ts';

export const caseActionBody = z.strictObject({
  action: z.string().min(1).max(40),
  version: z.number().int().positive(),
  note: z.string().trim().max(1000).optional(),
  attachments: attachments.optional(),
  categoryCode: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  conditionCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  leadDepartment: orgCode.optional(),
  coHandlers: z.array(orgCode).max(10).optional(),
  extension: limit.optional(),
  closureType: z.enum(['error', 'special']).optional(),
  solved: z.boolean().optional(),
  satisfied: z.boolean().optional(),
});

export const caseParams = z.strictObject({ id: z.string().min(1).max(64) });

export const casesQuery = z.strictObject({
  /** Cases under this unit of my scope (or this department's, for a department). */
  unit: orgCode.optional(),
  state: z.enum(CASE_STATES).optional(),
  /** Open cases past their stage deadline. */
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  category: z
    .string()
    .regex(/^\d{2}(\d{2})?$/)
    .optional(),
  /** Only the ones I reported. */
  mine: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  after: z.string().max(64).optional(),
  limit: pageSize,
});

export const nearbyQuery = z.strictObject({
  category: z.string().regex(/^\d{4}$/),
  lng: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  crs: z.enum(CRS_VALUES).default('wgs84'),
});

const handlerView = z.object({
  departmentCode: z.string(),
  role: z.enum(['lead', 'co']),
  dispatchedAt: z.string(),
  doneAt: z.string().nullable(),
});

export const caseView = z.object({
  id: z.string(),
  source: z.string(),
  state: z.enum(CASE_STATES),
  categoryCode: z.string(),
  categoryName: z.string(),
  conditionCode: z.string().nullable(),
  public: z.boolean(),
  areaCode: z.string(),
  location: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  address: z.string(),
  description: z.string(),
  attachments: z.array(z.string()),
  reporterUserId: z.string().nullable(),
  /** Masked: a caller's name and contact are personal data. */
  reporterName: z.string().nullable(),
  reporterContact: z.string().nullable(),
  /** The hotline order number (`12345:...`) or another system's reference. */
  externalRef: z.string().nullable(),
  externalDueAt: z.string().nullable(),
  leadDepartment: z.string().nullable(),
  stageStartedAt: z.string(),
  stageDueAt: z.string().nullable(),
  /** Past its stage deadline and still open. */
  overdue: z.boolean(),
  rung: z.number().int(),
  handlingDueAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  handledAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  closureType: z.string().nullable(),
  solved: z.boolean().nullable(),
  satisfied: z.boolean().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Send it back with an action: a stale one gets 409. */
  version: z.number().int(),
});

export const caseEventView = z.object({
  id: z.string(),
  action: z.string(),
  fromState: z.string(),
  toState: z.string(),
  actorLabel: z.string(),
  actorRole: z.string(),
  unitCode: z.string().nullable(),
  note: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  deadline: z.string().nullable(),
  at: z.string(),
});

export const caseDetailView = caseView.extend({
  handlers: z.array(handlerView),
  events: z.array(caseEventView),
  /** What the caller may do now. */
  allowedActions: z.array(z.string()),
});

export const caseListView = z.object({ items: z.array(caseView), nextCursor: z.string().nullable() });

export const nearbyView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      state: z.string(),
      address: z.string(),
      description: z.string(),
      distanceMetres: z.number(),
      createdAt: z.string(),
    }),
  ),
});

export const conditionView = z.object({ code: z.string(), name: z.string(), limit, closing: z.string(), version: z.number().int() });
export const categoryView = z.object({
  code: z.string(),
  name: z.string(),
  public: z.boolean(),
  active: z.boolean(),
  version: z.number().int(),
});

export const catalogueView = z.object({
  majors: z.array(categoryView.extend({ leaves: z.array(categoryView.extend({ conditions: z.array(conditionView) })) })),
});

export const categoryParams = z.strictObject({ code: z.string().regex(/^\d{2}(\d{2})?$/) });
export const conditionParams = z.strictObject({ code: z.string().regex(/^\d{6}$/) });

export const newCategoryBody = z.strictObject({
  code: z.string().regex(/^\d{2}(\d{2})?$/, 'two digits for a major, four for a leaf'),
  name: z.string().trim().min(2).max(40),
  public: z.boolean().default(true),
});
export const categoryChangesBody = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(2).max(40).optional(),
  public: z.boolean().optional(),
  active: z.boolean().optional(),
});
export const newConditionBody = z.strictObject({
  categoryCode: z.string().regex(/^\d{4}$/),
  name: z.string().trim().min(2).max(120),
  limit,
  closing: z.string().trim().min(2).max(200),
});
export const conditionChangesBody = z.strictObject({
  version: z.number().int().positive(),
  name: z.string().trim().min(2).max(120).optional(),
  limit: limit.optional(),
  closing: z.string().trim().min(2).max(200).optional(),
});

export const routeView = z.object({
  id: z.string(),
  categoryCode: z.string(),
  areaCode: z.string(),
  leadDepartment: z.string(),
  coHandlers: z.array(z.string()),
  version: z.number().int(),
});
export const newRouteBody = z.strictObject({
  categoryCode: z.string().regex(/^\d{4}$/),
  areaCode: orgCode,
  leadDepartment: orgCode,
  coHandlers: z.array(orgCode).max(10).default([]),
});
export const routeChangesBody = z.strictObject({
  version: z.number().int().positive(),
  leadDepartment: orgCode,
  coHandlers: z.array(orgCode).max(10),
});
export const routeParams = z.strictObject({ id: z.string().min(1).max(64) });
export const versionQuery = z.strictObject({ version: z.coerce.number().int().positive() });

export const calendarParams = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
export const calendarView = z.object({
  days: z.array(z.object({ day: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string() })),
  workHours: z.array(z.object({ start: z.string(), end: z.string() })),
  timeZone: z.string(),
});

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM');
const rateName = z.enum(RATE_NAMES as [RateName, ...RateName[]]);
const measure = z.enum(MEASURES);

export const rankingQuery = z.strictObject({
  month,
  level: z.enum(['subdistrict', 'community', 'grid', 'department']),
  /** Rank the units under this one (default: my whole scope). */
  within: orgCode.optional(),
});

const rateFigure = z.object({ numerator: z.number(), denominator: z.number(), value: z.number().nullable() });
const rateSettingsView = z.object({ weights: z.record(rateName, z.number()), excludeParkedFromOnTimeClosure: z.boolean() });

export const rankingView = z.object({
  month: z.string(),
  level: z.string(),
  within: z.string(),
  settings: rateSettingsView,
  units: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      counts: z.partialRecord(measure, z.number()),
      rates: z.record(rateName, rateFigure),
      score: z.number().nullable(),
      rank: z.number().int().nullable(),
      lastMonthScore: z.number().nullable(),
      trend: z.number().nullable(),
    }),
  ),
  top: z.array(z.string()),
  bottom: z.array(z.string()),
});

export const figureCasesQuery = z.strictObject({
  unit: orgCode,
  month,
  measure,
  after: z.string().max(64).optional(),
  limit: pageSize,
});

export const rateSettingsBody = z.strictObject({
  version: z.number().int().min(0),
  weights: z.partialRecord(rateName, z.number().min(0).max(100)).optional(),
  excludeParkedFromOnTimeClosure: z.boolean().optional(),
});
export const rateSettingsAnswer = z.object({ settings: rateSettingsView, version: z.number().int() });
