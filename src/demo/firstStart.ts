import { systemActor } from '../platform/authz/actor.ts';
import { CATALOGUE_DEPARTMENTS } from '../modules/cases/cases.catalogue.ts';
import { installCaseDefaults } from '../modules/cases/commands/installCaseDefaults.ts';
import type { Platform } from '../platform/context.ts';
import { createUser } from '../modules/accounts/commands/createUser.ts';
import { createDistrict } from '../modules/org/commands/createDistrict.ts';
import { createUnit } from '../modules/org/commands/createUnit.ts';
import { importUnits } from '../modules/org/commands/importUnits.ts';
import { loadCareRoster } from './careRoster.ts';
import { loadDemoPeople } from './demoPeople.ts';
import { generateDemoGeography } from './geography.ts';
import { createDemoIssued, generateDemoPopulation, type DemoIssued } from './population.ts';
import { demoCity, type DemoDistrictSpec } from './city.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';

/**
 * The demo district: Macun (410804) with its seven subdistricts (DOMAIN.md §9), communities and
 * villages, 337 grids and 2,589 micro-grids with synthetic, seamless boundaries (geography.ts), and
 * the district departments cases are dispatched to; then its buildings, households, ~160,000
 * residents and 2,406 workers (population.ts), an account for every role (demoPeople.ts), and the
 * curtain pact's ~1,600 people under care with their plans and sensors (careRoster.ts).
 * Subdistrict names are real; every boundary and person is synthetic.
 */
export const DEMO_DISTRICT = { code: '410804', name: '马村区' };
/** The seed of the demo everyone sees; a different seed draws a different district. */
export const DEMO_SEED = 'wangge-demo';
/** The departments cases are dispatched to: every one the default case catalogue routes to. */
const DEMO_DEPARTMENTS = CATALOGUE_DEPARTMENTS;

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

export interface LoadDemoOptions {
  /** Districts side by side (city.ts); 1, the default, is the demo district alone. */
  scale?: number;
  /** False loads the org tree, departments and admin accounts only, no people: for fast tests of the city's geography. */
  people?: boolean;
  /** Told as each district is loaded, for the CLI's progress lines. */
  onDistrict?: (district: DemoDistrictSpec, index: number, seconds: number) => void;
}

/**
 * Loads the demo into an empty database: Macun, or with `scale` N a city of N districts (city.ts),
 * each with its own seed-derived geography and people. ID numbers and phones are unique city-wide.
 */
export async function loadDemo(platform: Platform, options: LoadDemoOptions = {}): Promise<void> {
  const issued = createDemoIssued();
  const districts = demoCity(options.scale ?? 1);
  for (const [index, district] of districts.entries()) {
    const started = performance.now();
    await loadDemoDistrict(platform, district, { besideOthers: index > 0, people: options.people ?? true, issued });
    options.onDistrict?.(district, index, (performance.now() - started) / 1000);
  }
}

async function loadDemoDistrict(
  platform: Platform,
  district: DemoDistrictSpec,
  { besideOthers, people, issued }: { besideOthers: boolean; people: boolean; issued: DemoIssued },
): Promise<void> {
  const by = { actor: systemActor('demo'), requestId: null };
  const { code, name, originLng, originLat } = district;
  const geography = generateDemoGeography({ seed: DEMO_SEED, districtCode: code, districtName: name, originLng, originLat });
  await createDistrict(platform, by, code, name, { besideOthers });
  // The district's own row brings its outline; the import checks every level for seamless coverage.
  const rows = geography.units.map((unit) => ({ code: unit.code, name: unit.name, geometry: unit.geometry }));
  await importUnits(platform, by, rows, 'demo');
  const departments = DEMO_DEPARTMENTS.map((department, i) => ({ code: `${code}D${String(i + 1).padStart(2, '0')}`, name: department }));
  for (const department of departments) await createUnit(platform, by, department);
  await installCaseDefaults(platform, by, code);
  if (people) {
    const population = generateDemoPopulation(geography, { seed: DEMO_SEED, issued });
    await loadDemoPeople(platform, by, geography, population, departments, district.accountSuffix);
    await loadCareRoster(platform, by, population, issued);
  }
  await createUser(platform, by, {
    username: `admin${district.accountSuffix}`,
    displayName: besideOthers ? `${name}指挥中心管理员` : '区指挥中心管理员',
    password: platform.config.demoPassword,
    role: 'district_admin',
    scopeCode: code,
    microgrids: [],
  });
}
