import { underPrefixes } from '../../platform/db/prefix.ts';
import { insertInBatches } from '../../platform/db/batch.ts';
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
    .where(underPrefixes('microgrid_code', scope))
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
    .where(underPrefixes('resident.microgrid_code', filter.scope))
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
      .where(underPrefixes('microgrid_code', prefixes))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const workers = await db
    .selectFrom('worker_microgrid')
    .select((eb) => eb.fn.count<number>('resident_id').distinct().as('n'))
    .where(underPrefixes('microgrid_code', prefixes))
    .executeTakeFirstOrThrow();
  const unserved = await db
    .selectFrom('org_unit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('level', '=', 'microgrid')
    .where(underPrefixes('code', prefixes))
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

export function insertBuildings(db: Executor, rows: BuildingTable[]): Promise<void> {
  return insertInBatches(db, 'building', rows);
}

export function insertHouseholds(db: Executor, rows: HouseholdRow[]): Promise<void> {
  return insertInBatches(db, 'household', rows);
}

export function insertResidents(db: Executor, rows: ResidentRow[]): Promise<void> {
  return insertInBatches(db, 'resident', rows);
}

export async function insertWorkers(
  db: Executor,
  workers: { residentId: string; userId: string | null; microgridCodes: string[]; since: string }[],
  stamp: { created_at: string; updated_at: string; version: number },
): Promise<void> {
  const rows = workers.map((w) => ({ resident_id: w.residentId, user_id: w.userId, since: w.since, ...stamp }));
  await insertInBatches(db, 'worker', rows);
  const served = workers.flatMap((w) =>
    w.microgridCodes.map((code) => ({ resident_id: w.residentId, microgrid_code: code, since: w.since })),
  );
  await insertInBatches(db, 'worker_microgrid', served);
}
