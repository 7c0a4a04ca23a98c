import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { maskIdNumber, maskName, maskPhone } from '../../platform/pii/pii.mask.ts';
import { getVisibleUnit } from '../org/org.queries.ts';
import { indexOf, openResident } from './people.personalData.ts';
import {
  findBuildingsInMicrogrids,
  findHouseholdsInMicrogrids,
  findResidentsById,
  findResidentsByIdNumberIndexes,
  listBuildingsUnder,
  listHouseholdsUnder,
  listResidentsUnder,
  listWorkersServing,
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
  /** ID numbers (normalised) already registered to someone. */
  hasIdNumber(idNumber: string): boolean;
}

/**
 * Which buildings and households of these micro-grids, and which of these ID numbers, the registry
 * already holds. Regardless of scope: the importer has already been authorised for the codes.
 */
export async function registryKeys(platform: Platform, microgridCodes: string[], idNumbers: string[]): Promise<RegistryKeys> {
  const { db } = platform.database;
  const buildings = new Set((await findBuildingsInMicrogrids(db, microgridCodes)).map((b) => keyOf(b.microgrid_code, b.address)));
  const households = new Set((await findHouseholdsInMicrogrids(db, microgridCodes)).map((h) => keyOf(h.microgrid_code, h.address)));
  const indexes = new Map(idNumbers.map((n) => [indexOf(platform, 'id_number', n), n]));
  const known = new Set((await findResidentsByIdNumberIndexes(db, [...indexes.keys()])).map((r) => indexes.get(r.id_number_index!)!));
  return {
    hasBuilding: (code, address) => buildings.has(keyOf(code, address)),
    hasHousehold: (code, address) => households.has(keyOf(code, address)),
    hasIdNumber: (idNumber) => known.has(idNumber),
  };
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
  const workers = await listWorkersServing(db, scope, unitCode);

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
        workers.map((w) => w.worker.resident_id),
      )
    ).map((r) => [r.id, r]),
  );
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
    workers: workers.map(({ worker }) => {
      const resident = workerResidents.get(worker.resident_id);
      return {
        idNumber: resident ? show(resident).idNumber : null,
        microgridCodes: worker.microgrids,
        since: worker.since,
        userId: worker.user_id,
      };
    }),
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
