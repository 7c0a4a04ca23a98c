import { systemActor } from '../../src/platform/authz/actor.ts';
import type { Platform } from '../../src/platform/context.ts';
import { importPeople } from '../../src/modules/people/commands/importPeople.ts';
import { residentIdNumber } from './factories.ts';

/**
 * A building of people living alone, one household each (`<address>101室`, `102室`...), placed at
 * `position` (WGS-84 lng, lat): what the worker walks to, ticks off together ("all seen") and
 * navigates to. `n` keeps ID numbers and phones apart from other factories' (use 20 and up).
 */
export async function makeBuildingOfElders(
  platform: Platform,
  input: { id: string; microgridCode: string; address: string; position: [number, number]; names: string[]; n: number },
): Promise<{ buildingId: string; residentIds: string[] }> {
  const households = input.names.map((_, i) => ({
    id: `${input.id}-h${i + 1}`,
    buildingId: input.id,
    microgridCode: input.microgridCode,
    address: `${input.address}${101 + i}室`,
  }));
  const residents = input.names.map((name, i) => ({
    id: `${input.id}-r${i + 1}`,
    householdId: households[i].id,
    microgridCode: input.microgridCode,
    name,
    gender: 'female' as const,
    birthDate: '1941-02-03',
    idNumber: residentIdNumber('19410203', input.n + i, 'female'),
    phone: `1370392${String(input.n + i).padStart(4, '0')}`,
    healthNotes: null,
    tags: ['living_alone' as const, 'elderly' as const],
  }));
  await importPeople(
    platform,
    { actor: systemActor('test'), requestId: null },
    {
      buildings: [
        { id: input.id, microgridCode: input.microgridCode, address: input.address, kind: 'apartment', position: input.position },
      ],
      households,
      residents,
      workers: [],
    },
    'test',
  );
  return { buildingId: input.id, residentIds: residents.map((r) => r.id) };
}
