import { monotonicFactory } from 'ulid';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound, staleVersion, unprocessable } from '../../../platform/http/errors.ts';
import { lookupUnits } from '../../org/org.queries.ts';
import { keepingUnique } from '../cases.rules.ts';
import { deleteRoute, findCategory, findRouteById, insertRoutes, updateRoute, type RouteRow } from '../cases.repository.ts';

const ulid = monotonicFactory();

export interface RouteInput {
  categoryCode: string;
  /** The district, or an area below it where the rule differs (a town with its own water company). */
  areaCode: string;
  leadDepartment: string;
  coHandlers: string[];
}

/**
 * Routing rules (派遣规则): which department leads on a category, with which co-handlers, in the
 * whole district or in one area of it. Dispatch without a named department follows the rule of the
 * most specific area.
 */
export async function createRoute(platform: Platform, by: By, input: RouteInput): Promise<RouteRow> {
  authorize(by.actor, 'case.configure');
  const write = runAudited(platform, by, async (trx) => {
    const co = await checkedRoute(trx, input);
    const at = platform.clock.now().toISOString();
    const row: RouteRow = {
      id: ulid(),
      category_code: input.categoryCode,
      area_code: input.areaCode,
      lead_department: input.leadDepartment,
      co_handlers: JSON.stringify(co),
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await insertRoutes(trx, [row]);
    return { result: row, audit: { action: 'case.create_route', objectType: 'case_route', objectId: row.id, summary: { ...input, coHandlers: co } } };
  });
  return keepingUnique(write, 'case.route_exists', 'This category already has a rule for this area.');
}

export async function changeRoute(
  platform: Platform,
  by: By,
  id: string,
  change: { version: number; leadDepartment: string; coHandlers: string[] },
): Promise<RouteRow> {
  authorize(by.actor, 'case.configure');
  return runAudited(platform, by, async (trx) => {
    const route = await findRouteById(trx, id);
    if (!route) throw notFound('case_route', id);
    if (route.version !== change.version) throw staleVersion(route.version);
    const co = await checkedRoute(trx, { categoryCode: route.category_code, areaCode: route.area_code, ...change });
    const at = platform.clock.now().toISOString();
    const changes = { lead_department: change.leadDepartment, co_handlers: JSON.stringify(co) };
    if (!(await updateRoute(trx, id, change.version, changes, at))) throw staleVersion(route.version + 1);
    return {
      result: { ...route, ...changes, updated_at: at, version: route.version + 1 },
      audit: { action: 'case.change_route', objectType: 'case_route', objectId: id, summary: { leadDepartment: change.leadDepartment, coHandlers: co } },
    };
  });
}

export async function removeRoute(platform: Platform, by: By, id: string, version: number): Promise<void> {
  authorize(by.actor, 'case.configure');
  await runAudited(platform, by, async (trx) => {
    const route = await findRouteById(trx, id);
    if (!route) throw notFound('case_route', id);
    if (!(await deleteRoute(trx, id, version))) throw staleVersion(route.version);
    return { result: undefined, audit: { action: 'case.remove_route', objectType: 'case_route', objectId: id, summary: { categoryCode: route.category_code, areaCode: route.area_code } } };
  });
}

/** A rule names a leaf category, an area unit and departments that exist; returns the co-handlers without the lead. */
async function checkedRoute(trx: Trx, input: RouteInput): Promise<string[]> {
  const category = await findCategory(trx, input.categoryCode);
  if (!category || category.parent_code === null) throw unprocessable('case.unknown_category', 'Route a leaf category.', { categoryCode: input.categoryCode });
  const co = [...new Set(input.coHandlers)].filter((code) => code !== input.leadDepartment);
  const units = await lookupUnits(trx, [input.areaCode, input.leadDepartment, ...co]);
  const area = units.get(input.areaCode);
  if (!area || area.level === 'department') throw unprocessable('case.unknown_area', 'A rule applies to an area unit.', { areaCode: input.areaCode });
  const notDepartments = [input.leadDepartment, ...co].filter((code) => units.get(code)?.level !== 'department');
  if (notDepartments.length > 0) throw unprocessable('case.unknown_department', 'Route to departments only.', { departments: notDepartments });
  return co;
}
