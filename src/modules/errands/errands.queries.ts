import type { z } from 'zod';
import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import { authorize, can } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { prefixesWithin } from '../../platform/db/prefix.ts';
import { notFound } from '../../platform/http/errors.ts';
import { usernamesById } from '../accounts/accounts.queries.ts';
import { monthBounds } from '../cases/cases.rankings.ts';
import { lookupUnit, lookupUnits } from '../org/org.queries.ts';
import { householdLabels, residentLabels } from '../people/people.contact.ts';
import type { ErrandSubject } from './errands.policy.ts';
import { findErrand, listErrands, sumErrandTallies, type ErrandReach, type ErrandRow, type Executor } from './errands.repository.ts';
import type { countsQuery, countsView, errandListView, errandsQuery, errandView } from './errands.schemas.ts';
import { ERRAND_MEASURES, type ErrandMeasure } from './errands.tally.ts';

export type ErrandView = z.infer<typeof errandView>;

export const subjectOf = (errand: ErrandRow): ErrandSubject => ({
  microgridCode: errand.microgrid_code,
  workerUserId: errand.worker_user_id,
});

/** The errand if the caller may see it; otherwise 404, as if it did not exist. */
export async function visibleErrand(db: Executor, actor: Actor, id: string): Promise<ErrandRow> {
  const errand = await findErrand(db, id);
  if (!errand || !can(actor, 'errand.read', subjectOf(errand))) throw notFound('errand', id);
  return errand;
}

export function isOverdue(errand: Pick<ErrandRow, 'state' | 'promised_by'>, now: Date): boolean {
  return errand.state === 'logged' && errand.promised_by < now.toISOString();
}

/**
 * Errands as the API shows them, with their household's address and the resident's name and phone
 * masked (read in one go per page from the people module).
 */
export async function presentErrands(platform: Platform, db: Executor, rows: ErrandRow[]): Promise<ErrandView[]> {
  const [households, residents, workers] = await Promise.all([
    householdLabels(db, [...new Set(rows.map((row) => row.household_id))]),
    residentLabels(platform, db, [...new Set(rows.flatMap((row) => (row.resident_id ? [row.resident_id] : [])))]),
    usernamesById(platform.database.db, [...new Set(rows.map((row) => row.worker_user_id))]),
  ]);
  const now = platform.clock.now();
  return rows.map((row) => {
    const resident = row.resident_id ? residents.get(row.resident_id) : undefined;
    return {
      id: row.id,
      householdId: row.household_id,
      address: households.get(row.household_id)?.address ?? '',
      residentId: row.resident_id,
      residentName: resident?.name ?? null,
      residentPhone: resident?.phone ?? null,
      microgridCode: row.microgrid_code,
      workerUserId: row.worker_user_id,
      workerName: workers.get(row.worker_user_id) ?? row.worker_user_id,
      kind: row.kind,
      what: row.what,
      promisedBy: row.promised_by,
      state: row.state,
      overdue: isOverdue(row, now),
      doneAt: row.done_at,
      doneOnTime: row.done_at === null ? null : row.done_at <= row.promised_by,
      confirmedAt: row.confirmed_at,
      confirmedVia: row.confirmed_via,
      linkExpiresAt: row.state === 'done' ? row.link_expires_at : null,
      cancelledAt: row.cancelled_at,
      cancelReason: row.cancel_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      version: row.version,
    };
  });
}

export async function presentErrand(platform: Platform, db: Executor, row: ErrandRow): Promise<ErrandView> {
  return (await presentErrands(platform, db, [row]))[0];
}

export async function errandDetail(platform: Platform, actor: Actor, id: string): Promise<ErrandView> {
  const db = platform.database.db;
  return presentErrand(platform, db, await visibleErrand(db, actor, id));
}

/**
 * The errands a caller may see, newest first: a worker their own (in one of their micro-grids when
 * `unit` names one), an office those of its area or of a unit in it.
 */
