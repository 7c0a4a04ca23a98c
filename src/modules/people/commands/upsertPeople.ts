import { monotonicFactory } from 'ulid';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, unprocessable } from '../../../platform/http/errors.ts';
import { followWorkerService } from '../../accounts/commands/followWorkerService.ts';
import { lookupUnits } from '../../org/org.queries.ts';
import { indexOf, newResidentRow, openResident, sealResident } from '../people.personalData.ts';
import {
  findBuildingsInMicrogrids,
  findHouseholdsInMicrogrids,
  findResidentsByIdNumberIndexes,
  findResidentsOfHouseholds,
  findWorkersOfResidents,
  insertBuildings,
  insertHouseholds,
  insertResidents,
  insertWorkerRow,
  serveMicrogrid,
  stopServingMicrogrid,
  updateBuildingRow,
  updateHouseholdRow,
  updateResidentRow,
  updateWorkerRow,
  workersOfUsers,
  type HouseholdRow,
  type ResidentRow,
} from '../people.repository.ts';
import type { BuildingTable } from '../people.tables.ts';
import { residentProblems } from '../people.validation.ts';
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
  microgridCodes: string[];
  /** YYYY-MM-DD; null keeps a known worker's date and gives a new one today's. */
  since: string | null;
  /** The worker's account, when one exists. */
  userId: string | null;
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
}

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
    ...data.residents.flatMap((r, index) => residentProblems(r).map((p) => ({ kind: 'residents' as const, index, ...p }))),
  ];
  rejectIfAny(problems);
  const at = platform.clock.now().toISOString();
  const today = businessDate(platform);

  return runAudited(platform, by, async (trx) => {
    const writer = new RegistryWriter(platform, trx, at);
    const result: PeopleUpsertResult = {
      buildings: await writer.buildings(data.buildings),
      households: await writer.households(data.households, problems),
      residents: await writer.residents(data.residents, problems),
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

function rejectIfAny(problems: PeopleUpsertProblem[]): void {
  if (problems.length > 0) {
    throw unprocessable('people.import_invalid', `${problems.length} problem(s) in the registry; nothing was imported.`, { problems });
  }
}

/** YYYY-MM-DD in the district's zone: the day a worker without a start date started. */
function businessDate(platform: Platform): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: platform.config.timeZone }).format(platform.clock.now());
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
  private readonly residentIdsByIndex = new Map<string, string>();

  constructor(
    private readonly platform: Platform,
    private readonly trx: Trx,
    private readonly at: string,
  ) {}

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
    const known = await findResidentsByIdNumberIndexes(
      this.trx,
      indexes.filter((i): i is string => i !== null),
    );
    const byIndex = new Map(known.map((r) => [r.id_number_index!, r]));
    const householdIds = rows.map((r) => this.householdsByKey.get(keyOf(r.microgridCode, r.householdAddress))?.id);
    const withoutId = new Map<string, ResidentRow[]>();
    for (const r of await findResidentsOfHouseholds(
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
        if (idIndex) this.residentIdsByIndex.set(idIndex, id);
        continue;
      }
      if (idIndex) this.residentIdsByIndex.set(idIndex, before.id);
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
    const indexes = rows.map((w) => indexOf(this.platform, 'id_number', w.idNumber));
    const unknown = indexes.filter((i) => !this.residentIdsByIndex.has(i));
    for (const r of await findResidentsByIdNumberIndexes(this.trx, unknown)) this.residentIdsByIndex.set(r.id_number_index!, r.id);
    const residentIds = indexes.map((i) => this.residentIdsByIndex.get(i));
    const existing = new Map(
      (
        await findWorkersOfResidents(
          this.trx,
          residentIds.filter((id): id is string => id !== undefined),
        )
      ).map((w) => [w.resident_id, w]),
    );
    const linked = await workersOfUsers(
      this.trx,
      rows.map((w) => w.userId).filter((id): id is string => id !== null),
    );
    for (const [index, row] of rows.entries()) {
      const residentId = residentIds[index];
      if (residentId === undefined) {
        problems.push({ kind: 'workers', index, field: 'idNumber', problem: 'no registered resident has this ID number' });
        continue;
      }
      if (row.userId && linked.has(row.userId) && linked.get(row.userId) !== residentId) {
        problems.push({ kind: 'workers', index, field: 'userId', problem: 'this account already belongs to another worker' });
        continue;
      }
      const before = existing.get(residentId);
      const since = row.since ?? before?.since ?? today;
      const served = [...new Set(row.microgridCodes)].sort();
      if (!before) {
        await insertWorkerRow(this.trx, { resident_id: residentId, user_id: row.userId, since, created_at: this.at });
        for (const code of served) await serveMicrogrid(this.trx, residentId, code, since);
        if (row.userId) await followWorkerService(this.trx, row.userId, served);
        counts.created += 1;
        continue;
      }
      const current = [...before.microgrids].sort();
      if (served.join() === current.join() && before.user_id === row.userId && before.since === since) {
        counts.unchanged += 1;
        continue;
      }
      for (const code of served.filter((c) => !current.includes(c))) await serveMicrogrid(this.trx, residentId, code, since);
      for (const code of current.filter((c) => !served.includes(c))) await stopServingMicrogrid(this.trx, residentId, code);
      await this.updated(updateWorkerRow(this.trx, residentId, before.version, { user_id: row.userId, since, updated_at: this.at }));
      // The account's scope is exactly what its person serves (DOMAIN.md §2).
      if (row.userId) await followWorkerService(this.trx, row.userId, served);
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
