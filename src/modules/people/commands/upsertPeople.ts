import { monotonicFactory } from 'ulid';
import { scopePrefixes, type Actor } from '../../../platform/authz/actor.ts';
import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import { businessDate } from '../../../platform/clock.ts';
import type { Platform } from '../../../platform/context.ts';
import { lockForTransaction } from '../../../platform/db/dialect.ts';
import { conflict, unprocessable } from '../../../platform/http/errors.ts';
import { findWorkerAccount, followWorkerService } from '../../accounts/commands/followWorkerService.ts';
import { lookupUnits } from '../../org/org.queries.ts';
import { indexOf, newResidentRow, openResident, sealResident } from '../people.personalData.ts';
import {
  findBuildingsInMicrogrids,
  findHouseholdsInMicrogrids,
  findResidentsByIdNumberIndexes,
  findServiceOfMicrogrids,
  findWorkersOfResidents,
  insertBuildings,
  insertHouseholds,
  insertResidents,
  insertWorkerRow,
  registeredIdNumberIndexes,
  residentsOfHouseholds,
  serveMicrogrid,
  stopServingMicrogrid,
  updateBuildingRow,
  updateHouseholdRow,
  updateResidentRow,
  updateWorkerRow,
  workersOfUsers,
  type HouseholdRow,
  type ResidentRow,
  type WorkerRow,
} from '../people.repository.ts';
import type { BuildingTable } from '../people.tables.ts';
import {
  ADDRESS_MAX_LENGTH,
  ADDRESS_MIN_LENGTH,
  cleanResident,
  NAME_MAX_LENGTH,
  normaliseIdNumber,
  residentProblems,
} from '../people.validation.ts';
import type { NewResident } from '../people.personalData.ts';

const ulid = monotonicFactory();

/**
 * The registry as a spreadsheet gives it, by natural keys rather than ids, so that importing the
 * same file twice updates instead of duplicating: a building and a household by (micro-grid,
 * address), a resident by ID number or, without one, by (household, name), a worker by the
 * resident's ID number.
 */
export interface BuildingUpsert {
  microgridCode: string;
  address: string;
  kind: BuildingTable['kind'];
  /** WGS-84. */
  position: [number, number];
}

export interface HouseholdUpsert {
  microgridCode: string;
  address: string;
  /** A building of the same micro-grid, by its address; null when the household has none. */
  buildingAddress: string | null;
}

export interface ResidentUpsert extends NewResident {
  /** The household, by its micro-grid and address. */
  microgridCode: string;
  householdAddress: string;
}

export interface WorkerUpsert {
  idNumber: string;
  /**
   * The micro-grids served, all inside the importer's scope. Outside it, what the worker serves is
   * left as it is: an importer adds and removes only micro-grids they may write.
   */
  microgridCodes: string[];
  /** YYYY-MM-DD; null keeps a known worker's date and gives a new one today's. */
  since: string | null;
  /**
   * The worker's login account (an enabled microgrid_worker account, not another worker's); null
   * keeps the account already linked, if any. A worker linked to one account is not relinked to another.
   */
  username: string | null;
}

export interface PeopleUpsert {
  buildings: BuildingUpsert[];
  households: HouseholdUpsert[];
  residents: ResidentUpsert[];
  workers: WorkerUpsert[];
}

export type PeopleKind = keyof PeopleUpsert;

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export type PeopleUpsertResult = Record<PeopleKind, UpsertCounts>;

/** A row the command cannot apply; `index` is its 0-based position in its list. */
export interface PeopleUpsertProblem {
  kind: PeopleKind;
  index: number;
  field: string;
  problem: string;
  /** A stable code and its parameters, for problems a reader may see translated (transfer.problems.ts). */
  code?: string;
  params?: Record<string, string | number>;
}