export async function errandsFor(
  platform: Platform,
  actor: Actor,
  query: z.infer<typeof errandsQuery>,
): Promise<z.infer<typeof errandListView>> {
  authorize(actor, 'errand.list');
  const db = platform.database.db;
  const rows = await listErrands(db, {
    reach: reachOf(actor, query.unit),
    state: query.state,
    overdueAt: query.overdue ? platform.clock.now().toISOString() : undefined,
    after: query.after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return { items: await presentErrands(platform, db, page), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
}

function reachOf(actor: Actor, unit: string | undefined): ErrandReach {
  const scope = actor.scope;
  if (actor.role === 'microgrid_worker' && actor.type === 'user') {
    if (!unit) return { kind: 'worker', userId: actor.id };
    const prefixes = scope.kind === 'microgrids' ? prefixesWithin(scope.codes, unit) : [];
    if (prefixes.length === 0) throw notFound('unit', unit);
    return { kind: 'worker', userId: actor.id, prefixes };
  }
  if (scope.kind !== 'unit') throw notFound('unit', unit);
  if (unit && !scopeCovers(scope, unit)) throw notFound('unit', unit);
  return { kind: 'area', prefixes: [unit ?? scope.code] };
}

type Counts = Record<ErrandMeasure, number>;
const MAX_WORKERS = 200;

const zero = (): Counts => Object.fromEntries(ERRAND_MEASURES.map((m) => [m, 0])) as Counts;
const add = (counts: Counts, measure: string, n: number) => {
  if ((ERRAND_MEASURES as readonly string[]).includes(measure)) counts[measure as ErrandMeasure] += n;
};

/**
 * A unit's errands of a month (DOMAIN.md §4 "counted"), from the per-day counters: its totals, the
 * units one level down, and each worker who did something there.
 */
export async function monthlyCounts(
  platform: Platform,
  actor: Actor,
  query: z.infer<typeof countsQuery>,
): Promise<z.infer<typeof countsView>> {
  const db = platform.database.db;
  const unit = await lookupUnit(db, query.unit);
  if (!unit || unit.level === 'department' || !can(actor, 'errand.counts', unit.code)) throw notFound('unit', query.unit);
  const { fromDay, toDay } = monthBounds(query.month, platform.config.timeZone);
  const rows = await sumErrandTallies(db, unit.code, fromDay, toDay);
  const widths = platform.config.orgCodeWidths;
  const microgrid = unit.level === 'microgrid';
  const childWidth = widths[widths.indexOf(unit.code.length) + 1];

  const totals = zero();
  const children = new Map<string, Counts>();
  const workers = new Map<string, Counts>();
  for (const row of rows) {
    const perWorker = row.worker_user_id !== '';
    // A grid and the units above it have figures of their own; a micro-grid's is the sum of its workers'.
    if (row.unit_code === unit.code && perWorker === microgrid) add(totals, row.measure, row.count);
    if (perWorker)
      add(workers.get(row.worker_user_id) ?? workers.set(row.worker_user_id, zero()).get(row.worker_user_id)!, row.measure, row.count);
    // Units one level down: from their own figures, or micro-grids from their workers'.
    const child =
      childWidth !== undefined && row.unit_code.length === childWidth && perWorker === (childWidth === widths[widths.length - 1]);
    if (child) add(children.get(row.unit_code) ?? children.set(row.unit_code, zero()).get(row.unit_code)!, row.measure, row.count);
  }
  const [unitNames, usernames] = await Promise.all([lookupUnits(db, [...children.keys()]), usernamesById(db, [...workers.keys()])]);
  const byDone = (a: { counts: Counts; code?: string }, b: { counts: Counts }) =>
    b.counts.done - a.counts.done || b.counts.confirmed - a.counts.confirmed;
  return {
    unit: { code: unit.code, name: unit.name, level: unit.level },
    month: query.month,
    totals,
    units: [...children]
      .map(([code, counts]) => ({ code, name: unitNames.get(code)?.name ?? code, counts }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    workers: [...workers]
      .map(([userId, counts]) => ({ userId, username: usernames.get(userId) ?? userId, counts }))
      .sort((a, b) => byDone(a, b) || a.userId.localeCompare(b.userId))
      .slice(0, MAX_WORKERS),
  };
}
