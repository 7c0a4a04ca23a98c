import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { newResidentRow } from '../people.personalData.ts';
import { insertBuildings, insertHouseholds, insertResidents, insertWorkers } from '../people.repository.ts';
import type { BuildingTable } from '../people.tables.ts';
import type { NewResident } from '../people.personalData.ts';

export interface PeopleImport {
  buildings: { id: string; microgridCode: string; address: string; kind: BuildingTable['kind']; position: [number, number] }[];
  households: { id: string; buildingId: string | null; microgridCode: string; address: string }[];
  residents: (NewResident & { id: string; householdId: string; microgridCode: string })[];
  workers: { residentId: string; userId: string | null; microgridCodes: string[]; since: string }[];
}

/**
 * Loads a registry in one transaction: buildings, households, residents (personal data sealed on
 * the way in) and workers with the micro-grids they serve. Used for the demo district and by the
 * spreadsheet import; one audit record with the counts, nothing personal.
 */
export async function importPeople(platform: Platform, by: By, data: PeopleImport, source: string): Promise<void> {
  for (const code of new Set(data.households.map((h) => h.microgridCode))) authorize(by.actor, 'people.write', code);
  const at = platform.clock.now().toISOString();
  const stamp = { created_at: at, updated_at: at, version: 1 };
  const buildings = data.buildings.map((b) => ({
    id: b.id,
    microgrid_code: b.microgridCode,
    address: b.address,
    kind: b.kind,
    lng: b.position[0],
    lat: b.position[1],
    ...stamp,
  }));
  const households = data.households.map((h) => ({
    id: h.id,
    building_id: h.buildingId,
    microgrid_code: h.microgridCode,
    address: h.address,
    ...stamp,
  }));
  const residents = data.residents.map((r) => newResidentRow(platform, r, r, at));
  await runAudited(platform, by, async (trx) => {
    await insertBuildings(trx, buildings);
    await insertHouseholds(trx, households);
    await insertResidents(trx, residents);
    await insertWorkers(trx, data.workers, stamp);
    const counts = {
      buildings: buildings.length,
      households: households.length,
      residents: residents.length,
      workers: data.workers.length,
    };
    return { result: undefined, audit: { action: 'people.import', objectType: 'resident', summary: { source, ...counts } } };
  });
}
