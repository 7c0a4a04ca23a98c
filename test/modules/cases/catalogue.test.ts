import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWorkingDay, parseCalendar, type LimitUnit, type WorkCalendar } from '../../../src/modules/cases/cases.calendar.ts';
import { CATALOGUE_DEPARTMENTS, DEFAULT_CATALOGUE } from '../../../src/modules/cases/cases.catalogue.ts';

const UNITS: readonly LimitUnit[] = ['urgent_hours', 'working_hours', 'working_days', 'calendar_days'];
const majors = DEFAULT_CATALOGUE;
const leaves = majors.flatMap((major) => major.leaves.map((leaf) => ({ major, leaf })));
const conditions = leaves.flatMap(({ leaf }) => leaf.conditions.map((condition) => ({ leaf, condition })));

describe('the default case catalogue', () => {
  it('is big enough to run a district on', () => {
    expect(majors.length).toBeGreaterThanOrEqual(10);
    expect(leaves.length).toBeGreaterThanOrEqual(40);
  });

  it('has well-formed, unique codes nested by prefix', () => {
    for (const major of majors) expect(major.code).toMatch(/^\d{2}$/);
    for (const { major, leaf } of leaves) {
      expect(leaf.code).toMatch(/^\d{4}$/);
      expect(leaf.code.slice(0, 2), leaf.name).toBe(major.code);
    }
    for (const { leaf, condition } of conditions) {
      expect(condition.code).toMatch(/^\d{6}$/);
      expect(condition.code.slice(0, 4), condition.name).toBe(leaf.code);
    }
    const codes = [...majors, ...leaves.map(({ leaf }) => leaf), ...conditions.map(({ condition }) => condition)].map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('names every leaf uniquely, so a hotline import can map categories by name', () => {
    const names = leaves.map(({ leaf }) => leaf.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    const majorNames = majors.map((major) => major.name);
    expect(new Set(majorNames).size).toBe(majorNames.length);
  });

  it('gives every leaf one to three filing conditions with a positive limit and a closing condition', () => {
    for (const { leaf } of leaves) {
      expect(leaf.conditions.length, leaf.name).toBeGreaterThanOrEqual(1);
      expect(leaf.conditions.length, leaf.name).toBeLessThanOrEqual(3);
    }
    for (const { condition } of conditions) {
      expect(condition.name.trim(), condition.code).not.toBe('');
      expect(condition.closing.trim(), condition.code).not.toBe('');
      expect(UNITS, condition.code).toContain(condition.limit.unit);
      expect(Number.isFinite(condition.limit.amount) && condition.limit.amount > 0, condition.code).toBe(true);
    }
  });

  it('routes only to the catalogue departments, and every one of them leads something', () => {
    const known = new Set<string>(CATALOGUE_DEPARTMENTS);
    expect(known.size).toBe(CATALOGUE_DEPARTMENTS.length);
    for (const { leaf } of leaves) {
      const co = leaf.coHandlers ?? [];
      for (const department of [leaf.lead, ...co]) expect(known.has(department), `${leaf.name}: ${department}`).toBe(true);
      expect(co, leaf.name).not.toContain(leaf.lead);
      expect(new Set(co).size, leaf.name).toBe(co.length);
    }
    const leads = new Set(leaves.map(({ leaf }) => leaf.lead));
    expect(CATALOGUE_DEPARTMENTS.filter((department) => !leads.has(department))).toEqual([]);
  });

  it('keeps care matters in private majors, everything else public', () => {
    const privateMajors = majors.filter((major) => major.leaves.every((leaf) => !leaf.public));
    expect(privateMajors.length).toBeGreaterThanOrEqual(1);
    for (const major of majors) {
      const kinds = new Set(major.leaves.map((leaf) => leaf.public));
      expect(kinds.size, major.name).toBe(1);
    }
    const lonely = leaves.find(({ leaf }) => leaf.name === '独居老人安全');
    expect(lonely?.leaf.public).toBe(false);
  });
});

/** Counted from the State Council notices (2025: issued 2024-11-12; 2026: issued 2025-11-04). */
const PUBLISHED = {
  2025: { holidays: 28, workdays: 5 },
  2026: { holidays: 33, workdays: 6 },
} as const;

function readCalendar(year: number) {
  const text = readFileSync(new URL(`../../../src/modules/cases/calendars/${year}.txt`, import.meta.url), 'utf8');
  const parsed = parseCalendar(text);
  if ('problems' in parsed) throw new Error(`${year}.txt: ${JSON.stringify(parsed.problems)}`);
  return parsed;
}

describe('the shipped work calendars', () => {
  for (const year of [2025, 2026] as const) {
    it(`${year}: parses, stays inside the year and matches the published counts`, () => {
      const { holidays, workdays } = readCalendar(year);
      expect(new Set(holidays).size).toBe(holidays.length);
      expect(new Set(workdays).size).toBe(workdays.length);
      for (const day of [...holidays, ...workdays]) expect(day.startsWith(`${year}-`), day).toBe(true);
      expect(holidays.length).toBe(PUBLISHED[year].holidays);
      expect(workdays.length).toBe(PUBLISHED[year].workdays);
      const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
      for (const day of workdays) expect([0, 6], `${day} is a swapped working day, so a weekend`).toContain(weekday(day));
    });
  }

  it('2026: the Spring Festival is 15-23 February, with Saturday 14 and 28 February worked', () => {
    const { holidays, workdays } = readCalendar(2026);
    const calendar: WorkCalendar = {
      timeZone: 'Asia/Shanghai',
      periods: [],
      holidays: new Set(holidays),
      workdays: new Set(workdays),
    };
    for (let d = 15; d <= 23; d++) expect(isWorkingDay(calendar, `2026-02-${d}`)).toBe(false);
    expect(isWorkingDay(calendar, '2026-02-13')).toBe(true);
    expect(isWorkingDay(calendar, '2026-02-14')).toBe(true);
    expect(isWorkingDay(calendar, '2026-02-24')).toBe(true);
    expect(isWorkingDay(calendar, '2026-02-28')).toBe(true);
    expect(isWorkingDay(calendar, '2026-03-01')).toBe(false);
  });
});
