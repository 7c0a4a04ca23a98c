import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { authorize, can } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { maskIdNumber, maskName, maskPhone } from '../../platform/pii/pii.mask.ts';
import { getVisibleUnit } from '../org/org.queries.ts';
import { checkWorkers, type PeopleUpsertProblem, type WorkerResident, type WorkerUpsert } from './commands/upsertPeople.ts';
import { indexOf, openResident } from './people.personalData.ts';
import { normaliseIdNumber } from './people.validation.ts';
import {
  findBuildingsInMicrogrids,
  findHouseholdsInMicrogrids,
  findResidentsById,
  findResidentsByIdNumberIndexes,
  listBuildingsUnder,
  listHouseholdsUnder,
  listResidentsUnder,
  listWorkersServingUnder,
  registeredIdNumberIndexes,
} from './people.repository.ts';
import type { BuildingTable, ResidentTag } from './people.tables.ts';

/**
 * The read side of the registry in bulk, by natural keys rather than ids: what the spreadsheet
 * import needs to resolve references, and what the export writes. Kept apart from people.queries.ts,
 * which serves the screens one page at a time.
 */

const keyOf = (microgridCode: string, address: string) => `${microgridCode}\u0000${address}`;

export interface RegistryKeys {
  /** `(micro-grid, address)` keys of the buildings and households already registered. */
  hasBuilding(microgridCode: string, address: string): boolean;
  hasHousehold(microgridCode: string, address: string): boolean;
  /** ID numbers (normalised) registered to someone inside the actor's scope. */
  hasIdNumber(idNumber: string): boolean;
  /** ID numbers registered to someone outside the actor's scope: who and where is not the actor's to know. */
  isIdNumberElsewhere(idNumber: string): boolean;
}

/**
 * Which buildings and households of these micro-grids (the importer has already been authorised for
 * them), and which of these ID numbers, the registry already holds: inside the actor's scope, or
 * only whether they are registered somewhere else.
 */
export async function registryKeys(platform: Platform, actor: Actor, microgridCodes: string[], idNumbers: string[]): Promise<RegistryKeys> {
  const { db } = platform.database;
  const buildings = new Set((await findBuildingsInMicrogrids(db, microgridCodes)).map((b) => keyOf(b.microgrid_code, b.address)));
  const households = new Set((await findHouseholdsInMicrogrids(db, microgridCodes)).map((h) => keyOf(h.microgrid_code, h.address)));
  const indexes = new Map(idNumbers.map((n) => [indexOf(platform, 'id_number', n), n]));
  const inScope = await findResidentsByIdNumberIndexes(db, scopePrefixes(actor.scope), [...indexes.keys()]);
  const known = new Set(inScope.map((r) => indexes.get(r.id_number_index!)!));
  const others = await registeredIdNumberIndexes(
    db,
    [...indexes.keys()].filter((i) => !known.has(indexes.get(i)!)),
  );
  const elsewhere = new Set([...others].map((i) => indexes.get(i)!));
  return {
    hasBuilding: (code, address) => buildings.has(keyOf(code, address)),
    hasHousehold: (code, address) => households.has(keyOf(code, address)),
    hasIdNumber: (idNumber) => known.has(idNumber),
    isIdNumberElsewhere: (idNumber) => elsewhere.has(idNumber),
  };
}

/**
 * The workers' rows checked against the registry as upsertPeople will check them (checkWorkers),
 * before anything is written: `fileResidents` are the residents of the same file by ID number, with
 * their micro-grid; those not yet registered count as new people, who serve nothing yet.
 */
export async function workerRowProblems(
  platform: Platform,
  actor: Actor,
  rows: WorkerUpsert[],
  fileResidents: Map<string, string>,
): Promise<PeopleUpsertProblem[]> {
  const indexes = rows.map((w) => indexOf(platform, 'id_number', normaliseIdNumber(w.idNumber)));
  return platform.database.db.transaction().execute(async (trx) => {
    const registered = new Map(
      (await findResidentsByIdNumberIndexes(trx, scopePrefixes(actor.scope), indexes)).map((r): [string, WorkerResident] => [
        r.id_number_index!,
        { id: r.id, microgridCode: r.microgrid_code },
      ]),
    );
    const residentOf = (row: WorkerUpsert, index: number): WorkerResident | undefined => {
      const known = registered.get(indexes[index]);
      if (known) return known;
      const microgridCode = fileResidents.get(row.idNumber);
      return microgridCode === undefined ? undefined : { id: `new:${row.idNumber}`, microgridCode };
    };
    return (await checkWorkers(trx, actor, rows, residentOf)).problems;
  });
}

