import type { Transaction } from 'kysely';
import type { Db, Tables } from '../../platform/db/database.ts';
import type { BuildingTable, HouseholdTable, ResidentTable } from './people.tables.ts';
import './people.tables.ts';

/**
 * All SQL of the people module. Every query of personal or scoped data takes the caller's scope as
 * code prefixes and filters on `microgrid_code` here, never in a route.
 */
type Executor = Db | Transaction<Tables>;

export type ResidentRow = ResidentTable;
export type HouseholdRow = HouseholdTable;

export interface Page {
  after?: string;
  limit: number;
}

/** Households of one micro-grid (or any unit, by prefix) inside the scope, by id. */
export function listHouseholds(db: Executor, scope: string[], unitCode: string, page: Page): Promise<HouseholdRow[]> {
  return db
    .selectFrom('household')
    .selectAll()
    .where('microgrid_code', 'like', `${unitCode}%`)
    .where((eb) => eb.or(scope.map((prefix) => eb('microgrid_code', 'like', `${prefix}%`))))
    .$if(page.after !== undefined, (q) => q.where('id', '>', page.after!))
    .orderBy('id')
    .limit(page.limit)
    .execute();
}

export function residentsOfHouseholds(db: Executor, householdIds: string[]): Promise<ResidentRow[]> {
  if (householdIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('resident').selectAll().where('household_id', 'in', householdIds).orderBy('id').execute();
}

export interface ResidentFilter extends Page {
  scope: string[];
  unitCode?: string;
  /** Name or address fragment. */
  text?: string;
  idNumberIndex?: string;
  phoneIndex?: string;
}

/** Residents inside the scope matching the filter, by id. */
export function searchResidents(db: Executor, filter: ResidentFilter): Promise<ResidentRow[]> {
  return db
    .selectFrom('resident')
    .selectAll('resident')
    .where((eb) => eb.or(filter.scope.map((prefix) => eb('resident.microgrid_code', 'like', `${prefix}%`))))
    .$if(filter.unitCode !== undefined, (q) => q.where('resident.microgrid_code', 'like', `${filter.unitCode}%`))
    .$if(filter.idNumberIndex !== undefined, (q) => q.where('resident.id_number_index', '=', filter.idNumberIndex!))
    .$if(filter.phoneIndex !== undefined, (q) => q.where('resident.phone_index', '=', filter.phoneIndex!))
    .$if(filter.text !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('resident.name', 'like', `%${filter.text}%`),
          eb('resident.household_id', 'in', eb.selectFrom('household').select('id').where('address', 'like', `%${filter.text}%`)),
        ]),
      ),
    )
    .$if(filter.after !== undefined, (q) => q.where('resident.id', '>', filter.after!))
    .orderBy('resident.id')
    .limit(filter.limit)
    .execute();
}

export function findResident(db: Executor, id: string): Promise<ResidentRow | undefined> {
  return db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findHouseholdsById(db: Executor, ids: string[]): Promise<HouseholdRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('household').selectAll().where('id', 'in', ids).execute();
}

/** Workers serving each of the given micro-grids. */
export function workersOf(db: Executor, microgridCodes: string[]) {
  if (microgridCodes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('worker_microgrid')
    .innerJoin('resident', 'resident.id', 'worker_microgrid.resident_id')
    .select([
      'worker_microgrid.microgrid_code',
      'worker_microgrid.since',
      'resident.id as resident_id',
      'resident.name',
      'resident.phone_enc',
    ])
    .where('worker_microgrid.microgrid_code', 'in', microgridCodes)
    .execute();
}

export interface ScopeCounts {
  households: number;
  residents: number;
  workers: number;
  microgridsWithoutWorker: number;
}

/** Registry counts under the given prefixes (a unit's subtree, or a worker's micro-grids). */
export async function countPeople(db: Executor, prefixes: string[]): Promise<ScopeCounts> {
  const count = async (table: 'household' | 'resident') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or(prefixes.map((prefix) => eb('microgrid_code', 'like', `${prefix}%`))))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const workers = await db
    .selectFrom('worker_microgrid')
    .select((eb) => eb.fn.count<number>('resident_id').distinct().as('n'))
    .where((eb) => eb.or(prefixes.map((prefix) => eb('microgrid_code', 'like', `${prefix}%`))))
    .executeTakeFirstOrThrow();
  const unserved = await db
    .selectFrom('org_unit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('level', '=', 'microgrid')
    .where((eb) => eb.or(prefixes.map((prefix) => eb('code', 'like', `${prefix}%`))))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('worker_microgrid').select('resident_id').whereRef('worker_microgrid.microgrid_code', '=', 'org_unit.code'),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return {
    households: await count('household'),
    residents: await count('resident'),
    workers: Number(workers.n),
    microgridsWithoutWorker: Number(unserved.n),
  };
}

export async function insertBuildings(db: Executor, rows: BuildingTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('building')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function insertHouseholds(db: Executor, rows: HouseholdRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('household')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function insertResidents(db: Executor, rows: ResidentRow[]): Promise<void> {
  // 16 columns: 500 rows stay under the bound-parameter limits of both databases.
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('resident')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function insertWorkers(
  db: Executor,
  workers: { residentId: string; userId: string | null; microgridCodes: string[]; since: string }[],
  stamp: { created_at: string; updated_at: string; version: number },
): Promise<void> {
  const rows = workers.map((w) => ({ resident_id: w.residentId, user_id: w.userId, since: w.since, ...stamp }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('worker')
      .values(rows.slice(i, i + 500))
      .execute();
  const served = workers.flatMap((w) =>
    w.microgridCodes.map((code) => ({ resident_id: w.residentId, microgrid_code: code, since: w.since })),
  );
  for (let i = 0; i < served.length; i += 1000)
    await db
      .insertInto('worker_microgrid')
      .values(served.slice(i, i + 1000))
      .execute();
}
