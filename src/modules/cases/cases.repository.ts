import { sql, type Transaction } from 'kysely';
import { plansWithoutStatistics } from '../../platform/db/dialect.ts';
import { underPrefixes, underPrefixesUnindexed, unindexed } from '../../platform/db/prefix.ts';
import { insertReusable, runReusable, selectReusable } from '../../platform/db/reusable.ts';
import { ulidFactory } from '../../platform/ids.ts';
import type { Db, Tables } from '../../platform/db/database.ts';
import type {
  CaseCategoryTable,
  CaseConditionTable,
  CaseEventTable,
  CaseHandlerTable,
  CaseRouteTable,
  DispatchCaseTable,
  WorkCalendarDayTable,
} from './cases.tables.ts';
import './cases.tables.ts';

/** All SQL of the cases module. Scoped reads take the caller's scope; nothing here decides who may act. */
export type Executor = Db | Transaction<Tables>;

export type CaseRow = DispatchCaseTable;
export type CaseHandlerRow = CaseHandlerTable;
export type CaseEventRow = CaseEventTable;
export type CategoryRow = CaseCategoryTable;
export type ConditionRow = CaseConditionTable;
export type RouteRow = CaseRouteTable;

// --- the catalogue ---

export function listCategories(db: Executor): Promise<CategoryRow[]> {
  return db.selectFrom('case_category').selectAll().orderBy('sort').orderBy('code').execute();
}

/** Code and name of every category, in no order: what a list needs to name its cases' categories. */
export function listCategoryNames(db: Executor): Promise<Pick<CategoryRow, 'code' | 'name'>[]> {
  return db.selectFrom('case_category').select(['code', 'name']).execute();
}

export function listConditions(db: Executor): Promise<ConditionRow[]> {
  return db.selectFrom('case_condition').selectAll().orderBy('category_code').orderBy('sort').orderBy('code').execute();
}

export async function findCategory(db: Executor, code: string): Promise<CategoryRow | undefined> {
  const [category] = await selectReusable(db, 'case category by code', [code], () =>
    db.selectFrom('case_category').selectAll().where('code', '=', code),
  );
  return category;
}

export function findCategoryByName(db: Executor, name: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('case_category').selectAll().where('name', '=', name).executeTakeFirst();
}

export function findCondition(db: Executor, code: string): Promise<ConditionRow | undefined> {
  return db.selectFrom('case_condition').selectAll().where('code', '=', code).executeTakeFirst();
}

export function conditionsOf(db: Executor, categoryCode: string): Promise<ConditionRow[]> {
  return db.selectFrom('case_condition').selectAll().where('category_code', '=', categoryCode).orderBy('sort').execute();
}

export async function insertCategories(db: Executor, rows: CategoryRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('case_category').values(rows).execute();
}

export async function insertConditions(db: Executor, rows: ConditionRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('case_condition').values(rows).execute();
}

export async function insertRoutes(db: Executor, rows: RouteRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('case_route').values(rows).execute();
}

