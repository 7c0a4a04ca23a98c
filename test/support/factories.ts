import { systemActor } from '../../src/platform/authz/actor.ts';
import type { Role } from '../../src/platform/authz/roles.ts';
import type { Platform } from '../../src/platform/context.ts';
import { createApiKey } from '../../src/modules/accounts/commands/apiKeys.ts';
import { createUser } from '../../src/modules/accounts/commands/createUser.ts';
import { createDistrict } from '../../src/modules/org/commands/createDistrict.ts';
import { createUnit } from '../../src/modules/org/commands/createUnit.ts';
import { registerHousehold } from '../../src/modules/people/commands/registerHousehold.ts';
import { idCheckCharacter } from '../../src/modules/people/people.validation.ts';

/** Test data is built through the real commands, so every factory row is also audited. */
const bySystem = () => ({ actor: systemActor('test'), requestId: null });
export const PASSWORD = 'correct-horse-9';

let counter = 0;

export async function makeUser(
  platform: Platform,
  fields: { role: Role; scopeCode?: string | null; microgrids?: string[]; username?: string; password?: string },
) {
  counter += 1;
  return createUser(platform, bySystem(), {
    username: fields.username ?? `${fields.role.replace(/_/g, '-')}-${counter}`,
    displayName: `测试${counter}`,
    password: fields.password ?? PASSWORD,
    role: fields.role,
    scopeCode: fields.scopeCode ?? null,
    microgrids: fields.microgrids ?? [],
  });
}

export function makeUnit(platform: Platform, code: string, name = `单位${code}`) {
  return createUnit(platform, bySystem(), { code, name });
}

export function makeApiKey(platform: Platform, scopeCode: string, purpose: 'integration' | 'device' | 'open311' = 'integration') {
  return createApiKey(platform, bySystem(), { name: `key for ${scopeCode}`, purpose, scopeCode });
}

/**
 * A valid ID number of someone born on `birth` (YYYYMMDD) in 马村区, told apart by `number` (1-499): the
 * sequence's last digit is odd for a man and even for a woman, as on a real card.
 */
export function residentIdNumber(birth: string, number: number, gender: 'male' | 'female'): string {
  const first17 = `410804${birth}${String(number * 2 + (gender === 'male' ? 1 : 0)).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}

/**
 * A household of two in a micro-grid: an elderly woman living with her son, with full personal
 * data. `number` (1-499) makes their ID numbers and phones unique.
 */
export function makeHousehold(platform: Platform, microgridCode: string, number: number) {
  const n = String(number).padStart(4, '0');
  return registerHousehold(platform, bySystem(), {
    microgridCode,
    address: `幸福路${number}号`,
    members: [
      {
        name: '张桂兰',
        gender: 'female',
        birthDate: '1948-03-12',
        idNumber: residentIdNumber('19480312', number, 'female'),
        phone: `1390391${n}`,
        healthNotes: '高血压，需定期服药',
        tags: ['elderly'],
      },
      {
        name: '李建国',
        gender: 'male',
        birthDate: '1975-07-01',
        idNumber: residentIdNumber('19750701', number, 'male'),
        phone: `1380391${n}`,
        healthNotes: null,
        tags: ['party_member'],
      },
    ],
  });
}

/**
 * A small district with a "home" and a "foreign" subdistrict, for scope tests:
 *
 * 410804 district ─┬─ 410804001 home subdistrict ── 410804001001 community ── …001001 grid ── …00101 micro-grid
 *                  ├─ 410804002 foreign subdistrict ── 410804002001 community
 *                  └─ 410804D01, 410804D02 departments
 */
export async function makeWorld(platform: Platform) {
  const codes = {
    district: '410804',
    home: '410804001',
    homeCommunity: '410804001001',
    homeGrid: '410804001001001',
    homeMicrogrid: '41080400100100101',
    foreign: '410804002',
    foreignCommunity: '410804002001',
    foreignGrid: '410804002001001',
    foreignMicrogrid: '41080400200100101',
    department: '410804D01',
    otherDepartment: '410804D02',
  };
  await createDistrict(platform, bySystem(), codes.district, '马村区');
  for (const code of [
    codes.home,
    codes.foreign,
    codes.homeCommunity,
    codes.foreignCommunity,
    codes.homeGrid,
    codes.foreignGrid,
    codes.homeMicrogrid,
    codes.foreignMicrogrid,
    codes.department,
    codes.otherDepartment,
  ]) {
    await makeUnit(platform, code);
  }
  const users = {
    admin: await makeUser(platform, { role: 'district_admin', scopeCode: codes.district }),
    home: await makeUser(platform, { role: 'subdistrict_admin', scopeCode: codes.home }),
    foreign: await makeUser(platform, { role: 'subdistrict_admin', scopeCode: codes.foreign }),
    homeCommunity: await makeUser(platform, { role: 'community_admin', scopeCode: codes.homeCommunity }),
    worker: await makeUser(platform, { role: 'microgrid_worker', microgrids: [codes.homeMicrogrid] }),
    department: await makeUser(platform, { role: 'department_staff', scopeCode: codes.department }),
  };
  const foreignKey = await makeApiKey(platform, codes.foreign);
  const homeHousehold = await makeHousehold(platform, codes.homeMicrogrid, 1);
  const foreignHousehold = await makeHousehold(platform, codes.foreignMicrogrid, 2);
  return { codes, users, foreignKey, homeHousehold, foreignHousehold };
}

export type World = Awaited<ReturnType<typeof makeWorld>>;
