import type { By } from '../platform/command.ts';
import type { Platform } from '../platform/context.ts';
import { provisionAccounts, type AccountToProvision } from '../modules/accounts/commands/provisionAccounts.ts';
import { importPeople } from '../modules/people/commands/importPeople.ts';
import type { DemoGeography } from './geography.ts';
import type { DemoPopulation } from './population.ts';

/**
 * The demo's people and staff: every building, household and resident, the 2,406 workers, and an
 * account for every role (DOMAIN.md §2), all sharing DEMO_PASSWORD: `subdistrict-<code>`,
 * `community-<code>`, `staff-<grid code>`, `worker-<first micro-grid code>`, `dept-<code>`, `leader`,
 * `liaison` and `projects` (suffixed `-<district code>` after the first district of a demo city).
 */
export async function loadDemoPeople(
  platform: Platform,
  by: By,
  geography: DemoGeography,
  population: DemoPopulation,
  departments: { code: string; name: string }[],
  /** Appended to `leader`, `liaison` and `projects` for the second and later districts of a demo city. */
  accountSuffix = '',
): Promise<void> {
  const units = geography.units;
  const names = new Map(population.residents.map((r) => [r.id, r.name]));
  const district = units[0].code;
  const office = (prefix: string, role: AccountToProvision['role'], level: string, title: string) =>
    units
      .filter((u) => u.level === level)
      .map((u): AccountToProvision => ({
        username: `${prefix}-${u.code}`,
        displayName: `${u.name}${title}`,
        role,
        scopeCode: u.code,
        microgrids: [],
      }));
  const accounts: AccountToProvision[] = [
    { username: `leader${accountSuffix}`, displayName: '区领导', role: 'leader', scopeCode: district, microgrids: [] },
    { username: `liaison${accountSuffix}`, displayName: '包联干部', role: 'enterprise_liaison', scopeCode: district, microgrids: [] },
    { username: `projects${accountSuffix}`, displayName: '发改委项目专员', role: 'project_officer', scopeCode: district, microgrids: [] },
    ...office('subdistrict', 'subdistrict_admin', 'subdistrict', '管理员'),
    ...office('community', 'community_admin', 'community', '两委'),
    ...office('staff', 'grid_staff', 'grid', '专职网格员'),
    ...departments.map((d): AccountToProvision => ({
      username: `dept-${d.code}`,
      displayName: d.name,
      role: 'department_staff',
      scopeCode: d.code,
      microgrids: [],
    })),
    ...population.workers.map((w): AccountToProvision => ({
      username: `worker-${w.microgridCodes[0]}`,
      displayName: names.get(w.residentId) ?? '微网格员',
      role: 'microgrid_worker',
      scopeCode: null,
      microgrids: w.microgridCodes,
    })),
  ];
  const created = await provisionAccounts(platform, by, platform.config.demoPassword, accounts);
  const userOf = new Map(created.map((user) => [user.username, user.id]));

  const firstAddress = new Map<string, string>();
  for (const household of population.households)
    if (!firstAddress.has(household.buildingId)) firstAddress.set(household.buildingId, household.address);
  await importPeople(
    platform,
    by,
    {
      buildings: geography.buildings.map((b) => ({
        id: b.id,
        microgridCode: b.microgridCode,
        address: buildingAddress(b.kind, firstAddress.get(b.id) ?? b.id),
        kind: b.kind,
        position: b.position,
      })),
      households: population.households.map((h) => ({
        id: h.id,
        buildingId: h.buildingId,
        microgridCode: h.microgridCode,
        address: h.address,
      })),
      residents: population.residents,
      workers: population.workers.map((w) => ({ ...w, userId: userOf.get(`worker-${w.microgridCodes[0]}`) ?? null })),
    },
    'demo',
  );
}

/** A courtyard's address is its household's; a stairway's is its flats' without the flat number. */
function buildingAddress(kind: 'apartment' | 'courtyard', householdAddress: string): string {
  return kind === 'apartment' ? householdAddress.replace(/ \d+$/, '') : householdAddress;
}
