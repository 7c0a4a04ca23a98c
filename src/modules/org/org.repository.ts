import { prefixesWithin, underPrefixes } from '../../platform/db/prefix.ts';
import { insertInBatches } from '../../platform/db/batch.ts';
import { selectReusable } from '../../platform/db/reusable.ts';
import type { Transaction } from 'kysely';
import type { Db, Tables } from '../../platform/db/database.ts';
import type { OrgUnitTable } from './org.tables.ts';
import './org.tables.ts';

/** All SQL of the org module. Subtrees are code prefixes; codes are digits and `D`, so no LIKE escaping is needed. */
type Executor = Db | Transaction<Tables>;

export type OrgUnit = OrgUnitTable;

/** The geometry columns of a unit that has no boundary yet. */
export const NO_BOUNDARY = { geometry: null, centroid_lng: null, centroid_lat: null, area_m2: null } as const;

export function findUnit(db: Executor, code: string): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_unit').selectAll().where('code', '=', code).executeTakeFirst();
}

const UNIT_HEADER = [
  'code',
  'parent_code',
  'name',
  'level',
  'created_at',
  'updated_at',
  'version',
  'centroid_lng',
  'centroid_lat',
  'area_m2',
] as const;
export type OrgUnitHeader = Omit<OrgUnit, 'geometry'>;

/** A unit without its boundary (a micro-grid's is kilobytes): what naming and placing need. */
export async function findUnitHeader(db: Executor, code: string): Promise<OrgUnitHeader | undefined> {
  const [unit] = await selectReusable(db, 'org unit header by code', [code], () =>
    db.selectFrom('org_unit').select(UNIT_HEADER).where('code', '=', code),
  );
  return unit;
}

export function listChildren(db: Executor, parentCode: string): Promise<OrgUnit[]> {
  return db.selectFrom('org_unit').selectAll().where('parent_code', '=', parentCode).orderBy('code').execute();
}

export function findDistrict(db: Executor): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_unit').selectAll().where('level', '=', 'district').orderBy('code').limit(1).executeTakeFirst();
}

export async function insertUnit(db: Executor, unit: OrgUnit): Promise<void> {
  await db.insertInto('org_unit').values(unit).execute();
}

/** Renames a unit if its version is still `version`; false when someone changed it first. */
export async function renameUnit(db: Executor, code: string, name: string, version: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('org_unit')
    .set({ name, version: version + 1, updated_at: at })
    .where('code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many children each of the given units has (units without children are absent). */
export async function countChildren(db: Executor, parentCodes: string[]): Promise<Map<string, number>> {
  if (parentCodes.length === 0) return new Map();
  const rows = await db
    .selectFrom('org_unit')
    .select(['parent_code', (eb) => eb.fn.countAll<number>().as('children')])
    .where('parent_code', 'in', parentCodes)
    .groupBy('parent_code')
    .execute();
  return new Map(rows.map((row) => [row.parent_code!, Number(row.children)]));
}

export async function findUnitsByCode(db: Executor, codes: string[]): Promise<OrgUnit[]> {
  const found: OrgUnit[] = [];
  // In chunks: an import names thousands of codes, beyond the bound-parameter limits.
  for (let i = 0; i < codes.length; i += 1000) {
    found.push(
      ...(await db
        .selectFrom('org_unit')
        .selectAll()
        .where('code', 'in', codes.slice(i, i + 1000))
        .execute()),
    );
  }
  return found.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export function listTopUnits(db: Executor): Promise<OrgUnit[]> {
  return db.selectFrom('org_unit').selectAll().where('parent_code', 'is', null).orderBy('code').execute();
}

/** Inserts many units in a few statements (parents before children, as given). */
export function insertUnits(db: Executor, units: OrgUnit[]): Promise<void> {
  return insertInBatches(db, 'org_unit', units);
}

/** Replaces a unit's name and boundary, bumping its version. */
export async function updateUnitBoundary(db: Executor, unit: OrgUnit): Promise<void> {
  await db
    .updateTable('org_unit')
    .set({
      name: unit.name,
      geometry: unit.geometry,
      centroid_lng: unit.centroid_lng,
      centroid_lat: unit.centroid_lat,
      area_m2: unit.area_m2,
      updated_at: unit.updated_at,
      version: unit.version,
    })
    .where('code', '=', unit.code)
    .execute();
}

/** Changes whenever a micro-grid is added, removed or redrawn: the locator rebuilds on a new stamp. */
/**
 * A stamp that changes whenever a unit (of `level`, or any) is added, renamed or redrawn: caches of
 * the tree compare it with what they were built from. Every change bumps a version, so the sum moves
 * even when two changes share a millisecond.
 */
export async function unitsStamp(db: Executor, level?: OrgUnit['level']): Promise<string> {
  const row = await db
    .selectFrom('org_unit')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('version').as('versions'), eb.fn.max('updated_at').as('latest')])
    .$if(level !== undefined, (q) => q.where('level', '=', level!))
    .executeTakeFirstOrThrow();
  return `${Number(row.n)}:${Number(row.versions ?? 0)}@${row.latest ?? ''}`;
}

export function listMicrogridBoundaries(db: Executor): Promise<{ code: string; geometry: string | null }[]> {
  return db
    .selectFrom('org_unit')
    .select(['code', 'geometry'])
    .where('level', '=', 'microgrid')
    .where('geometry', 'is not', null)
    .execute();
}

/** How many units of each level lie under the given prefixes. */
export async function countUnitsByLevel(db: Executor, prefixes: string[]): Promise<Map<string, number>> {
  if (prefixes.length === 0) return new Map();
  const rows = await db
    .selectFrom('org_unit')
    .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
    .where(underPrefixes('code', prefixes))
    .groupBy('level')
    .execute();
  return new Map(rows.map((row) => [row.level, Number(row.n)]));
}

/** A unit and every unit under it, inside the given prefixes, codes and names only, in code order. */
export function listUnitsUnder(db: Executor, code: string, prefixes: string[]): Promise<Pick<OrgUnit, 'code' | 'name' | 'level'>[]> {
  return db
    .selectFrom('org_unit')
    .select(['code', 'name', 'level'])
    .where(underPrefixes('code', prefixesWithin(prefixes, code)))
    .orderBy('code')
    .execute();
}

/** The units of one level under a unit (departments: of a district), codes and names, in code order. */
export function listUnitsAtLevel(db: Executor, within: string, level: OrgUnit['level']): Promise<Pick<OrgUnit, 'code' | 'name'>[]> {
  return db
    .selectFrom('org_unit')
    .select(['code', 'name'])
    .where('level', '=', level)
    .where(underPrefixes('code', [within]))
    .orderBy('code')
    .execute();
}

/** The units of one level under a unit (its code prefix) with their boundaries, for the map. */
export function listBoundariesUnder(
  db: Executor,
  code: string,
  level: OrgUnit['level'],
): Promise<Pick<OrgUnit, 'code' | 'name' | 'level' | 'parent_code' | 'geometry'>[]> {
  return db
    .selectFrom('org_unit')
    .select(['code', 'name', 'level', 'parent_code', 'geometry'])
    .where('level', '=', level)
    .where(underPrefixes('code', [code]))
    .where('geometry', 'is not', null)
    .orderBy('code')
    .execute();
}
