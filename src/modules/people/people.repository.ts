import { prefixesWithin, underPrefixes, underPrefixesAfter } from '../../platform/db/prefix.ts';
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

/**
 * Households of one micro-grid (or any unit, by prefix) inside the scope, by micro-grid then id: the
 * order of the (microgrid_code, id) index, so a page of a subdistrict of a city reads one index range.
 */
export async function listHouseholds(db: Executor, scope: string[], unitCode: string, page: Page): Promise<HouseholdRow[]> {
  const ranges = await codeRanges(db, 'household', prefixesWithin(scope, unitCode), page.after);
  return db.selectFrom('household').selectAll().where(ranges).orderBy('microgrid_code').orderBy('id').limit(page.limit).execute();
}

/**
 * The scope filter of a page in (microgrid_code, id) order, the cursor still a plain id: its row's
 * micro-grid is read first (one primary-key lookup), so each range starts at the cursor. A cursor
 * whose row no longer exists ends the listing.
 */
async function codeRanges(db: Executor, table: 'household' | 'resident', prefixes: string[], after: string | undefined) {
  const column = `${table}.microgrid_code`;
  if (after === undefined) return underPrefixes(column, prefixes);
  const row = await db.selectFrom(table).select('microgrid_code').where('id', '=', after).executeTakeFirst();
  if (!row) return underPrefixes(column, []);
  return underPrefixesAfter(column, `${table}.id`, prefixes, { code: row.microgrid_code, id: after });
}

/** The members of these households, by id; any number of households (read in chunks). */
export async function residentsOfHouseholds(db: Executor, householdIds: string[]): Promise<ResidentRow[]> {
  const rows = await inChunks([...new Set(householdIds)], (chunk) =>
    db.selectFrom('resident').selectAll().where('household_id', 'in', chunk).orderBy('id').execute(),
  );
  return rows.length > IN_CHUNK ? rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) : rows;
}

export interface ResidentFilter extends Page {
  scope: string[];
  unitCode?: string;
  /** Name or address fragment. */
  text?: string;
  idNumberIndex?: string;
  phoneIndex?: string;
}

/** Residents inside the scope matching the filter, by micro-grid then id (the index's order, as households). */
export async function searchResidents(db: Executor, filter: ResidentFilter): Promise<ResidentRow[]> {
  const prefixes = filter.unitCode === undefined ? filter.scope : prefixesWithin(filter.scope, filter.unitCode);
  const ranges = await codeRanges(db, 'resident', prefixes, filter.after);
  return db
    .selectFrom('resident')
    .selectAll('resident')
    .where(ranges)
    .$if(filter.idNumberIndex !== undefined, (q) => q.where('resident.id_number_index', '=', filter.idNumberIndex!))
    .$if(filter.phoneIndex !== undefined, (q) => q.where('resident.phone_index', '=', filter.phoneIndex!))
    .$if(filter.text !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('resident.name', 'like', `%${filter.text}%`),
          eb(
            'resident.household_id',
            'in',
            // Households of the same ranges only: an address search must not scan the whole city.
            eb
              .selectFrom('household')
              .select('id')
              .where(underPrefixes('household.microgrid_code', prefixes))
              .where('address', 'like', `%${filter.text}%`),
          ),
        ]),
      ),
    )
    .orderBy('resident.microgrid_code')
    .orderBy('resident.id')
    .limit(filter.limit)
    .execute();
}