/** The problems this command finds in rows, by code: the spreadsheet import shows the same ones. */
export const UPSERT_PROBLEMS = {
  idNumberElsewhere: () => ({ code: 'id_number_elsewhere', problem: 'this ID number is already registered elsewhere' }),
  noResident: () => ({ code: 'no_resident', problem: 'no resident registered in your area has this ID number' }),
  badWorkerAccount: (username: string) => ({
    code: 'bad_worker_account',
    problem: `${username} is not an enabled worker account`,
    params: { username },
  }),
  workerHasAccount: () => ({ code: 'worker_has_account', problem: 'this worker already has another account' }),
  accountTaken: () => ({ code: 'account_taken', problem: 'this account already belongs to another worker' }),
  microgridHasWorker: (code: string) => ({
    code: 'microgrid_has_worker',
    problem: `micro-grid ${code} already has another worker`,
    params: { code },
  }),
  /** `index`: the 0-based position of the worker's row that has it first. */
  microgridTwice: (code: string, index: number) => ({
    code: 'microgrid_twice',
    problem: `micro-grid ${code} is also given to the worker of workers row ${index + 1}`,
    params: { code, index },
  }),
};

/**
 * Inserts or updates a registry by natural keys, all in one transaction with one audit record
 * (counts only, nothing personal). Only rows whose values differ are written (version + 1);
 * personal data is sealed on the way in and compared in clear, since every sealing differs.
 * References that do not resolve (a household's building, a resident's household, a worker who is
 * not a registered resident) reject everything with `people.import_invalid` listing each row.
 */
export async function upsertPeople(platform: Platform, by: By, data: PeopleUpsert, source: string): Promise<PeopleUpsertResult> {
  const codes = microgridCodesOf(data);
  for (const code of codes) authorize(by.actor, 'people.write', code);
  const units = await lookupUnits(platform.database.db, [...codes]);
  const problems = [
    ...duplicateProblems(data),
    ...microgridProblems(data, (code) => units.get(code)?.level === 'microgrid'),
    ...lengthProblems(data),
    ...data.residents.flatMap((r, index) => residentProblems(r).map((p) => ({ kind: 'residents' as const, index, ...p }))),
  ];
  rejectIfAny(problems);
  // Stored as the HTTP API stores them: ID numbers and phones normalised, a blank birth date from the ID number.
  const residents = data.residents.map((r) => cleanResident(r));
  const at = platform.clock.now().toISOString();
  const today = businessDate(platform.clock.now(), platform.config.timeZone);

  return runAudited(platform, by, async (trx) => {
    const writer = new RegistryWriter(platform, by.actor, trx, at);
    const result: PeopleUpsertResult = {
      buildings: await writer.buildings(data.buildings),
      households: await writer.households(data.households, problems),
      residents: await writer.residents(residents, problems),
      workers: await writer.workers(data.workers, today, problems),
    };
    rejectIfAny(problems);
    return { result, audit: { action: 'people.upsert', objectType: 'resident', summary: { source, ...result } } };
  });
}

function microgridCodesOf(data: PeopleUpsert): Set<string> {
  return new Set([
    ...data.buildings.map((b) => b.microgridCode),
    ...data.households.map((h) => h.microgridCode),
    ...data.residents.map((r) => r.microgridCode),
    ...data.workers.flatMap((w) => w.microgridCodes),
  ]);
}

function microgridProblems(data: PeopleUpsert, isMicrogrid: (code: string) => boolean): PeopleUpsertProblem[] {
  const problems: PeopleUpsertProblem[] = [];
  const check = (kind: PeopleKind, index: number, code: string) => {
    if (!isMicrogrid(code)) problems.push({ kind, index, field: 'microgridCode', problem: `${code} is not a micro-grid` });
  };
  data.buildings.forEach((b, i) => check('buildings', i, b.microgridCode));
  data.households.forEach((h, i) => check('households', i, h.microgridCode));
  data.residents.forEach((r, i) => check('residents', i, r.microgridCode));
  data.workers.forEach((w, i) => w.microgridCodes.forEach((code) => check('workers', i, code)));
  return problems;
}

/** The lengths the HTTP API allows (people.validation.ts): a name of 1-40 characters, an address of 2-120. */
function lengthProblems(data: PeopleUpsert): PeopleUpsertProblem[] {
  const problems: PeopleUpsertProblem[] = [];
  const address = (kind: PeopleKind, index: number, field: string, value: string | null) => {
    if (value === null) return;
    const length = value.trim().length;
    if (length < ADDRESS_MIN_LENGTH || length > ADDRESS_MAX_LENGTH)
      problems.push({ kind, index, field, problem: `an address has ${ADDRESS_MIN_LENGTH} to ${ADDRESS_MAX_LENGTH} characters` });
  };
  data.buildings.forEach((b, i) => address('buildings', i, 'address', b.address));
  data.households.forEach((h, i) => {
    address('households', i, 'address', h.address);
    address('households', i, 'buildingAddress', h.buildingAddress);
  });
  data.residents.forEach((r, i) => {
    address('residents', i, 'householdAddress', r.householdAddress);
    if (r.name.trim().length > NAME_MAX_LENGTH)
      problems.push({ kind: 'residents', index: i, field: 'name', problem: `a name has at most ${NAME_MAX_LENGTH} characters` });
  });
  return problems;
}

