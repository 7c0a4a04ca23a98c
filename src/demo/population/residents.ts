import { RESIDENT_TAGS, type ResidentTag } from '../../modules/people/people.tables.ts';
import { givenName } from '../chineseNames.ts';
import type { Random } from '../random.ts';
import type { HouseholdDraft, MemberDraft } from './composition.ts';
import { ageOn, areaCode, birthDateAt, type IdRegistry, type PhoneBook } from './identity.ts';

/**
 * A household's drafted members made into residents: names, birth dates, ID numbers, phones, tags
 * and health notes.
 *
 * Tags: `elderly` is 60 or more on the reference date; `living_alone` (独居, as the registry keeps
 * it) is an elderly or disabled person in a single-person household, the people a worker checks on
 * every morning (DOMAIN.md §5); `disabled` (~2 %, more with age); `low_income` (低保, ~3 %) is
 * decided per household, so whole households carry it, more often in villages, for people living
 * alone, single parents and households with a disabled member or orphans; `orphan` for the children
 * of a few grandparent households whose parents have died; `party_member` (~7 % of adults, more
 * among older men).
 */

export { RESIDENT_TAGS, type ResidentTag };

export interface ResidentDraft {
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  age: number;
  idNumber: string;
  phone: string | null;
  tags: ResidentTag[];
  healthNotes: string | null;
}

export interface ResidentContext {
  districtCode: string;
  village: boolean;
  ids: IdRegistry;
  phones: PhoneBook;
}

const DISABILITIES: readonly string[] = [
  '肢体残疾二级，行动需轮椅',
  '肢体残疾三级，拄拐行走',
  '肢体残疾四级',
  '视力残疾一级，外出需人陪同',
  '视力残疾二级',
  '听力残疾二级，沟通需写字或手语',
  '言语残疾三级',
  '智力残疾二级，需家人照护',
  '精神残疾，需按时服药',
  '多重残疾一级，长期卧床',
];
const CHILD_DISABILITIES: readonly string[] = [
  '智力残疾三级，在特教学校就读',
  '听力残疾二级，佩戴助听器',
  '脑瘫，肢体残疾一级',
  '孤独症，需专人陪护',
];
const CONDITIONS: readonly string[] = [
  '高血压，需定期服药',
  '高血压，需定期服药',
  '糖尿病，每日注射胰岛素',
  '糖尿病，口服降糖药',
  '冠心病，随身带速效救心丸',
  '脑梗后遗症，行动不便',
  '慢阻肺，冬季易发作',
  '轻度认知障碍，易走失',
  '骨质疏松，注意防跌倒',
  '膝关节炎，上下楼困难',
  '白内障术后，视力较弱',
  '心脏支架术后',
  '听力下降，需大声说话',
  '帕金森病，手抖',
];
const BEDRIDDEN = '长期卧床，需人照护';

function disabledChance(age: number): number {
  return age < 18 ? 0.006 : age < 45 ? 0.012 : age < 60 ? 0.024 : age < 75 ? 0.042 : 0.07;
}

function partyChance(age: number, gender: 'male' | 'female'): number {
  if (age < 18) return 0;
  if (age < 25) return 0.025;
  if (gender === 'male') return age < 35 ? 0.07 : age < 60 ? 0.11 : 0.15;
  return age < 60 ? 0.055 : 0.04;
}

function phoneChance(age: number, livingAlone: boolean): number {
  if (age < 12) return 0;
  if (age < 18) return 0.25;
  if (age < 60) return 0.99;
  if (livingAlone) return 0.9;
  return age < 70 ? 0.92 : age < 80 ? 0.75 : 0.45;
}

export function makeResidents(random: Random, household: HouseholdDraft, context: ResidentContext): ResidentDraft[] {
  const single = household.members.length === 1;
  const usedNames = new Set<string>();
  const people = household.members.map((member) => {
    const birthDate = birthDateAt(random, member.age);
    const age = ageOn(birthDate);
    const disabled = random.chance(disabledChance(age));
    return { member, birthDate, age, disabled, name: nameOf(random, member, Number(birthDate.slice(0, 4)), usedNames) };
  });
  const hasDisabled = people.some((p) => p.disabled);
  const hasOrphan = people.some((p) => p.member.orphan && p.age < 18);
  let lowIncomeChance = context.village ? 0.03 : 0.012;
  if (household.kind === 'elderly_alone' || household.kind === 'single_parent') lowIncomeChance *= 3;
  if (household.kind === 'skipped_generation') lowIncomeChance *= 2;
  if (hasDisabled) lowIncomeChance *= 5;
  const lowIncome = hasOrphan || random.chance(Math.min(0.8, lowIncomeChance));

  return people.map(({ member, birthDate, age, disabled, name }) => {
    const elderly = age >= 60;
    const livingAlone = single && (elderly || disabled);
    const tags: ResidentTag[] = [];
    if (livingAlone) tags.push('living_alone');
    if (elderly) tags.push('elderly');
    if (disabled) tags.push('disabled');
    if (member.orphan && age < 18) tags.push('orphan');
    if (lowIncome) tags.push('low_income');
    if (random.chance(partyChance(age, member.gender))) tags.push('party_member');
    const idNumber = context.ids.issue(random, areaCode(random, context.districtCode, member.marriedIn, age), birthDate, member.gender);
    const phone = random.chance(phoneChance(age, livingAlone)) ? context.phones.issue(random) : null;
    return {
      name,
      gender: member.gender,
      birthDate,
      age,
      idNumber,
      phone,
      tags,
      healthNotes: healthNotes(random, age, disabled, livingAlone),
    };
  });
}

function nameOf(random: Random, member: MemberDraft, birthYear: number, used: Set<string>): string {
  let name = '';
  for (let attempt = 0; attempt < 8; attempt++) {
    name = member.surname + givenName(random, member.gender, birthYear);
    if (!used.has(name)) break;
  }
  used.add(name);
  return name;
}

function healthNotes(random: Random, age: number, disabled: boolean, livingAlone: boolean): string | null {
  const notes: string[] = [];
  if (disabled) notes.push(random.pick(age < 18 ? CHILD_DISABILITIES : DISABILITIES));
  if (age >= 60) {
    const chance = (age < 70 ? 0.3 : age < 80 ? 0.45 : 0.6) * (livingAlone ? 1.3 : 1);
    if (random.chance(chance)) {
      if (age >= 85 && !livingAlone && !disabled && random.chance(0.15)) notes.push(BEDRIDDEN);
      else {
        const first = random.pick(CONDITIONS);
        notes.push(first);
        const second = random.pick(CONDITIONS);
        if (random.chance(0.35) && second.split('，')[0] !== first.split('，')[0]) notes.push(second);
      }
    }
  }
  return notes.length > 0 ? notes.join('；') : null;
}
