import { systemActor } from '../platform/authz/actor.ts';
import type { Platform } from '../platform/context.ts';
import { createUser } from '../modules/accounts/commands/createUser.ts';
import { createDistrict } from '../modules/org/commands/createDistrict.ts';
import { createUnit } from '../modules/org/commands/createUnit.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';

/**
 * The demo district's skeleton: Macun (410804) with its seven subdistricts (DOMAIN.md §9) and the
 * district departments cases are dispatched to. The registry issue grows this into the full
 * synthetic district; every name here is real, every person synthetic.
 */
export const DEMO_DISTRICT = { code: '410804', name: '马村区' };
const DEMO_SUBDISTRICTS = ['马村街道', '武王街道', '冯营街道', '九里山街道', '待王街道', '安阳城街道', '演马街道'];
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
  await createDistrict(platform, by, DEMO_DISTRICT.code, DEMO_DISTRICT.name);
  for (const [i, name] of DEMO_SUBDISTRICTS.entries()) {
    await createUnit(platform, by, { code: `${DEMO_DISTRICT.code}${String(i + 1).padStart(3, '0')}`, name });
  }
  for (const [i, name] of DEMO_DEPARTMENTS.entries()) {
    await createUnit(platform, by, { code: `${DEMO_DISTRICT.code}D${String(i + 1).padStart(2, '0')}`, name });
  }
  await createUser(platform, by, {
    username: 'admin',
    displayName: '区指挥中心管理员',
    password: platform.config.demoPassword,
    role: 'district_admin',
    scopeCode: DEMO_DISTRICT.code,
    microgrids: [],
  });
}