export function findResident(db: Executor, id: string): Promise<ResidentRow | undefined> {
  return db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirst();
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

// ── Editing the registry: households, residents, workers ─────────────────────────────────────────

export function findHousehold(db: Executor, id: string): Promise<HouseholdRow | undefined> {
  return db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The household at this address of the micro-grid: an address names one household there. */
export function findHouseholdAt(db: Executor, microgridCode: string, address: string): Promise<HouseholdRow | undefined> {
  return db
    .selectFrom('household')
    .selectAll()
    .where('microgrid_code', '=', microgridCode)
    .where('address', '=', address)
    .executeTakeFirst();
}

/** Applies `changes` when the row is still at `version`; false when someone changed it first. */
export async function updateHouseholdRow(db: Executor, id: string, version: number, changes: Partial<HouseholdRow>): Promise<boolean> {
  const result = await db
    .updateTable('household')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Members follow their household when it moves: the micro-grid is repeated on each resident. */
export async function moveResidentsOfHousehold(db: Executor, householdId: string, microgridCode: string, at: string): Promise<void> {
  await db
    .updateTable('resident')
    .set((eb) => ({ microgrid_code: microgridCode, updated_at: at, version: eb('version', '+', 1) }))
    .where('household_id', '=', householdId)
    .execute();
}

export async function updateResidentRow(db: Executor, id: string, version: number, changes: Partial<ResidentRow>): Promise<boolean> {
  const result = await db
    .updateTable('resident')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Another resident already registered with this ID number (its keyed hash), if any. */
export function findResidentByIdNumberIndex(db: Executor, index: string): Promise<ResidentRow | undefined> {
  return db.selectFrom('resident').selectAll().where('id_number_index', '=', index).executeTakeFirst();
}

export interface WorkerRow {
  resident_id: string;
  user_id: string | null;
  since: string;
  version: number;
  microgrids: string[];
}

/** A worker with the micro-grids they serve, or undefined when the resident is not a worker. */
export async function findWorker(db: Executor, residentId: string): Promise<WorkerRow | undefined> {
  const worker = await db.selectFrom('worker').selectAll().where('resident_id', '=', residentId).executeTakeFirst();
  if (!worker) return undefined;
  const served = await db
    .selectFrom('worker_microgrid')
    .select('microgrid_code')
    .where('resident_id', '=', residentId)
    .orderBy('since')
    .orderBy('microgrid_code')
    .execute();
  return { ...worker, microgrids: served.map((s) => s.microgrid_code) };
}

/** The account already linked to a worker, so one account never speaks for two people. */
export function findWorkerByUser(db: Executor, userId: string): Promise<{ resident_id: string } | undefined> {
  return db.selectFrom('worker').select('resident_id').where('user_id', '=', userId).executeTakeFirst();
}

/** Workers serving at least one micro-grid under the unit (and inside the scope), with the residents they are. */
export async function listWorkersServing(
  db: Executor,
  scope: string[],
  unitCode: string,
): Promise<{ worker: WorkerRow; resident: ResidentRow }[]> {
  const served = await db
    .selectFrom('worker_microgrid')
    .select(['resident_id', 'microgrid_code'])
    .where('microgrid_code', 'like', `${unitCode}%`)
    .where(underPrefixes('microgrid_code', scope))
    .orderBy('microgrid_code')
    .execute();
  const ids = [...new Set(served.map((s) => s.resident_id))];
  if (ids.length === 0) return [];
  const workers = await db.selectFrom('worker').selectAll().where('resident_id', 'in', ids).execute();
  const allServed = await db.selectFrom('worker_microgrid').selectAll().where('resident_id', 'in', ids).orderBy('since').execute();
  const residents = new Map((await db.selectFrom('resident').selectAll().where('id', 'in', ids).execute()).map((r) => [r.id, r]));
  const byWorker = new Map(workers.map((w) => [w.resident_id, w]));
  return ids.map((id) => ({
    worker: { ...byWorker.get(id)!, microgrids: allServed.filter((s) => s.resident_id === id).map((s) => s.microgrid_code) },
    resident: residents.get(id)!,
  }));
}

export async function insertWorkerRow(
  db: Executor,
  row: { resident_id: string; user_id: string | null; since: string; created_at: string },
): Promise<void> {
  await db
    .insertInto('worker')
    .values({ ...row, updated_at: row.created_at, version: 1 })
    .execute();
}

export async function serveMicrogrid(db: Executor, residentId: string, microgridCode: string, since: string): Promise<void> {
  await db.insertInto('worker_microgrid').values({ resident_id: residentId, microgrid_code: microgridCode, since }).execute();
}

export async function stopServingMicrogrid(db: Executor, residentId: string, microgridCode: string): Promise<void> {
  await db.deleteFrom('worker_microgrid').where('resident_id', '=', residentId).where('microgrid_code', '=', microgridCode).execute();
}

export async function deleteWorkerRow(db: Executor, residentId: string): Promise<void> {
  await db.deleteFrom('worker').where('resident_id', '=', residentId).execute();
}

/** Workers bump their version on every change of what they serve, so two editors cannot both win. */
export async function touchWorker(db: Executor, residentId: string, version: number, at: string, userId?: string | null): Promise<boolean> {
  const result = await db
    .updateTable('worker')
    .set({ version: version + 1, updated_at: at, ...(userId !== undefined ? { user_id: userId } : {}) })
    .where('resident_id', '=', residentId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface CandidateRow {
  resident: ResidentRow;
  /** Where their household lives: its building, or null when it has none. */
  position: [number, number] | null;
  /** Micro-grids the resident already serves. */
  serving: number;
}

/**
 * Adults of working age with a phone, not disabled, living in the given micro-grids: the pool
 * from which a micro-grid's worker is chosen (联亲联近联熟). Birth dates bound the age in SQL.
 */
export async function listWorkerCandidates(
  db: Executor,
  microgridCodes: string[],
  bornBetween: [string, string],
  limit: number,
): Promise<CandidateRow[]> {
  if (microgridCodes.length === 0) return [];
  const rows = await db
    .selectFrom('resident')
    .innerJoin('household', 'household.id', 'resident.household_id')
    .leftJoin('building', 'building.id', 'household.building_id')
    .selectAll('resident')
    .select(['building.lng as lng', 'building.lat as lat'])
    .select((eb) =>
      eb
        .selectFrom('worker_microgrid')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('worker_microgrid.resident_id', '=', 'resident.id')
        .as('serving'),
    )
    .where('resident.microgrid_code', 'in', microgridCodes)
    .where('resident.phone_enc', 'is not', null)
    .where('resident.birth_date', '>=', bornBetween[0])
    .where('resident.birth_date', '<=', bornBetween[1])
    .where('resident.tags', 'not like', '%"disabled"%')
    .orderBy('resident.id')
    .limit(limit)
    .execute();
  return rows.map(({ lng, lat, serving, ...resident }) => ({
    resident: resident as ResidentRow,
    position: lng === null || lat === null ? null : [lng, lat],
    serving: Number(serving ?? 0),
  }));
}

/** The people serving a micro-grid (one, normally). */
export async function workersOfMicrogrid(db: Executor, microgridCode: string): Promise<string[]> {
  const rows = await db.selectFrom('worker_microgrid').select('resident_id').where('microgrid_code', '=', microgridCode).execute();
  return rows.map((r) => r.resident_id);
}

// ── Bulk import and export (the transfer module's spreadsheets) ──────────────────────────────────

/** Lists in `in (...)` stay well under both databases' bound-parameter limits. */
const IN_CHUNK = 500;

async function inChunks<T>(values: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += IN_CHUNK) rows.push(...(await read(values.slice(i, i + IN_CHUNK))));
  return rows;
}

export function findBuildingsInMicrogrids(db: Executor, codes: string[]): Promise<BuildingTable[]> {
  return inChunks([...new Set(codes)], (chunk) => db.selectFrom('building').selectAll().where('microgrid_code', 'in', chunk).execute());
}

export function findHouseholdsInMicrogrids(db: Executor, codes: string[]): Promise<HouseholdRow[]> {
  return inChunks([...new Set(codes)], (chunk) => db.selectFrom('household').selectAll().where('microgrid_code', 'in', chunk).execute());
}

/** Residents inside the scope (code prefixes) with these ID numbers (their keyed hashes). */
export function findResidentsByIdNumberIndexes(db: Executor, scope: string[], indexes: string[]): Promise<ResidentRow[]> {
  return inChunks([...new Set(indexes)], (chunk) =>
    db.selectFrom('resident').selectAll().where('id_number_index', 'in', chunk).where(underPrefixes('microgrid_code', scope)).execute(),
  );
}

/**
 * Which of these ID numbers (keyed hashes) are registered to anyone, anywhere: only the hashes, never
 * a row, for the one-person-one-entry rule (a match outside the caller's scope is refused naming nobody).
 */
export async function registeredIdNumberIndexes(db: Executor, indexes: string[]): Promise<Set<string>> {
  const rows = await inChunks([...new Set(indexes)], (chunk) =>
    db.selectFrom('resident').select('id_number_index').where('id_number_index', 'in', chunk).execute(),
  );
  return new Set(rows.map((r) => r.id_number_index!));
}

/** Who serves these micro-grids: (resident, micro-grid) pairs. */
export function findServiceOfMicrogrids(db: Executor, codes: string[]): Promise<{ resident_id: string; microgrid_code: string }[]> {
  return inChunks([...new Set(codes)], (chunk) =>
    db.selectFrom('worker_microgrid').select(['resident_id', 'microgrid_code']).where('microgrid_code', 'in', chunk).execute(),
  );
}

/**
 * Workers serving at least one micro-grid under the unit and inside the scope, each with the
 * micro-grids they serve inside the scope only (a foreign code is not the caller's to see), in
 * (first micro-grid, resident) order. No limit: an export holds every worker of the unit.
 */
export async function listWorkersServingUnder(db: Executor, scope: string[], unitCode: string): Promise<WorkerRow[]> {
  const under = await db
    .selectFrom('worker_microgrid')
    .select('resident_id')
    .distinct()
    .where(underPrefixes('microgrid_code', prefixesWithin(scope, unitCode)))
    .execute();
  const ids = under.map((s) => s.resident_id);
  const workers = await inChunks(ids, (chunk) => db.selectFrom('worker').selectAll().where('resident_id', 'in', chunk).execute());
  const served = await inChunks(ids, (chunk) =>
    db
      .selectFrom('worker_microgrid')
      .select(['resident_id', 'microgrid_code'])
      .where('resident_id', 'in', chunk)
      .where(underPrefixes('microgrid_code', scope))
      .execute(),
  );
  const byWorker = new Map<string, string[]>();
  for (const s of served) byWorker.set(s.resident_id, [...(byWorker.get(s.resident_id) ?? []), s.microgrid_code]);
  return workers
    .map((w) => ({ ...w, microgrids: (byWorker.get(w.resident_id) ?? []).sort() }))
    .sort((a, b) => compare(a.microgrids[0] ?? '', b.microgrids[0] ?? '') || compare(a.resident_id, b.resident_id));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Workers among these residents, with every micro-grid each serves. */
export async function findWorkersOfResidents(db: Executor, residentIds: string[]): Promise<WorkerRow[]> {
  const ids = [...new Set(residentIds)];
  const workers = await inChunks(ids, (chunk) => db.selectFrom('worker').selectAll().where('resident_id', 'in', chunk).execute());
  const served = await inChunks(ids, (chunk) =>
    db.selectFrom('worker_microgrid').selectAll().where('resident_id', 'in', chunk).orderBy('microgrid_code').execute(),
  );
  return workers.map((w) => ({
    resident_id: w.resident_id,
    user_id: w.user_id,
    since: w.since,
    version: w.version,
    microgrids: served.filter((s) => s.resident_id === w.resident_id).map((s) => s.microgrid_code),
  }));
}

/** Which of these accounts are already linked to a worker, and to whom. */
export async function workersOfUsers(db: Executor, userIds: string[]): Promise<Map<string, string>> {
  const rows = await inChunks([...new Set(userIds)], (chunk) =>
    db.selectFrom('worker').select(['user_id', 'resident_id']).where('user_id', 'in', chunk).execute(),
  );
  return new Map(rows.map((r) => [r.user_id!, r.resident_id]));
}

export async function updateBuildingRow(db: Executor, id: string, version: number, changes: Partial<BuildingTable>): Promise<boolean> {
  const result = await db
    .updateTable('building')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Buildings under a unit and inside the scope, in a stable order (micro-grid, address). */
export function listBuildingsUnder(db: Executor, scope: string[], unitCode: string): Promise<BuildingTable[]> {
  return db
    .selectFrom('building')
    .selectAll()
    .where(underPrefixes('microgrid_code', prefixesWithin(scope, unitCode)))
    .orderBy('microgrid_code')
    .orderBy('address')
    .orderBy('id')
    .execute();
}

export function listHouseholdsUnder(db: Executor, scope: string[], unitCode: string): Promise<HouseholdRow[]> {
  return db
    .selectFrom('household')
    .selectAll()
    .where(underPrefixes('microgrid_code', prefixesWithin(scope, unitCode)))
    .orderBy('microgrid_code')
    .orderBy('address')
    .orderBy('id')
    .execute();
}

export function listResidentsUnder(db: Executor, scope: string[], unitCode: string): Promise<ResidentRow[]> {
  return db
    .selectFrom('resident')
    .selectAll()
    .where(underPrefixes('microgrid_code', prefixesWithin(scope, unitCode)))
    .orderBy('microgrid_code')
    .orderBy('household_id')
    .orderBy('id')
    .execute();
}

/** Residents by id, for workers who live outside the unit they serve. */
export function findResidentsById(db: Executor, ids: string[]): Promise<ResidentRow[]> {
  return inChunks([...new Set(ids)], (chunk) => db.selectFrom('resident').selectAll().where('id', 'in', chunk).execute());
}

/** Where these residents live now: the micro-grid of each (no personal data read). */
export function findResidentMicrogrids(db: Executor, ids: string[]): Promise<{ id: string; microgrid_code: string }[]> {
  return inChunks([...new Set(ids)], (chunk) =>
    db.selectFrom('resident').select(['id', 'microgrid_code']).where('id', 'in', chunk).execute(),
  );
}

/** Names and households of residents by id: what a message about them says, nothing sealed read. */
export function findResidentNames(db: Executor, ids: string[]): Promise<{ id: string; name: string; household_id: string }[]> {
  return inChunks([...new Set(ids)], (chunk) =>
    db.selectFrom('resident').select(['id', 'name', 'household_id']).where('id', 'in', chunk).execute(),
  );
}

/** Home addresses of households by id (people.contact.ts). */
export function findHouseholdAddresses(db: Executor, ids: string[]): Promise<{ id: string; address: string }[]> {
  return inChunks([...new Set(ids)], (chunk) => db.selectFrom('household').select(['id', 'address']).where('id', 'in', chunk).execute());
}

/** Households by id, for other modules naming the households they serve (people.contact.ts). */
export function findHouseholdsById(db: Executor, ids: string[]): Promise<HouseholdRow[]> {
  return inChunks([...new Set(ids)], (chunk) => db.selectFrom('household').selectAll().where('id', 'in', chunk).execute());
}

export async function updateWorkerRow(
  db: Executor,
  residentId: string,
  version: number,
  changes: { user_id?: string | null; since?: string; updated_at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('worker')
    .set({ ...changes, version: version + 1 })
    .where('resident_id', '=', residentId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ── What the curtain pact reads of the registry (people.contact.ts) ──────────────────────────────

export function findBuildingsById(db: Executor, ids: string[]): Promise<BuildingTable[]> {
  return inChunks([...new Set(ids)], (chunk) => db.selectFrom('building').selectAll().where('id', 'in', chunk).execute());
}

/** Residents under the prefixes carrying any of the tags (JSON text arrays), by micro-grid then id. */
export function findResidentsTagged(
  db: Executor,
  prefixes: string[],
  tags: string[],
): Promise<Pick<ResidentRow, 'id' | 'microgrid_code'>[]> {
  if (tags.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('resident')
    .select(['id', 'microgrid_code'])
    .where(underPrefixes('microgrid_code', prefixes))
    .where((eb) => eb.or(tags.map((tag) => eb('tags', 'like', `%"${tag}"%`))))
    .orderBy('microgrid_code')
    .orderBy('id')
    .execute();
}

export function findResidentsByPhoneIndex(db: Executor, index: string): Promise<Pick<ResidentRow, 'id' | 'microgrid_code'>[]> {
  return db.selectFrom('resident').select(['id', 'microgrid_code']).where('phone_index', '=', index).execute();
}

/** The accounts of the workers serving these micro-grids: (micro-grid, account) pairs. */
export function findWorkerAccountsServing(db: Executor, codes: string[]): Promise<{ microgrid_code: string; user_id: string }[]> {
  return inChunks([...new Set(codes)], async (chunk) => {
    const rows = await db
      .selectFrom('worker_microgrid')
      .innerJoin('worker', 'worker.resident_id', 'worker_microgrid.resident_id')
      .select(['worker_microgrid.microgrid_code as microgrid_code', 'worker.user_id as user_id'])
      .where('worker_microgrid.microgrid_code', 'in', chunk)
      .where('worker.user_id', 'is not', null)
      .orderBy('worker_microgrid.microgrid_code')
      .orderBy('worker.user_id')
      .execute();
    return rows.map((row) => ({ microgrid_code: row.microgrid_code, user_id: row.user_id! }));
  });
}

/** Members of these households and of every household in these buildings. */
export async function findResidentIdsAt(db: Executor, householdIds: string[], buildingIds: string[]): Promise<string[]> {
  const inBuildings = await inChunks([...new Set(buildingIds)], (chunk) =>
    db.selectFrom('household').select('id').where('building_id', 'in', chunk).execute(),
  );
  const households = [...new Set([...householdIds, ...inBuildings.map((h) => h.id)])];
  const rows = await inChunks(households, (chunk) => db.selectFrom('resident').select('id').where('household_id', 'in', chunk).execute());
  return rows.map((row) => row.id);
}
