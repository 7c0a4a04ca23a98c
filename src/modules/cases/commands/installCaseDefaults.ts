import { readdirSync, readFileSync } from 'node:fs';
import { monotonicFactory } from 'ulid';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { departmentsOf } from '../../org/org.queries.ts';
import { DEFAULT_CATALOGUE } from '../cases.catalogue.ts';
import { forgetWorkCalendar } from '../cases.deadlines.ts';
import { countCategories, insertCategories, insertConditions, insertRoutes, listCalendarDays, listRoutes, type RouteRow } from '../cases.repository.ts';
import { writeCalendarYear } from './importCalendar.ts';

const ulid = monotonicFactory();

/** The official calendars shipped with the release (calendars/<year>.txt). */
const BUNDLED_CALENDARS = new URL('../calendars/', import.meta.url);

/**
 * Gives a district what cases need to start: the default catalogue's categories and filing
 * conditions (once, when there are none yet), routing rules from each leaf to the district's
 * departments found by name (those it lacks are left for the console), and the shipped work
 * calendars when none is loaded. Safe to run again: nothing that exists is touched.
 */
export async function installCaseDefaults(
  platform: Platform,
  by: By,
  districtCode: string,
): Promise<{ categories: number; routes: number; calendarYears: number }> {
  const installed = await runAudited(platform, by, async (trx) => {
    const at = platform.clock.now().toISOString();
    let categories = 0;
    if ((await countCategories(trx)) === 0) {
      const stamp = { created_at: at, updated_at: at, version: 1 };
      const majors = DEFAULT_CATALOGUE.map((major, sort) => ({ code: major.code, parent_code: null, name: major.name, public: major.leaves.every((l) => l.public) ? 1 : 0, active: 1, sort, ...stamp }));
      const leaves = DEFAULT_CATALOGUE.flatMap((major) =>
        major.leaves.map((leaf, sort) => ({ code: leaf.code, parent_code: major.code, name: leaf.name, public: leaf.public ? 1 : 0, active: 1, sort, ...stamp })),
      );
      const conditions = DEFAULT_CATALOGUE.flatMap((major) =>
        major.leaves.flatMap((leaf) =>
          leaf.conditions.map((c, sort) => ({
            code: c.code,
            category_code: leaf.code,
            name: c.name,
            limit_amount: c.limit.amount,
            limit_unit: c.limit.unit,
            closing: c.closing,
            sort,
            ...stamp,
          })),
        ),
      );
      await insertCategories(trx, majors);
      await insertCategories(trx, leaves);
      await insertConditions(trx, conditions);
      categories = majors.length + leaves.length;
    }
    const departments = await departmentsOf(trx, districtCode);
    const byName = new Map(departments.map((d) => [d.name, d.code]));
    const existing = new Set((await listRoutes(trx)).map((r) => `${r.category_code}|${r.area_code}`));
    const routes: RouteRow[] = [];
    for (const leaf of DEFAULT_CATALOGUE.flatMap((major) => major.leaves)) {
      const lead = byName.get(leaf.lead);
      if (!lead || existing.has(`${leaf.code}|${districtCode}`)) continue;
      const co = (leaf.coHandlers ?? []).flatMap((name) => byName.get(name) ?? []);
      routes.push({ id: ulid(), category_code: leaf.code, area_code: districtCode, lead_department: lead, co_handlers: JSON.stringify(co), created_at: at, updated_at: at, version: 1 });
    }
    await insertRoutes(trx, routes);
    const calendarYears = await installBundledCalendars(trx);
    const result = { categories, routes: routes.length, calendarYears };
    return { result, audit: { action: 'case.install_defaults', objectType: 'district', objectId: districtCode, summary: result } };
  });
  forgetWorkCalendar(platform);
  return installed;
}

async function installBundledCalendars(trx: Trx): Promise<number> {
  if ((await listCalendarDays(trx)).length > 0) return 0;
  const files = readdirSync(BUNDLED_CALENDARS).filter((name) => /^\d{4}\.txt$/.test(name));
  for (const file of files) await writeCalendarYear(trx, Number(file.slice(0, 4)), readFileSync(new URL(file, BUNDLED_CALENDARS), 'utf8'));
  return files.length;
}