function rejectIfAny(problems: PeopleUpsertProblem[]): void {
  if (problems.length > 0) {
    throw unprocessable('people.import_invalid', `${problems.length} problem(s) in the registry; nothing was imported.`, { problems });
  }
}

const keyOf = (microgridCode: string, address: string) => `${microgridCode}\u0000${address}`;

/** The same natural key twice in one upsert: the second row would silently overwrite the first. */
function duplicateProblems(data: PeopleUpsert): PeopleUpsertProblem[] {
  const problems: PeopleUpsertProblem[] = [];
  const check = <T>(kind: PeopleKind, rows: T[], field: string, key: (row: T) => string | null) => {
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const k = key(row);
      if (k === null) return;
      const first = seen.get(k);
      if (first === undefined) seen.set(k, index);
      else problems.push({ kind, index, field, problem: `the same as ${kind} row ${first + 1}` });
    });
  };
  check('buildings', data.buildings, 'address', (b) => keyOf(b.microgridCode, b.address));
  check('households', data.households, 'address', (h) => keyOf(h.microgridCode, h.address));
  check('residents', data.residents, 'idNumber', (r) => r.idNumber);
  check('residents', data.residents, 'name', (r) => (r.idNumber ? null : `${keyOf(r.microgridCode, r.householdAddress)}\u0000${r.name}`));
  check('workers', data.workers, 'idNumber', (w) => w.idNumber);
  return problems;
}

/** Writes one upsert inside its transaction, remembering the rows it read and wrote for the next kind. */
class RegistryWriter {
  private readonly buildingsByKey = new Map<string, Pick<BuildingTable, 'id' | 'kind' | 'lng' | 'lat' | 'version'>>();
  private readonly householdsByKey = new Map<string, Pick<HouseholdRow, 'id' | 'building_id' | 'version'>>();
  private readonly buildingsLoaded = new Set<string>();
  private readonly householdsLoaded = new Set<string>();
  /** Residents by the keyed hash of their ID number, as they stand after the residents step. */
  private readonly residentsByIndex = new Map<string, WorkerResident>();
  private readonly scope: string[];

  constructor(
    private readonly platform: Platform,
    private readonly actor: Actor,
    private readonly trx: Trx,
    private readonly at: string,
  ) {
    this.scope = scopePrefixes(actor.scope);
  }

  async buildings(rows: BuildingUpsert[]): Promise<UpsertCounts> {
    const counts = zero();
    await this.loadBuildings(rows.map((b) => b.microgridCode));
    const created: BuildingTable[] = [];
    for (const row of rows) {
      const key = keyOf(row.microgridCode, row.address);
      const before = this.buildingsByKey.get(key);
      const values = { kind: row.kind, lng: row.position[0], lat: row.position[1] };
      if (!before) {
        const id = ulid();
        created.push({ id, microgrid_code: row.microgridCode, address: row.address, ...values, ...this.stamp() });
        this.buildingsByKey.set(key, { id, ...values, version: 1 });
      } else if (before.kind !== values.kind || before.lng !== values.lng || before.lat !== values.lat) {
        await this.updated(updateBuildingRow(this.trx, before.id, before.version, { ...values, updated_at: this.at }));
        counts.updated += 1;
      } else counts.unchanged += 1;
    }
    await insertBuildings(this.trx, created);
    counts.created = created.length;
    return counts;
  }

