import type { By } from '../platform/command.ts';
import type { Platform } from '../platform/context.ts';
import { localInstant, today } from '../modules/checkins/checkins.windows.ts';
import { enrolSubject, type ContactInput, type PlanInput } from '../modules/checkins/commands/manageRoster.ts';
import { registerDevice, type NewDevice } from '../modules/checkins/commands/registerDevice.ts';
import type { DeviceKind } from '../modules/checkins/checkins.words.ts';
import { givenName, SurnamePool } from './chineseNames.ts';
import type { DemoIssued, DemoPopulation, DemoResident } from './population.ts';
import { createRandom, type Random } from './random.ts';

/**
 * The demo's curtain pact roster (窗帘之约, DOMAIN.md §5, issue 5): about 1,600 people under care.
 *
 * Who: the district's residents tagged `living_alone` (an elderly or disabled person in a household
 * of one: the people a worker checks on every morning; ~1,700 in Macun), less a seeded ~6 % whose
 * family arranged care of their own, so the roster lands near 1,600 and spreads over every community.
 * Their plans: most the district's default morning window, some late risers 07:00-10:00, some also
 * checked at dusk; one or two emergency contacts (a child texted first, then a neighbour or relative
 * to call; synthetic names and numbers, sealed by the module like any plan); care notes for a few;
 * and sensors for about a fifth (door and curtain sensors, water and electricity meters, a few
 * panic buttons) registered through the module's own command, each with its device key.
 *
 * Everything goes through the module's commands (enrolSubject, registerDevice), so what the demo
 * holds is what a district office would have entered. The commands run side by side in groups so
 * that SQLite's group commit folds each group into one transaction.
 */

export interface CareRosterResult {
  subjects: number;
  devices: number;
}

/** Share of the people living alone put under care (the rest: family arranged care). */
const ENROLLED_SHARE = 0.94;
/** How many commands run side by side: SQLite's group commit takes up to 64 in one transaction. */
const GROUP = 64;

const LATE_RISERS: PlanInput['morningWindow'] = { start: '07:00', end: '10:00' };
const DUSK: NonNullable<PlanInput['eveningWindow']> = { start: '17:00', end: '19:30' };
const CARE_NOTES: readonly string[] = [
  '备用钥匙放在对门邻居家',
  '耳背，敲门需用力',
  '每日早晚服降压药',
  '行动不便，开门较慢',
  '子女在外地，每周视频一次',
];
const DEVICE_KINDS: readonly DeviceKind[] = ['door', 'curtain', 'water', 'power'];
const DEVICE_WEIGHTS = [40, 20, 24, 16];
const DEVICE_NAMES: Record<DeviceKind, string> = {
  door: '门磁',
  curtain: '窗帘传感器',
  water: '智能水表',
  power: '智能电表',
  panic: '紧急呼叫按钮',
  hub: '网关',
};

interface RosterEntry {
  residentId: string;
  plan: PlanInput;
  devices: Omit<NewDevice, 'subjectId'>[];
}

/**
 * Puts the demo roster under care. `asOf` is when the plans take effect: the demo enrols as of the
 * start of the day it is loaded, so that day's morning is already under the pact (a roster enrolled
 * at 14:00 would have no morning checks until the next day).
 */
export async function loadCareRoster(
  platform: Platform,
  by: By,
  population: DemoPopulation,
  issued: DemoIssued,
  asOf: Date = startOfDay(platform),
): Promise<CareRosterResult> {
  const entries = drawRoster(population, issued);
  const enrolling = { ...platform, clock: { now: () => asOf } };
  const subjectOf = new Map<string, string>();
  for (let i = 0; i < entries.length; i += GROUP) {
    const group = entries.slice(i, i + GROUP);
    const subjects = await Promise.all(group.map((e) => enrolSubject(enrolling, by, { residentId: e.residentId, plan: e.plan })));
    subjects.forEach((s, k) => subjectOf.set(group[k].residentId, s.id));
  }
  const devices = entries.flatMap((e) => e.devices.map((d) => ({ ...d, subjectId: subjectOf.get(e.residentId)! })));
  for (let i = 0; i < devices.length; i += GROUP) {
    await Promise.all(devices.slice(i, i + GROUP).map((d) => registerDevice(enrolling, by, d)));
  }
  return { subjects: entries.length, devices: devices.length };
}

/** Midnight of the business day now is in (TZ_BUSINESS). */
export function startOfDay(platform: Platform): Date {
  return localInstant(today(platform.clock.now(), platform.config.timeZone), '00:00', platform.config.timeZone);
}

/** Who is under care and with what plan: plain data, deterministic in the population's seed. */
export function drawRoster(population: DemoPopulation, issued: DemoIssued): RosterEntry[] {
  const random = createRandom(`wangge-demo-care/${population.seed}/${population.districtCode}`);
  const surnames = SurnamePool.general();
  const entries: RosterEntry[] = [];
  let deviceNumber = 0;
  const nextDeviceId = (kind: DeviceKind) => `${population.districtCode}-${kind}-${String(++deviceNumber).padStart(4, '0')}`;
  for (const resident of population.residents) {
    if (!resident.tags.includes('living_alone') || !random.chance(ENROLLED_SHARE)) continue;
    const plan: PlanInput = {};
    if (random.chance(0.06)) plan.morningWindow = LATE_RISERS;
    if (random.chance(0.08)) plan.eveningWindow = DUSK;
    if (random.chance(0.9)) plan.contacts = contactsOf(random, resident, surnames, issued);
    if (resident.healthNotes && random.chance(0.15)) plan.healthNotes = resident.healthNotes;
    else if (random.chance(0.04)) plan.healthNotes = random.pick(CARE_NOTES);
    const devices: RosterEntry['devices'] = [];
    if (random.chance(0.19)) {
      const kind = DEVICE_KINDS[random.weighted(DEVICE_WEIGHTS)];
      devices.push({ deviceId: nextDeviceId(kind), kind, name: DEVICE_NAMES[kind] });
    }
    if (random.chance(0.012)) devices.push({ deviceId: nextDeviceId('panic'), kind: 'panic', name: DEVICE_NAMES.panic });
    entries.push({ residentId: resident.id, plan, devices });
  }
  return entries;
}

/**
 * A child to text first (a son bears the parent's surname when the parent is the father; otherwise
 * any), and for almost half a neighbour or relative nearby to call. Invented people, numbers from
 * the district's phone book so they never collide with a resident's.
 */
function contactsOf(random: Random, resident: DemoResident, surnames: SurnamePool, issued: DemoIssued): ContactInput[] {
  const born = Number(resident.birthDate.slice(0, 4));
  const son = random.chance(0.5);
  const childSurname = son && resident.gender === 'male' ? resident.name.slice(0, 1) : surnames.draw(random);
  const contacts: ContactInput[] = [
    {
      name: childSurname + givenName(random, son ? 'male' : 'female', born + random.int(22, 32)),
      phone: issued.phones.issue(random),
      relation: son ? '儿子' : '女儿',
      channel: 'sms',
    },
  ];
  if (random.chance(0.45)) {
    const relation = random.pick(['邻居', '侄子', '外甥女', '楼长']);
    const male = relation === '侄子' || (relation !== '外甥女' && random.chance(0.5));
    contacts.push({
      name: surnames.draw(random) + givenName(random, male ? 'male' : 'female', born + random.int(-5, 35)),
      phone: issued.phones.issue(random),
      relation,
      channel: 'phone',
    });
  }
  return contacts;
}
