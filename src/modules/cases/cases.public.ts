import type { Platform } from '../../platform/context.ts';
import { listCategories, listConditions } from './cases.repository.ts';
import { OPEN_STATES, type CaseState } from './cases.workflow.ts';
import './cases.tables.ts';

/**
 * The public face of cases, for Open311 and any other anonymous reader: public leaf categories and
 * the cases filed under them, with nothing personal (no reporter, no contact, no timeline). A case
 * is public only while both its own flag and its category (leaf and major) are public, so a
 * category turned private later takes its old cases out of sight too.
 */

export interface PublicService {
  /** The leaf category (小类) code. */
  code: string;
  name: string;
  /** The major category (大类) it belongs to. */
  group: string;
  /** Its filing conditions (立案条件), the kinds of report it covers. */
  conditions: string[];
}

export interface PublicCase {
  id: string;
  state: CaseState;
  /** Not yet closed, refused or evaluated. */
  open: boolean;
  categoryCode: string;
  categoryName: string;
  description: string;
  address: string;
  /** WGS-84, when reported with a location. */
  lng: number | null;
  lat: number | null;
  /** The lead department's org code, once dispatched. */
  leadDepartment: string | null;
  /** The filing condition's closing condition (结案条件), once filed. */
  closing: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  stageDueAt: string | null;
}

export interface PublicCaseFilter {
  /** Exactly these cases (others in the filter are then ignored by the caller, not here). */
  ids?: readonly string[];
  categoryCodes?: readonly string[];
  /** Reported at or after this instant (ISO-8601 UTC). */
  from?: string;
  /** Reported at or before this instant (ISO-8601 UTC). */
  to?: string;
  /** Only open (true) or only finished (false) cases; both when absent. */
  open?: boolean;
  limit: number;
}

/**
 * Active public leaf categories under public majors, in catalogue order, with the moment the public
 * catalogue last changed (a category or filing condition edited), for caches and Open311's changeset.
 */
export async function publicServices(platform: Platform): Promise<{ services: PublicService[]; changedAt: string | null }> {
  const db = platform.database.db;
  const [categories, conditions] = await Promise.all([listCategories(db), listConditions(db)]);
  const majors = new Map(categories.filter((c) => c.parent_code === null).map((c) => [c.code, c]));
  const services = categories
    .filter((leaf) => leaf.parent_code !== null && leaf.public === 1 && leaf.active === 1 && majors.get(leaf.parent_code)?.public === 1)
    .sort((a, b) => majors.get(a.parent_code!)!.sort - majors.get(b.parent_code!)!.sort || a.sort - b.sort || a.code.localeCompare(b.code))
    .map((leaf) => ({
      code: leaf.code,
      name: leaf.name,
      group: majors.get(leaf.parent_code!)!.name,
      conditions: conditions.filter((d) => d.category_code === leaf.code).map((d) => d.name),
    }));
  const stamps = [...categories, ...conditions].map((row) => row.updated_at).sort();
  return { services, changedAt: stamps.at(-1) ?? null };
}

/** One public leaf category open for new reports, or undefined (unknown, private, inactive or a major). */
export async function publicService(platform: Platform, code: string): Promise<PublicService | undefined> {
  return (await publicServices(platform)).services.find((s) => s.code === code);
}

/** Public cases, newest first, at most `limit`. */
export async function publicCases(platform: Platform, filter: PublicCaseFilter): Promise<PublicCase[]> {
  if (filter.ids?.length === 0 || filter.categoryCodes?.length === 0) return [];
  let query = platform.database.db
    .selectFrom('dispatch_case')
    .innerJoin('case_category as leaf', 'leaf.code', 'dispatch_case.category_code')
    .innerJoin('case_category as major', 'major.code', 'leaf.parent_code')
    .leftJoin('case_condition', 'case_condition.code', 'dispatch_case.condition_code')
    .select([
      'dispatch_case.id',
      'dispatch_case.state',
      'dispatch_case.category_code',
      'leaf.name as category_name',
      'dispatch_case.description',
      'dispatch_case.address',
      'dispatch_case.lng',
      'dispatch_case.lat',
      'dispatch_case.lead_department',
      'case_condition.closing',
      'dispatch_case.created_at',
      'dispatch_case.updated_at',
      'dispatch_case.closed_at',
      'dispatch_case.stage_due_at',
    ])
    .where('dispatch_case.public', '=', 1)
    .where('leaf.public', '=', 1)
    .where('major.public', '=', 1);
  if (filter.ids) query = query.where('dispatch_case.id', 'in', [...filter.ids]);
  if (filter.categoryCodes) query = query.where('dispatch_case.category_code', 'in', [...filter.categoryCodes]);
  if (filter.from) query = query.where('dispatch_case.created_at', '>=', filter.from);
  if (filter.to) query = query.where('dispatch_case.created_at', '<=', filter.to);
  if (filter.open !== undefined) query = query.where('dispatch_case.state', filter.open ? 'in' : 'not in', [...OPEN_STATES]);
  const rows = await query.orderBy('dispatch_case.id', 'desc').limit(filter.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    state: row.state as CaseState,
    open: OPEN_STATES.includes(row.state as CaseState),
    categoryCode: row.category_code,
    categoryName: row.category_name,
    description: row.description,
    address: row.address,
    lng: row.lng === null ? null : Number(row.lng),
    lat: row.lat === null ? null : Number(row.lat),
    leadDepartment: row.lead_department,
    closing: row.closing ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    stageDueAt: row.stage_due_at,
  }));
}

/** One public case, or undefined when there is none by that id or it is not public. */
export async function publicCase(platform: Platform, id: string): Promise<PublicCase | undefined> {
  return (await publicCases(platform, { ids: [id], limit: 1 }))[0];
}
