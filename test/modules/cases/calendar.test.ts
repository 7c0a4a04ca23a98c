import { describe, expect, it } from 'vitest';
import {
  at,
  deadlineAfter,
  DEFAULT_PERIODS,
  isWorkingDay,
  parseCalendar,
  type WorkCalendar,
} from '../../../src/modules/cases/cases.calendar.ts';

/**
 * Deadlines around the 2026 Spring Festival as published: 15-23 February off (nine days), Saturday
 * 14 and Saturday 28 February worked in exchange.
 */
const SPRING_FESTIVAL_2026 = `
# 2026 春节
2026-02-15..2026-02-23 holiday 春节
2026-02-14 workday 春节调休上班
2026-02-28 workday 春节调休上班
`;

function macunCalendar(): WorkCalendar {
  const parsed = parseCalendar(SPRING_FESTIVAL_2026);
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return { timeZone: 'Asia/Shanghai', periods: DEFAULT_PERIODS, holidays: new Set(parsed.holidays), workdays: new Set(parsed.workdays) };
}

const calendar = macunCalendar();
/** A moment in Macun's local time. */
const local = (day: string, time: string) => at(calendar, day, time);

describe('the work calendar around the Spring Festival', () => {
  it('knows the holiday, the swapped working Saturdays and an ordinary weekend', () => {
    expect(isWorkingDay(calendar, '2026-02-13')).toBe(true); // Friday before
    expect(isWorkingDay(calendar, '2026-02-14')).toBe(true); // Saturday worked in exchange
    for (let d = 15; d <= 23; d++) expect(isWorkingDay(calendar, `2026-02-${d}`)).toBe(false);
    expect(isWorkingDay(calendar, '2026-02-24')).toBe(true);
    expect(isWorkingDay(calendar, '2026-02-28')).toBe(true); // Saturday worked in exchange
    expect(isWorkingDay(calendar, '2026-03-01')).toBe(false); // Sunday
    expect(isWorkingDay(calendar, '2026-03-07')).toBe(false); // an ordinary Saturday
  });

  it('reads local times in the district zone', () => {
    expect(local('2026-02-13', '15:00').toISOString()).toBe('2026-02-13T07:00:00.000Z');
  });

  it('one working day from Friday afternoon is the swapped Saturday; two skip the whole holiday', () => {
    const friday = local('2026-02-13', '15:00');
    expect(deadlineAfter(calendar, friday, { amount: 1, unit: 'working_days' })).toEqual(local('2026-02-14', '15:00'));
    expect(deadlineAfter(calendar, friday, { amount: 2, unit: 'working_days' })).toEqual(local('2026-02-24', '15:00'));
    expect(deadlineAfter(calendar, friday, { amount: 5, unit: 'working_days' })).toEqual(local('2026-02-27', '15:00'));
    expect(deadlineAfter(calendar, friday, { amount: 6, unit: 'working_days' })).toEqual(local('2026-02-28', '15:00'));
  });

  it('a case reported during the holiday starts counting on the first working morning', () => {
    const eve = local('2026-02-16', '20:00'); // 除夕
    expect(deadlineAfter(calendar, eve, { amount: 1, unit: 'working_days' })).toEqual(local('2026-02-24', '17:30'));
    expect(deadlineAfter(calendar, eve, { amount: 2, unit: 'working_hours' })).toEqual(local('2026-02-24', '10:30'));
  });

  it('working hours skip the lunch break, the evening and the days off', () => {
    const friday = local('2026-02-13', '15:00');
    // Friday 15:00-17:30 is 2.5 h, the rest on the swapped Saturday from 8:30.
    expect(deadlineAfter(calendar, friday, { amount: 4, unit: 'working_hours' })).toEqual(local('2026-02-14', '10:00'));
    // Saturday 14th has 7.5 h; what is left after it waits for the 24th.
    expect(deadlineAfter(calendar, friday, { amount: 11, unit: 'working_hours' })).toEqual(local('2026-02-24', '09:30'));
    expect(deadlineAfter(calendar, local('2026-02-24', '12:30'), { amount: 1, unit: 'working_hours' })).toEqual(
      local('2026-02-24', '14:30'),
    );
    expect(deadlineAfter(calendar, local('2026-02-24', '11:30'), { amount: 1, unit: 'working_hours' })).toEqual(
      local('2026-02-24', '14:00'),
    );
  });

  it('urgent hours and calendar days count every hour, holiday or not', () => {
    const eve = local('2026-02-16', '20:00');
    expect(deadlineAfter(calendar, eve, { amount: 2, unit: 'urgent_hours' })).toEqual(local('2026-02-16', '22:00'));
    expect(deadlineAfter(calendar, eve, { amount: 3, unit: 'calendar_days' })).toEqual(local('2026-02-19', '20:00'));
  });

  it('counts in the zone of the district it is given, daylight saving included', () => {
    const berlin: WorkCalendar = { ...calendar, timeZone: 'Europe/Berlin', holidays: new Set(), workdays: new Set() };
    // Clocks go forward on Sunday 29 March 2026: Friday 16:00 CET plus 2 working hours (1.5 h on Friday)
    // is Monday 9:00 CEST, 07:00 UTC where it would be 08:00 in winter.
    const friday = at(berlin, '2026-03-27', '16:00');
    expect(friday.toISOString()).toBe('2026-03-27T15:00:00.000Z');
    expect(deadlineAfter(berlin, friday, { amount: 2, unit: 'working_hours' }).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });
});

describe('reading a year’s calendar file', () => {
  it('lists every problem with its line and returns nothing else', () => {
    const parsed = parseCalendar(
      ['2026-01-01 holiday 元旦', '2026-02-30 holiday', 'next friday off', '2026-02-14..2026-02-13 workday'].join('\n'),
    );
    expect(parsed).toEqual({
      problems: [
        { line: 2, problem: 'not a real day or range' },
        { line: 3, problem: 'expected `YYYY-MM-DD[..YYYY-MM-DD] holiday|workday [name]`' },
        { line: 4, problem: 'not a real day or range' },
      ],
    });
  });

  it('refuses a day that is both a holiday and a working day', () => {
    expect(parseCalendar('2026-02-14 holiday\n2026-02-14 workday')).toEqual({
      problems: [{ line: 0, problem: 'both a holiday and a working day: 2026-02-14' }],
    });
  });
});
