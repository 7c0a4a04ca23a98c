import type { Random } from '../random.ts';
import { idCheckCharacter } from '../../modules/people/people.validation.ts';

/**
 * Birth dates, resident ID numbers (GB 11643-1999) and mobile numbers for the synthetic residents.
 * Ages are counted on the demo's reference date.
 */

/** Ages, and so the `elderly` tag, are as of this day. */
export const REFERENCE_DATE = '2026-01-01';
const REFERENCE = { year: 2026, month: 1, day: 1 };

/** Completed years on `on` (YYYY-MM-DD) of someone born on `birthDate` (YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string = REFERENCE_DATE): number {
  const [by, bm, bd] = [Number(birthDate.slice(0, 4)), Number(birthDate.slice(5, 7)), Number(birthDate.slice(8, 10))];
  const [y, m, d] = [Number(on.slice(0, 4)), Number(on.slice(5, 7)), Number(on.slice(8, 10))];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The date `dayOfYear` (1-based) of `year`, as YYYY-MM-DD. */
export function dateOfYear(year: number, dayOfYear: number): string {
  let day = dayOfYear;
  for (let month = 0; month < 12; month++) {
    const length = month === 1 && isLeap(year) ? 29 : MONTH_DAYS[month];
    if (day <= length) return `${year}-${pad2(month + 1)}-${pad2(day)}`;
    day -= length;
  }
  throw new Error(`day ${dayOfYear} of ${year}`);
}

/**
 * A birth date at which someone is exactly `age` on the reference date: a day after the reference
 * day `age + 1` years before it, up to the reference day `age` years before it.
 */
export function birthDateAt(random: Random, age: number): string {
  // REFERENCE is 1 January: born from 2 January of year (2025 - age) to 1 January of (2026 - age).
  const year = REFERENCE.year - 1 - age;
  const days = isLeap(year) ? 366 : 365;
  const k = random.int(2, days + 1);
  return k > days ? `${year + 1}-01-01` : dateOfYear(year, k);
}

/** Issues unique ID numbers: area code, birth date, a sequence whose last digit is odd for men, check. */
export class IdRegistry {
  /**
   * The numbers issued, as small integers (area, year since 1900, day slot, sequence): a Set of
   * small integers is far cheaper than one of strings (up to 20 area codes stay below 2^30).
   */
  private readonly issued = new Set<number>();
  private readonly areas = new Map<string, number>();

  issue(random: Random, areaCode: string, birthDate: string, gender: 'male' | 'female'): string {
    let area = this.areas.get(areaCode);
    if (area === undefined) this.areas.set(areaCode, (area = this.areas.size));
    const year = Number(birthDate.slice(0, 4));
    const slot = (Number(birthDate.slice(5, 7)) - 1) * 31 + Number(birthDate.slice(8, 10)) - 1;
    const key = ((area * 128 + year - 1900) * 372 + slot) * 1000;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const sequence = 2 * random.int(0, 499) + (gender === 'male' ? 1 : 0);
      if (this.issued.has(key + sequence)) continue;
      this.issued.add(key + sequence);
      const first17 = `${areaCode}${birthDate.slice(0, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${String(sequence).padStart(3, '0')}`;
      return first17 + idCheckCharacter(first17);
    }
    throw new Error(`no free ID sequence for ${areaCode} ${birthDate}`);
  }
}

/**
 * Where people were first registered: most in Macun (410804), some born elsewhere in Jiaozuo, in
 * neighbouring Xinxiang or in Zhengzhou. Women who married in come from elsewhere far more often,
 * the young (born and registered here) less.
 */
const OTHER_AREAS: readonly [string, number][] = [
  ['410802', 10], // 焦作 解放区
  ['410803', 6], // 中站区
  ['410811', 10], // 山阳区
  ['410821', 8], // 修武县
  ['410822', 6], // 博爱县
  ['410823', 7], // 武陟县
  ['410825', 5], // 温县
  ['410882', 6], // 沁阳市
  ['410883', 4], // 孟州市
  ['410702', 3], // 新乡 红旗区
  ['410724', 3], // 获嘉县
  ['410782', 3], // 辉县市
  ['410102', 2], // 郑州 中原区
  ['410105', 2], // 金水区
];
const OTHER_AREA_WEIGHTS = OTHER_AREAS.map(([, w]) => w);

export function areaCode(random: Random, districtCode: string, marriedIn: boolean, age: number): string {
  return random.chance(marriedIn ? 0.45 : age < 25 ? 0.03 : 0.08) ? OTHER_AREAS[random.weighted(OTHER_AREA_WEIGHTS)][0] : districtCode;
}

/** Mainland mobile prefixes (13x, 15x, 18x, 19x), weighted towards China Mobile as in Henan. */
const PHONE_PREFIXES: readonly [string, number][] = [
  ...['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '187', '188', '198'].map(
    (p): [string, number] => [p, 4],
  ),
  ...['130', '131', '132', '155', '156', '185', '186', '196'].map((p): [string, number] => [p, 3]),
  ...['133', '153', '180', '181', '189', '191', '193', '199'].map((p): [string, number] => [p, 2]),
];
const PHONE_WEIGHTS = PHONE_PREFIXES.map(([, w]) => w);

/** Issues unique, well-formed 11-digit mobile numbers. */
export class PhoneBook {
  /** The last eight digits issued, per prefix (small integers: cheap in a Set). */
  private readonly issued = PHONE_PREFIXES.map(() => new Set<number>());

  issue(random: Random): string {
    for (;;) {
      const prefix = random.weighted(PHONE_WEIGHTS);
      const subscriber = random.int(0, 99_999_999);
      if (this.issued[prefix].has(subscriber)) continue;
      this.issued[prefix].add(subscriber);
      return PHONE_PREFIXES[prefix][0] + String(subscriber).padStart(8, '0');
    }
  }
}