  async households(rows: HouseholdUpsert[], problems: PeopleUpsertProblem[]): Promise<UpsertCounts> {
    const counts = zero();
    const codes = rows.map((h) => h.microgridCode);
    await this.loadBuildings(codes);
    await this.loadHouseholds(codes);
    const created: HouseholdRow[] = [];
    for (const [index, row] of rows.entries()) {
      const buildingId = row.buildingAddress ? this.buildingsByKey.get(keyOf(row.microgridCode, row.buildingAddress))?.id : null;
      if (buildingId === undefined) {
        problems.push({
          kind: 'households',
          index,
          field: 'buildingAddress',
          problem: `no building ${row.buildingAddress} in ${row.microgridCode}`,
        });
        continue;
      }
      const key = keyOf(row.microgridCode, row.address);
      const before = this.householdsByKey.get(key);
      if (!before) {
        const id = ulid();
        created.push({ id, building_id: buildingId, microgrid_code: row.microgridCode, address: row.address, ...this.stamp() });
        this.householdsByKey.set(key, { id, building_id: buildingId, version: 1 });
      } else if (before.building_id !== buildingId) {
        await this.updated(updateHouseholdRow(this.trx, before.id, before.version, { building_id: buildingId, updated_at: this.at }));
        counts.updated += 1;
      } else counts.unchanged += 1;
    }
    await insertHouseholds(this.trx, created);
    counts.created = created.length;
    return counts;
  }

  async residents(rows: ResidentUpsert[], problems: PeopleUpsertProblem[]): Promise<UpsertCounts> {
    const counts = zero();
    await this.loadHouseholds(rows.map((r) => r.microgridCode));
    const indexes = rows.map((r) => (r.idNumber ? indexOf(this.platform, 'id_number', r.idNumber) : null));
    const given = indexes.filter((i): i is string => i !== null);
    // Only residents the importer may write are matched; one registered elsewhere is not theirs to move or edit.
    const known = await findResidentsByIdNumberIndexes(this.trx, this.scope, given);
    const byIndex = new Map(known.map((r) => [r.id_number_index!, r]));
    const elsewhere = await registeredIdNumberIndexes(
      this.trx,
      given.filter((i) => !byIndex.has(i)),
    );
    const householdIds = rows.map((r) => this.householdsByKey.get(keyOf(r.microgridCode, r.householdAddress))?.id);
    const withoutId = new Map<string, ResidentRow[]>();
    for (const r of await residentsOfHouseholds(
      this.trx,
      householdIds.filter((id): id is string => id !== undefined),
    )) {
      if (r.id_number_index !== null) continue;
      const key = `${r.household_id}\u0000${r.name}`;
      withoutId.set(key, [...(withoutId.get(key) ?? []), r]);
    }
    const created: ResidentRow[] = [];
    for (const [index, row] of rows.entries()) {
      const householdId = householdIds[index];
      if (householdId === undefined) {
        problems.push({
          kind: 'residents',
          index,
          field: 'householdAddress',
          problem: `no household ${row.householdAddress} in ${row.microgridCode}`,
        });
        continue;
      }
      const idIndex = indexes[index];
      if (idIndex && elsewhere.has(idIndex)) {
        problems.push({ kind: 'residents', index, field: 'idNumber', ...UPSERT_PROBLEMS.idNumberElsewhere() });
        continue;
      }
      const before = idIndex ? byIndex.get(idIndex) : withoutId.get(`${householdId}\u0000${row.name}`)?.shift();
      const plain = {
        household_id: householdId,
        microgrid_code: row.microgridCode,
        name: row.name,
        gender: row.gender,
        birth_date: row.birthDate,
        tags: JSON.stringify(row.tags),
      };
      if (!before) {
        const id = ulid();
        created.push(newResidentRow(this.platform, { id, householdId, microgridCode: row.microgridCode }, row, this.at));
        if (idIndex) this.residentsByIndex.set(idIndex, { id, microgridCode: row.microgridCode });
        continue;
      }
      if (idIndex) this.residentsByIndex.set(idIndex, { id: before.id, microgridCode: row.microgridCode });
      const clear = openResident(this.platform, before);
      const personalChanged = clear.idNumber !== row.idNumber || clear.phone !== row.phone || clear.healthNotes !== row.healthNotes;
      const plainChanged = (Object.keys(plain) as (keyof typeof plain)[]).some((key) => before[key] !== plain[key]);
      if (!personalChanged && !plainChanged) {
        counts.unchanged += 1;
        continue;
      }
      const changes = { ...plain, ...(personalChanged ? sealResident(this.platform, row) : {}), updated_at: this.at };
      await this.updated(updateResidentRow(this.trx, before.id, before.version, changes));
      counts.updated += 1;
    }
    await insertResidents(this.trx, created);
    counts.created = created.length;
    return counts;
  }