export interface RegistrySnapshot {
  buildings: { microgridCode: string; address: string; kind: BuildingTable['kind']; lng: number; lat: number }[];
  households: { microgridCode: string; address: string; buildingAddress: string | null }[];
  residents: {
    householdAddress: string;
    microgridCode: string;
    name: string;
    gender: 'male' | 'female';
    /** YYYY-MM-DD in clear; the year alone when masked. */
    birthDate: string | null;
    idNumber: string | null;
    phone: string | null;
    tags: ResidentTag[];
    healthNotes: string | null;
  }[];
  workers: { idNumber: string | null; microgridCodes: string[]; since: string; userId: string | null }[];
  /** Workers serving here who live outside the actor's scope: left out, since who they are is not the actor's to see. */
  workersElsewhere: number;
}

/** What a masked export shows for health notes that exist: that there are some, not what they say. */
export const MASKED_NOTES = '***';

/**
 * Everything registered under a unit inside the actor's scope, natural keys instead of ids.
 * Personal data is masked (`张*明`, `410804********1234`, `138****5678`) unless `clear` is asked for,
 * which needs the reveal permission for every field over the whole unit; the caller audits it.
 */
export async function registryUnder(platform: Platform, actor: Actor, unitCode: string, clear: boolean): Promise<RegistrySnapshot> {
  const { db } = platform.database;
  await getVisibleUnit(db, actor, unitCode);
  authorize(actor, 'people.read', unitCode);
  if (clear) authorize(actor, 'people.reveal', { microgridCode: unitCode, fields: ['idNumber', 'phone', 'healthNotes'] });
  const scope = scopePrefixes(actor.scope);
  const buildings = await listBuildingsUnder(db, scope, unitCode);
  const households = await listHouseholdsUnder(db, scope, unitCode);
  const residents = await listResidentsUnder(db, scope, unitCode);
  // Each worker with the micro-grids they serve inside the scope only: a foreign code would not import back.
  const workers = await listWorkersServingUnder(db, scope, unitCode);

  const buildingAddress = new Map(buildings.map((b) => [b.id, b.address]));
  const missingBuildings = households.filter((h) => h.building_id && !buildingAddress.has(h.building_id));
  if (missingBuildings.length > 0) {
    for (const b of await findBuildingsInMicrogrids(
      db,
      missingBuildings.map((h) => h.microgrid_code),
    ))
      buildingAddress.set(b.id, b.address);
  }
  const householdAddress = new Map(households.map((h) => [h.id, h.address]));
  const show = personalDataShown(platform, clear);
  const workerResidents = new Map(
    (
      await findResidentsById(
        db,
        workers.map((w) => w.resident_id),
      )
    )
      .filter((r) => can(actor, 'people.read', r.microgrid_code))
      .map((r) => [r.id, r]),
  );
  const shown = workers.filter((w) => workerResidents.has(w.resident_id));
  return {
    buildings: buildings.map((b) => ({ microgridCode: b.microgrid_code, address: b.address, kind: b.kind, lng: b.lng, lat: b.lat })),
    households: households.map((h) => ({
      microgridCode: h.microgrid_code,
      address: h.address,
      buildingAddress: h.building_id ? (buildingAddress.get(h.building_id) ?? null) : null,
    })),
    residents: residents.map((r) => {
      const personal = show(r);
      return {
        householdAddress: householdAddress.get(r.household_id) ?? '',
        microgridCode: r.microgrid_code,
        name: clear ? r.name : maskName(r.name),
        gender: r.gender,
        birthDate: clear ? r.birth_date : (r.birth_date?.slice(0, 4) ?? null),
        tags: JSON.parse(r.tags) as ResidentTag[],
        ...personal,
      };
    }),
    workers: shown.map((worker) => ({
      idNumber: show(workerResidents.get(worker.resident_id)!).idNumber,
      microgridCodes: worker.microgrids,
      since: worker.since,
      userId: worker.user_id,
    })),
    workersElsewhere: workers.length - shown.length,
  };
}

function personalDataShown(platform: Platform, clear: boolean) {
  return (row: Parameters<typeof openResident>[1]) => {
    const open = openResident(platform, row);
    if (clear) return open;
    return {
      idNumber: open.idNumber && maskIdNumber(open.idNumber),
      phone: open.phone && maskPhone(open.phone),
      healthNotes: open.healthNotes && MASKED_NOTES,
    };
  };
}