export async function countCategories(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('case_category')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateCategory(
  db: Executor,
  code: string,
  version: number,
  changes: Partial<Pick<CategoryRow, 'name' | 'public' | 'active' | 'sort'>>,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('case_category')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateCondition(
  db: Executor,
  code: string,
  version: number,
  changes: Partial<Pick<ConditionRow, 'name' | 'limit_amount' | 'limit_unit' | 'closing' | 'sort'>>,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('case_condition')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function listRoutes(db: Executor): Promise<RouteRow[]> {
  return db.selectFrom('case_route').selectAll().orderBy('category_code').orderBy('area_code').execute();
}

export function findRouteById(db: Executor, id: string): Promise<RouteRow | undefined> {
  return db.selectFrom('case_route').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The routing rule for a category at a place: the one whose area is the longest prefix of it. */
export async function routeFor(db: Executor, categoryCode: string, areaCode: string): Promise<RouteRow | undefined> {
  const areas = [''];
  for (let i = 1; i <= areaCode.length; i++) areas.push(areaCode.slice(0, i));
  return db
    .selectFrom('case_route')
    .selectAll()
    .where('category_code', '=', categoryCode)
    .where('area_code', 'in', areas)
    .orderBy(sql`length(area_code)`, 'desc')
    .executeTakeFirst();
}

export async function updateRoute(
  db: Executor,
  id: string,
  version: number,
  changes: Pick<RouteRow, 'lead_department' | 'co_handlers'>,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('case_route')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteRoute(db: Executor, id: string, version: number): Promise<boolean> {
  const result = await db.deleteFrom('case_route').where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// --- the work calendar ---

export function listCalendarDays(db: Executor): Promise<WorkCalendarDayTable[]> {
  return db.selectFrom('work_calendar_day').selectAll().orderBy('day').execute();
}

/** Replaces one year's exceptions: a year's arrangement is published whole, so it is replaced whole. */
export async function replaceCalendarYear(db: Executor, year: number, days: WorkCalendarDayTable[]): Promise<void> {
  await db.deleteFrom('work_calendar_day').where('day', '>=', `${year}-01-01`).where('day', '<=', `${year}-12-31`).execute();
  if (days.length > 0) await db.insertInto('work_calendar_day').values(days).execute();
}

// --- cases ---

export async function insertCase(db: Executor, row: CaseRow): Promise<void> {
  await insertReusable(db, 'dispatch_case', row);
}

export function findCase(db: Executor, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom('dispatch_case').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCaseByExternalRef(db: Executor, ref: string): Promise<CaseRow | undefined> {
  return db.selectFrom('dispatch_case').selectAll().where('external_ref', '=', ref).executeTakeFirst();
}

/** Writes a case's changes if nobody changed it since `version` was read; false when someone did. */
export async function updateCase(db: Executor, id: string, version: number, changes: Partial<CaseRow>): Promise<boolean> {
  const result = await db
    .updateTable('dispatch_case')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function handlersOf(db: Executor, caseId: string): Promise<CaseHandlerRow[]> {
  return db
    .selectFrom('case_handler')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('role', 'desc')
    .orderBy('department_code')
    .execute();
}

/** A new dispatch replaces the departments at work: the case leaves the inboxes of the previous ones. */
export async function replaceHandlers(db: Executor, caseId: string, handlers: CaseHandlerRow[]): Promise<void> {
  await db.deleteFrom('case_handler').where('case_id', '=', caseId).execute();
  if (handlers.length > 0) await db.insertInto('case_handler').values(handlers).execute();
}

export async function markHandlerDone(db: Executor, caseId: string, department: string, at: string, note: string): Promise<void> {
  await db
    .updateTable('case_handler')
    .set({ done_at: at, note })
    .where('case_id', '=', caseId)
    .where('department_code', '=', department)
    .execute();
}

/** A rework sends every department back to work. */
export async function reopenHandlers(db: Executor, caseId: string): Promise<void> {
  await db.updateTable('case_handler').set({ done_at: null }).where('case_id', '=', caseId).execute();
}

// One generator for every event of this process: ids sort in the order events happened, even
// within one millisecond, so the timeline reads in order by id.
const eventId = ulidFactory();

/** Appends to a case's timeline; returns the event's id. */
export async function insertEvent(db: Executor, event: Omit<CaseEventRow, 'id'>): Promise<string> {
  const id = eventId(Date.parse(event.at));
  await insertReusable(db, 'case_event', { id, ...event });
  return id;
}

/** The details of the latest event of an action on a case (the extension an approval grants). */
export async function latestEventDetails(db: Executor, caseId: string, action: string): Promise<Record<string, unknown> | null> {
  const row = await db
    .selectFrom('case_event')
    .select('details')
    .where('case_id', '=', caseId)
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? (JSON.parse(row.details) as Record<string, unknown>) : null;
}

export function eventsOf(db: Executor, caseId: string): Promise<CaseEventRow[]> {
  return db.selectFrom('case_event').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

// --- deadlines ---

export interface DueCase {
  id: string;
  state: string;
  area_code: string;
  condition_code: string | null;
  stage_seq: number;
  rung: number;
  due_at: string;
}

/** Cases whose next look is due, oldest first. */
export async function listDueCases(db: Executor, now: string, limit: number): Promise<DueCase[]> {
  const rows = await db
    .selectFrom('dispatch_case')
    .select(['id', 'state', 'area_code', 'condition_code', 'stage_seq', 'rung', 'due_at'])
    .where('due_at', 'is not', null)
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .execute();
  return rows as DueCase[];
}

/**
 * Records one rung of escalation. The primary key (case, stage stay, rung) lets exactly one sweeper
 * insert it, whichever instance gets there first; the loser's insert fails and it moves on.
 */
export async function insertEscalation(
  db: Executor,
  row: { case_id: string; stage_seq: number; rung: number; state: string; to_unit: string; due_at: string; at: string },
): Promise<void> {
  await db.insertInto('case_escalation').values(row).execute();
}

export function escalationsOf(db: Executor, caseId: string) {
  return db.selectFrom('case_escalation').selectAll().where('case_id', '=', caseId).orderBy('stage_seq').orderBy('rung').execute();
}

// --- lists ---

/** Whose cases a list may show: an area's, a department's, or a worker's (their micro-grids and their own reports). */
export type CaseReach =
  { kind: 'area'; prefixes: string[] } | { kind: 'department'; code: string } | { kind: 'worker'; prefixes: string[]; userId: string };

export interface CaseFilter {
  reach: CaseReach;
  state?: string;
  /** Open cases whose stage deadline is before this instant. */
  overdueAt?: string;
  openStates?: readonly string[];
  /** A major (2 digits) or leaf (4 digits) category. */
  category?: string;
  reporterUserId?: string;
  after?: string;
  limit: number;
  /**
   * The area reach holds few cases (grids, micro-grids): the page is read from the whole reach through
   * the area index and sorted, instead of walking the newest cases until the page is full. Changes how
   * the page is read, never what is on it.
   */
  smallReach?: boolean;
}

/** Leaf categories have four-digit codes and nothing is filed below them (cases.schemas.ts). */
const LEAF_CODE_LENGTH = 4;

/**
 * A page of cases, newest first, within the reach and filters.
 *
 * On SQLite, which plans without statistics, how the page is read is decided here: the planner cannot
 * tell a district's code range (every case) from a grid's, and at a million cases either wrong guess
 * costs hundreds of milliseconds. One index drives, walked newest first until the page is full: the
 * reporter's (`mine`), the open cases' (`overdue`: only cases with a running stage clock have a
 * `stage_due_at`), the state's, the leaf category's, or the primary key; a small reach (a worker's
 * micro-grids, a grid) is instead read whole through the area index and sorted. Every other condition
 * is written so that no index serves it (`unindexed`), which changes nothing in what it matches.
 * PostgreSQL gets the plain conditions and chooses from its statistics. Migration 0010 has the
 * indexes; docs/benchmarks.md "Cases" the plans and timings.
 */
export async function listCases(db: Executor, filter: CaseFilter): Promise<CaseRow[]> {
  const { reach } = filter;
  const steer = plansWithoutStatistics(db);
  const small = reach.kind === 'worker' || (reach.kind === 'area' && filter.smallReach === true);
  const leaf = filter.category?.length === LEAF_CODE_LENGTH;
  const drive = filter.reporterUserId
    ? 'reporter'
    : small
      ? 'area'
      : filter.overdueAt
        ? 'open'
        : filter.state
          ? 'state'
          : leaf
            ? 'category'
            : 'id';
  const column = (name: 'state' | 'stage_due_at' | 'reporter_user_id', drives: boolean) =>
    drives || !steer ? sql.ref<string>(`dispatch_case.${name}`) : unindexed(`dispatch_case.${name}`);
  const codes = (name: 'area_code' | 'category_code', prefixes: readonly string[], drives: boolean) =>
    drives || !steer ? underPrefixes(`dispatch_case.${name}`, prefixes) : underPrefixesUnindexed(`dispatch_case.${name}`, prefixes);
  const area = (prefixes: readonly string[]) => codes('area_code', prefixes, drive === 'area');

  let query = db.selectFrom('dispatch_case').selectAll('dispatch_case');
  if (reach.kind === 'department') {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('case_handler')
          .select('case_handler.case_id')
          .whereRef('case_handler.case_id', '=', 'dispatch_case.id')
          .where('case_handler.department_code', '=', reach.code),
      ),
    );
  } else if (reach.kind === 'worker') {
    query = query.where((eb) => eb.or([area(reach.prefixes), eb(column('reporter_user_id', drive === 'area'), '=', reach.userId)]));
  } else {
    query = query.where(area(reach.prefixes));
  }
  if (filter.state) query = query.where(column('state', drive === 'state'), '=', filter.state);
  if (filter.overdueAt) {
    query = query
      .where(column('stage_due_at', drive === 'open'), '<', filter.overdueAt)
      .where(column('state', false), 'in', [...(filter.openStates ?? [])]);
  }
  if (filter.category) {
    // A leaf's cases are exactly those filed under its code: equality reads the (category, id) index in id order.
    query =
      leaf && (drive === 'category' || !steer)
        ? query.where('dispatch_case.category_code', '=', filter.category)
        : query.where(codes('category_code', [filter.category], false));
  }
  if (filter.reporterUserId) query = query.where(column('reporter_user_id', drive === 'reporter'), '=', filter.reporterUserId);
  if (filter.after) query = query.where('dispatch_case.id', '<', filter.after);
  return query.orderBy('dispatch_case.id', 'desc').limit(filter.limit).execute();
}

/** Open cases of a category inside a box around a point (the caller measures the exact distance). */
export function openCasesNear(
  db: Executor,
  categoryCode: string,
  box: { minLng: number; maxLng: number; minLat: number; maxLat: number },
  openStates: readonly string[],
): Promise<CaseRow[]> {
  return db
    .selectFrom('dispatch_case')
    .selectAll()
    .where('category_code', '=', categoryCode)
    .where('lat', '>=', box.minLat)
    .where('lat', '<=', box.maxLat)
    .where('lng', '>=', box.minLng)
    .where('lng', '<=', box.maxLng)
    .where('state', 'in', [...openStates])
    .limit(50)
    .execute();
}

// --- counters ---

/** Adds to the per-unit, per-day counters (one upsert; repeated keys summed first). */
export async function addTallies(db: Executor, increments: readonly { unit: string; day: string; measure: string }[]): Promise<void> {
  if (increments.length === 0) return;
  const sums = new Map<string, { unit_code: string; day: string; measure: string; count: number }>();
  for (const { unit, day, measure } of increments) {
    const key = `${unit}|${day}|${measure}`;
    const row = sums.get(key) ?? { unit_code: unit, day, measure, count: 0 };
    row.count++;
    sums.set(key, row);
  }
  const rows = [...sums.values()];
  await runReusable(
    db,
    `case tallies x${rows.length}`,
    rows.flatMap((row) => [row.unit_code, row.day, row.measure, row.count]),
    () =>
      db
        .insertInto('case_tally')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['unit_code', 'day', 'measure']).doUpdateSet({ count: sql<number>`case_tally.count + excluded.count` }),
        ),
  );
}

export interface TallySum {
  unit_code: string;
  measure: string;
  count: number;
}

/**
 * The counters of units under `prefixes` summed over days [from, to], by unit and measure. Narrowed to
 * `only` units and measures (a ranking's units of one level), each (unit, measure) is one seek into the
 * (unit, measure, day, count) index, read from the index alone in the order it is summed, instead of
 * every unit's month.
 */
export async function sumTallies(
  db: Executor,
  prefixes: readonly string[],
  from: string,
  to: string,
  only?: { units: readonly string[]; measures: readonly string[] },
): Promise<TallySum[]> {
  if (only && (only.units.length === 0 || only.measures.length === 0)) return [];
  let query = db
    .selectFrom('case_tally')
    .select(['unit_code', 'measure', (eb) => eb.fn.sum<number>('count').as('count')])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where(underPrefixes('unit_code', prefixes));
  if (only) query = query.where('unit_code', 'in', [...only.units]).where('measure', 'in', [...only.measures]);
  const rows = await query.groupBy(['unit_code', 'measure']).execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Cases in id order after a cursor, with their area: the recount's pages. */
export function caseAreasAfter(db: Executor, after: string, limit: number): Promise<{ id: string; area_code: string }[]> {
  return db.selectFrom('dispatch_case').select(['id', 'area_code']).where('id', '>', after).orderBy('id').limit(limit).execute();
}

/** The timelines of several cases, each in order. */
export async function timelinesOf(db: Executor, caseIds: string[]): Promise<Map<string, CaseEventRow[]>> {
  const timelines = new Map<string, CaseEventRow[]>();
  if (caseIds.length === 0) return timelines;
  const events = await db.selectFrom('case_event').selectAll().where('case_id', 'in', caseIds).orderBy('case_id').orderBy('id').execute();
  for (const event of events) {
    const timeline = timelines.get(event.case_id) ?? [];
    timeline.push(event);
    timelines.set(event.case_id, timeline);
  }
  return timelines;
}

export function allTallies(db: Executor) {
  return db.selectFrom('case_tally').selectAll().execute();
}

export async function replaceAllTallies(
  db: Executor,
  increments: readonly { unit: string; day: string; measure: string }[],
): Promise<void> {
  await db.deleteFrom('case_tally').execute();
  for (let i = 0; i < increments.length; i += 2000) await addTallies(db, increments.slice(i, i + 2000));
}

// --- what is behind a figure ---

export interface BehindFigure {
  /** An area unit (its subtree) or a department. */
  unitCode: string;
  department: boolean;
  /** Days of the month, inclusive, and the same month as UTC instants (for evaluations, timed by instant). */
  fromDay: string;
  toDay: string;
  fromInstant: string;
  toInstant: string;
  measure: string;
  flag: number | null;
  after?: string;
  limit: number;
}

/**
 * The cases counted in one figure of a month: the same attribution as the counters (cases.tally.ts),
 * read from each case's own bookkeeping, so a figure and its list always agree.
 */
export async function listCasesBehind(db: Executor, figure: BehindFigure): Promise<CaseRow[]> {
  let query = db.selectFrom('dispatch_case').selectAll();
  const byDispatch = ['dispatched', 'returned', 'contacted_on_time'].includes(figure.measure);
  const byEvaluation = ['evaluated', 'solved', 'satisfied'].includes(figure.measure);
  if (figure.measure === 'reported') {
    query = query.where('created_at', '>=', figure.fromInstant).where('created_at', '<', figure.toInstant);
  } else if (byEvaluation) {
    query = query.where('evaluated_at', '>=', figure.fromInstant).where('evaluated_at', '<', figure.toInstant);
    if (figure.measure !== 'evaluated') query = query.where(figure.measure as 'solved' | 'satisfied', '=', 1);
  } else {
    const day = byDispatch ? 'tally_dispatch_day' : 'tally_due_day';
    query = query.where(day, '>=', figure.fromDay).where(day, '<=', figure.toDay);
  }
  if (figure.flag !== null) query = query.where(sql<number>`tally_flags & ${figure.flag}`, '!=', 0);
  if (figure.department) {
    const column = byDispatch ? 'tally_dispatch_department' : 'tally_due_department';
    query = byEvaluation
      ? query.where(sql<string>`coalesce(tally_due_department, tally_dispatch_department)`, '=', figure.unitCode)
      : query.where(column, '=', figure.unitCode);
  } else {
    query = query.where(underPrefixes('area_code', [figure.unitCode]));
  }
  if (figure.after) query = query.where('id', '<', figure.after);
  return query.orderBy('id', 'desc').limit(figure.limit).execute();
}

export async function findRateSettings(db: Executor): Promise<{ settings: string; version: number } | undefined> {
  return db.selectFrom('case_rate_setting').select(['settings', 'version']).where('id', '=', 1).executeTakeFirst();
}

export async function saveRateSettings(db: Executor, settings: string, version: number, at: string): Promise<boolean> {
  if (version === 0) {
    const inserted = await db
      .insertInto('case_rate_setting')
      .values({ id: 1, settings, updated_at: at, version: 1 })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const updated = await db
    .updateTable('case_rate_setting')
    .set({ settings, updated_at: at, version: version + 1 })
    .where('id', '=', 1)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** A category made private (or public again) takes its cases with it, so Open311 never shows a private one. */
export async function setCasesPublic(db: Executor, categoryCode: string, isPublic: number): Promise<void> {
  await db.updateTable('dispatch_case').set({ public: isPublic }).where('category_code', '=', categoryCode).execute();
}