  async workers(rows: WorkerUpsert[], today: string, problems: PeopleUpsertProblem[]): Promise<UpsertCounts> {
    const counts = zero();
    if (rows.length === 0) return counts;
    // One worker per micro-grid holds under races as in assignWorker: writers of workers take turns on PostgreSQL.
    await lockForTransaction(this.trx, this.platform.database.kind, 'people.worker_assignment');
    const indexes = rows.map((w) => indexOf(this.platform, 'id_number', normaliseIdNumber(w.idNumber)));
    const unknown = indexes.filter((i) => !this.residentsByIndex.has(i));
    for (const r of await findResidentsByIdNumberIndexes(this.trx, this.scope, unknown))
      this.residentsByIndex.set(r.id_number_index!, { id: r.id, microgridCode: r.microgrid_code });
    const checked = await checkWorkers(this.trx, this.actor, rows, (_, i) => this.residentsByIndex.get(indexes[i]));
    problems.push(...checked.problems);
    if (checked.problems.length > 0) return counts;
    // Every row passed, so every row has its plan.
    const plans = checked.plans as WorkerPlan[];
    // Micro-grids given up first, so that a micro-grid handed from one worker to another never has two.
    for (const plan of plans) for (const code of plan.remove) await stopServingMicrogrid(this.trx, plan.residentId, code);
    for (const [index, plan] of plans.entries()) {
      const { residentId, before, userId } = plan;
      const since = rows[index].since ?? before?.since ?? today;
      if (!before) {
        await insertWorkerRow(this.trx, { resident_id: residentId, user_id: userId, since, created_at: this.at });
        for (const code of plan.add) await serveMicrogrid(this.trx, residentId, code, since);
        if (userId) await followWorkerService(this.trx, userId, plan.microgrids);
        counts.created += 1;
        continue;
      }
      const servingChanged = plan.add.length + plan.remove.length > 0;
      if (!servingChanged && before.user_id === userId && before.since === since) {
        counts.unchanged += 1;
        continue;
      }
      for (const code of plan.add) await serveMicrogrid(this.trx, residentId, code, since);
      await this.updated(updateWorkerRow(this.trx, residentId, before.version, { user_id: userId, since, updated_at: this.at }));
      // The account's scope is exactly what its person serves (DOMAIN.md §2).
      if (userId && (servingChanged || before.user_id !== userId)) await followWorkerService(this.trx, userId, plan.microgrids);
      counts.updated += 1;
    }
    return counts;
  }

  private async loadBuildings(codes: string[]): Promise<void> {
    const fresh = [...new Set(codes)].filter((code) => !this.buildingsLoaded.has(code));
    for (const code of fresh) this.buildingsLoaded.add(code);
    for (const b of await findBuildingsInMicrogrids(this.trx, fresh)) this.buildingsByKey.set(keyOf(b.microgrid_code, b.address), b);
  }

  private async loadHouseholds(codes: string[]): Promise<void> {
    const fresh = [...new Set(codes)].filter((code) => !this.householdsLoaded.has(code));
    for (const code of fresh) this.householdsLoaded.add(code);
    for (const h of await findHouseholdsInMicrogrids(this.trx, fresh)) this.householdsByKey.set(keyOf(h.microgrid_code, h.address), h);
  }

  /** A row changed under us between reading and writing, inside this transaction: someone else won. */
  private async updated(write: Promise<boolean>): Promise<void> {
    if (!(await write)) throw conflict('request.stale_version', 'Someone else changed the registry during the import; run it again.');
  }

  private stamp() {
    return { created_at: this.at, updated_at: this.at, version: 1 };
  }
}

function zero(): UpsertCounts {
  return { created: 0, updated: 0, unchanged: 0 };
}

/** The resident a worker's row names: registered (or created by the same upsert), with their micro-grid. */
export interface WorkerResident {
  id: string;
  microgridCode: string;
}

/** What a valid worker's row changes: micro-grids given up and taken (inside the importer's scope only). */
export interface WorkerPlan {
  residentId: string;
  before: WorkerRow | undefined;
  /** The account linked after the row: the one given, or the one already linked. */
  userId: string | null;
  add: string[];
  remove: string[];
  /** Everything the worker serves afterwards, in and out of the importer's scope. */
  microgrids: string[];
}

