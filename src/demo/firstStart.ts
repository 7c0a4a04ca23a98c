import { systemActor } from '../platform/authz/actor.ts';
import type { Platform } from '../platform/context.ts';
import { createUser } from '../modules/accounts/commands/createUser.ts';
import { createDistrict } from '../modules/org/commands/createDistrict.ts';
import { createUnit } from '../modules/org/commands/createUnit.ts';
import { importUnits } from '../modules/org/commands/importUnits.ts';
import { loadDemoPeople } from './demoPeople.ts';
import { generateDemoGeography } from './geography.ts';
import { generateDemoPopulation } from './population.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';

/**
 * The demo district: Macun (410804) with its seven subdistricts (DOMAIN.md §9), communities and
 * villages, 337 grids and 2,589 micro-grids with synthetic, seamless boundaries (geography.ts), and
 * the district departments cases are dispatched to; then its buildings, households, ~160,000
 * residents and 2,406 workers (population.ts) and an account for every role (demoPeople.ts).
 * Subdistrict names are real; every boundary and person is synthetic.
 */
export const DEMO_DISTRICT = { code: '410804', name: '马村区' };
/** The seed of the demo everyone sees; a different seed draws a different district. */
export const DEMO_SEED = 'wangge-demo';
const DEMO_DEPARTMENTS = ['住房和城乡建设局', '城市管理局', '民政局', '人力资源和社会保障局', '供水公司'];

export interface FirstStartResult {
  loaded: boolean;
  reason?: string;
}

/**
 * On the first start of an empty embedded database, with the demo allowed, load the demo and
 * create the district admin `admin` with DEMO_PASSWORD. With PostgreSQL or WANGGE_DEMO=0 nothing
 * is defaulted: `wangge init` sets the district up.
 */
export async function loadDemoOnFirstStart(platform: Platform): Promise<FirstStartResult> {
  const { config, database } = platform;
  if (database.kind !== 'sqlite') return { loaded: false, reason: 'PostgreSQL: run `wangge init`' };
  if (!config.demoAllowed) return { loaded: false, reason: 'WANGGE_DEMO=0: run `wangge init`' };
  if (await installedDistrict(database.db)) return { loaded: false, reason: 'already set up' };
  await loadDemo(platform);
  return { loaded: true };
}

export async function loadDemo(platform: Platform): Promise<void> {
  const by = { actor: systemActor('demo'), requestId: null };
  const geography = generateDemoGeography({ seed: DEMO_SEED, districtCode: DEMO_DISTRICT.code, districtName: DEMO_DISTRICT.name });
  await createDistrict(platform, by, DEMO_DISTRICT.code, DEMO_DISTRICT.name);
  // The district's own row brings its outline; the import checks every level for seamless coverage.
  const rows = geography.units.map((unit) => ({ code: unit.code, name: unit.name, geometry: unit.geometry }));
  await importUnits(platform, by, rows, 'demo');
  const departments = DEMO_DEPARTMENTS.map((name, i) => ({ code: `${DEMO_DISTRICT.code}D${String(i + 1).padStart(2, '0')}`, name }));
  for (const department of departments) await createUnit(platform, by, department);
  await loadDemoPeople(platform, by, geography, generateDemoPopulation(geography, { seed: DEMO_SEED }), departments);
  await createUser(platform, by, {
    username: 'admin',
    displayName: '区指挥中心管理员',
    password: platform.config.demoPassword,
    role: 'district_admin',
    scopeCode: DEMO_DISTRICT.code,
    microgrids: [],
  });
}
