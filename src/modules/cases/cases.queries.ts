import type { z } from 'zod';
import { scopeCovers, scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { prefixesWithin } from '../../platform/db/prefix.ts';
import { notFound } from '../../platform/http/errors.ts';
import { decryptField } from '../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../platform/pii/pii.keys.ts';
import { maskName, maskPhone } from '../../platform/pii/pii.mask.ts';
import { allowedActions } from '../../platform/workflow/workflow.ts';
import { toWgs84, type Crs } from '../org/org.crs.ts';
import { distanceMetres } from '../org/org.geometry.ts';
import { caseContext, visibleCase } from './cases.access.ts';
import {
  eventsOf,
  findCase,
  findCategory,
  handlersOf,
  listCases,
  listCategories,
  listCategoryNames,
  listConditions,
  openCasesNear,
  type CaseEventRow,
  type CaseHandlerRow,
  type CaseReach,
  type CaseRow,
} from './cases.repository.ts';
import type { caseDetailView, caseListView, casesQuery, caseView, catalogueView, nearbyView } from './cases.schemas.ts';
import { caseWorkflow, OPEN_STATES, type CaseState } from './cases.workflow.ts';

type CaseView = z.infer<typeof caseView>;

/** A case as the API shows it: the caller's name and contact masked, times as stored. */
export function presentCase(platform: Platform, kase: CaseRow, categoryName: string, now: Date): CaseView {
  const contact =
    kase.reporter_contact_enc && decryptField(piiKeysOf(platform), kase.reporter_contact_enc, 'dispatch_case.reporter_contact');
  return {
    id: kase.id,
    source: kase.source,
    state: kase.state as CaseState,
    categoryCode: kase.category_code,
    categoryName,
    conditionCode: kase.condition_code,
    public: kase.public === 1,
    areaCode: kase.area_code,
    location: kase.lng === null || kase.lat === null ? null : { lng: kase.lng, lat: kase.lat },
    address: kase.address,
    description: kase.description,
    attachments: JSON.parse(kase.attachments) as string[],
    reporterUserId: kase.reporter_user_id,
    reporterName: kase.reporter_name && maskName(kase.reporter_name),
    reporterContact: contact ? maskPhone(contact) : null,
    externalRef: kase.external_ref,
    externalDueAt: kase.external_due_at,
    leadDepartment: kase.lead_department,
    stageStartedAt: kase.stage_started_at,
    stageDueAt: kase.stage_due_at,
    overdue: isOverdue(kase, now),
    rung: kase.rung,
    handlingDueAt: kase.handling_due_at,
    dispatchedAt: kase.dispatched_at,
    handledAt: kase.handled_at,
    closedAt: kase.closed_at,
    closureType: kase.closure_type,
    solved: kase.solved === null ? null : kase.solved === 1,
    satisfied: kase.satisfied === null ? null : kase.satisfied === 1,
    createdAt: kase.created_at,
    updatedAt: kase.updated_at,
    version: kase.version,
  };
}

export function isOverdue(kase: Pick<CaseRow, 'state' | 'stage_due_at'>, now: Date): boolean {
  return OPEN_STATES.includes(kase.state as CaseState) && kase.stage_due_at !== null && kase.stage_due_at < now.toISOString();
}

/** A category's name (its code when it is not in the catalogue), for one case. */
export async function categoryName(platform: Platform, code: string): Promise<string> {
  return (await findCategory(platform.database.db, code))?.name ?? code;
}

/** Category names by code, read once per request (the catalogue is small). */
export async function categoryNames(platform: Platform): Promise<Map<string, string>> {
  return new Map((await listCategoryNames(platform.database.db)).map((c) => [c.code, c.name]));
}

export async function caseDetail(platform: Platform, actor: Actor, caseId: string): Promise<z.infer<typeof caseDetailView>> {
  const { kase, handlers } = await visibleCase(platform.database.db, actor, caseId);
  return presentDetail(platform, actor, kase, handlers);
}

/**
 * The case as it stands right after the caller acted on it. Shown even when the action took it out
 * of their sight (a department returning a misrouted case sees the outcome of its own action).
 */
export async function caseAfterAction(platform: Platform, actor: Actor, caseId: string): Promise<z.infer<typeof caseDetailView>> {
  const db = platform.database.db;
  const kase = await findCase(db, caseId);
  if (!kase) throw notFound('case', caseId);
  return presentDetail(platform, actor, kase, await handlersOf(db, caseId));
}

async function presentDetail(
  platform: Platform,
  actor: Actor,
  kase: CaseRow,
  handlers: CaseHandlerRow[],
): Promise<z.infer<typeof caseDetailView>> {
  const db = platform.database.db;
  return {
    ...presentCase(platform, kase, await categoryName(platform, kase.category_code), platform.clock.now()),
    handlers: handlers.map(presentHandler),
    events: (await eventsOf(db, kase.id)).map(presentEvent),
    allowedActions: allowedActions(caseWorkflow, kase.state as CaseState, caseContext(actor, kase, handlers)),
  };
}

function presentHandler(h: CaseHandlerRow) {
  return { departmentCode: h.department_code, role: h.role, dispatchedAt: h.dispatched_at, doneAt: h.done_at };
}

function presentEvent(e: CaseEventRow) {
  return {
    id: e.id,
    action: e.action,
    fromState: e.from_state,
    toState: e.to_state,
    actorLabel: e.actor_label,
    actorRole: e.actor_role,
    unitCode: e.unit_code,
    note: e.note,
    details: JSON.parse(e.details) as Record<string, unknown>,
    deadline: e.deadline,
    at: e.at,
  };
}

/**
 * The cases a caller may see, newest first: an office its area (or a unit of it), a department what
 * is dispatched to it, a worker their micro-grids and their own reports.
 */
export async function casesFor(platform: Platform, actor: Actor, query: z.infer<typeof casesQuery>): Promise<z.infer<typeof caseListView>> {
  const reach = reachOf(actor, query.unit);
  const now = platform.clock.now();
  const rows = await listCases(platform.database.db, {
    reach,
    state: query.state,
    ...(query.overdue ? { overdueAt: now.toISOString(), openStates: OPEN_STATES } : {}),
    category: query.category,
    reporterUserId: query.mine ? actor.id : undefined,
    after: query.after,
    limit: query.limit + 1,
    // Below a community (grids, micro-grids) a reach holds a few thousand cases of a district's million.
    smallReach:
      reach.kind === 'area' &&
      reach.prefixes.length > 0 &&
      reach.prefixes.every((prefix) => prefix.length > platform.config.orgCodeWidths[2]),
  });
  const page = rows.slice(0, query.limit);
  const names = await categoryNames(platform);
  return {
    items: page.map((kase) => presentCase(platform, kase, names.get(kase.category_code) ?? kase.category_code, now)),
    nextCursor: rows.length > query.limit ? page[page.length - 1].id : null,
  };
}

function reachOf(actor: Actor, unit: string | undefined): CaseReach {
  const scope = actor.scope;
  if (scope.kind === 'department') {
    if (unit && unit !== scope.code) throw notFound('unit', unit);
    return { kind: 'department', code: scope.code };
  }
  if (scope.kind === 'microgrids') {
    const prefixes = unit ? prefixesWithin(scope.codes, unit) : scope.codes;
    if (unit && prefixes.length === 0) throw notFound('unit', unit);
    return { kind: 'worker', prefixes, userId: actor.id };
  }
  if (unit && !scopeCovers(scope, unit)) throw notFound('unit', unit);
  return { kind: 'area', prefixes: unit ? [unit] : scopePrefixes(scope) };
}

/**
 * The duplicate hint (DOMAIN.md §4): before submitting, a reporter sees the open cases of the same
 * category within 100 m. Public categories only show what anyone walking past could see; a private
 * category shows nothing. A separate read, never part of the report's write.
 */
export async function openCasesNearby(
  platform: Platform,
  actor: Actor,
  query: { category: string; lng: number; lat: number; crs: Crs },
): Promise<z.infer<typeof nearbyView>> {
  authorize(actor, 'case.catalogue.read');
  const names = await listCategories(platform.database.db);
  const category = names.find((c) => c.code === query.category);
  if (!category || category.public !== 1) return { items: [] };
  const [lng, lat] = toWgs84([query.lng, query.lat], query.crs);
  const RADIUS = 100;
  const dLat = RADIUS / 111_320;
  const dLng = RADIUS / (111_320 * Math.cos((lat * Math.PI) / 180));
  const rows = await openCasesNear(
    platform.database.db,
    category.code,
    { minLng: lng - dLng, maxLng: lng + dLng, minLat: lat - dLat, maxLat: lat + dLat },
    OPEN_STATES,
  );
  const items = rows
    .map((kase) => ({ kase, distance: distanceMetres([lng, lat], [kase.lng!, kase.lat!]) }))
    .filter((hit) => hit.distance <= RADIUS)
    .sort((a, b) => a.distance - b.distance)
    .map(({ kase, distance }) => ({
      id: kase.id,
      state: kase.state,
      address: kase.address,
      description: kase.description,
      distanceMetres: Math.round(distance),
      createdAt: kase.created_at,
    }));
  return { items };
}

/** The catalogue as a tree: majors, their leaves, each leaf's filing conditions with limits. */
export async function catalogue(platform: Platform, actor: Actor): Promise<z.infer<typeof catalogueView>> {
  authorize(actor, 'case.catalogue.read');
  const db = platform.database.db;
  const [categories, conditions] = await Promise.all([listCategories(db), listConditions(db)]);
  const view = (c: (typeof categories)[number]) => ({
    code: c.code,
    name: c.name,
    public: c.public === 1,
    active: c.active === 1,
    version: c.version,
  });
  return {
    majors: categories
      .filter((c) => c.parent_code === null)
      .map((major) => ({
        ...view(major),
        leaves: categories
          .filter((c) => c.parent_code === major.code)
          .map((leaf) => ({
            ...view(leaf),
            conditions: conditions
              .filter((d) => d.category_code === leaf.code)
              .map((d) => ({
                code: d.code,
                name: d.name,
                limit: { amount: d.limit_amount, unit: d.limit_unit },
                closing: d.closing,
                version: d.version,
              })),
          })),
      })),
  };
}