/**
 * The registry's rules for workers' rows, as assignWorker keeps them for one: the person must be a
 * resident the importer may read; an account must be an enabled worker account, not another
 * worker's, and a worker already linked to an account keeps it; a micro-grid has one worker, so one
 * that another worker serves is refused unless that worker's own row in the same rows gives it up,
 * and no micro-grid goes to two rows. Only micro-grids the importer may write are added or removed.
 * `residentOf` gives the resident a row names (inside the importer's scope), or undefined. Run by
 * upsertPeople inside its transaction, and beforehand by the spreadsheet import for its report.
 */
export async function checkWorkers(
  trx: Trx,
  actor: Actor,
  rows: WorkerUpsert[],
  residentOf: (row: WorkerUpsert, index: number) => WorkerResident | undefined,
): Promise<{ problems: PeopleUpsertProblem[]; plans: (WorkerPlan | null)[] }> {
  const problems: PeopleUpsertProblem[] = [];
  const report = (index: number, field: string, problem: { code: string; problem: string; params?: Record<string, string | number> }) =>
    problems.push({ kind: 'workers', index, field, ...problem });
  const residents = rows.map((row, index) => {
    const resident = residentOf(row, index);
    return resident && can(actor, 'people.read', resident.microgridCode) ? resident : undefined;
  });
  const residentIds = residents.filter((r): r is WorkerResident => r !== undefined).map((r) => r.id);
  const existing = new Map((await findWorkersOfResidents(trx, residentIds)).map((w) => [w.resident_id, w]));
  const accounts = new Map<string, string>();
  for (const username of new Set(rows.map((w) => w.username).filter((u): u is string => !!u))) {
    const account = await findWorkerAccount(trx, username);
    if (account) accounts.set(username, account.id);
  }
  const linked = await workersOfUsers(trx, [...accounts.values()]);
  const served = (row: WorkerUpsert) => [...new Set(row.microgridCodes)].sort();
  // Who serves each micro-grid of the rows now, and which of them the rows themselves give up.
  const holders = await findServiceOfMicrogrids(
    trx,
    rows.flatMap((row) => row.microgridCodes),
  );
  const rowOfResident = new Map<string, number>();
  residents.forEach((r, index) => r && rowOfResident.set(r.id, index));
  const givesUp = (residentId: string, code: string) => {
    const index = rowOfResident.get(residentId);
    return index !== undefined && !rows[index].microgridCodes.includes(code);
  };
  const claimed = new Map<string, number>();
  const plans = rows.map((row, index): WorkerPlan | null => {
    const resident = residents[index];
    if (!resident) {
      report(index, 'idNumber', UPSERT_PROBLEMS.noResident());
      return null;
    }
    const before = existing.get(resident.id);
    let userId = before?.user_id ?? null;
    let fine = true;
    if (row.username) {
      const accountId = accounts.get(row.username);
      const holder = accountId === undefined ? undefined : linked.get(accountId);
      const problem =
        accountId === undefined
          ? UPSERT_PROBLEMS.badWorkerAccount(row.username)
          : before?.user_id && before.user_id !== accountId
            ? UPSERT_PROBLEMS.workerHasAccount()
            : holder !== undefined && holder !== resident.id
              ? UPSERT_PROBLEMS.accountTaken()
              : null;
      if (problem) {
        report(index, 'username', problem);
        fine = false;
      } else userId = accountId!;
    }
    const codes = served(row);
    for (const code of codes) {
      const first = claimed.get(code);
      if (first !== undefined) {
        report(index, 'microgridCode', UPSERT_PROBLEMS.microgridTwice(code, first));
        fine = false;
        continue;
      }
      claimed.set(code, index);
      const others = holders.filter((h) => h.microgrid_code === code && h.resident_id !== resident.id);
      if (others.some((h) => !givesUp(h.resident_id, code))) {
        report(index, 'microgridCode', UPSERT_PROBLEMS.microgridHasWorker(code));
        fine = false;
      }
    }
    if (!fine) return null;
    const current = before?.microgrids ?? [];
    const mine = (code: string) => can(actor, 'people.write', code);
    return {
      residentId: resident.id,
      before,
      userId,
      add: codes.filter((c) => !current.includes(c)),
      remove: current.filter((c) => mine(c) && !codes.includes(c)),
      microgrids: [...new Set([...current.filter((c) => !mine(c)), ...codes])].sort(),
    };
  });
  return { problems, plans };
}
