import { dayFormat, isCalendarDate, zoneOffsetMs } from '../../platform/clock.ts';

/**
 * The work calendar (工作日历) that case deadlines are counted on (DOMAIN.md §4): which days are
 * working days in the district's time zone — Monday to Friday, less public holidays, plus the
 * weekend days worked in exchange (调休) — and the working hours of a working day. Limits are given
 * in urgent hours (every hour counts), working hours, working days or calendar days.
 *
 * Pure: no database, no clock. The calendar of a year is published each December; `parseCalendar`
 * reads it from a simple text file, one line per day or range.
 */

export interface WorkCalendar {
  /** IANA zone of the district, e.g. Asia/Shanghai. */
  timeZone: string;
  /** Working hours of a working day, local `HH:MM`, morning and afternoon (the lunch break does not count). */
  periods: readonly { start: string; end: string }[];
  /** Days off that would otherwise be working days (YYYY-MM-DD). */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休上班). */
  workdays: ReadonlySet<string>;
}

export type LimitUnit = 'urgent_hours' | 'working_hours' | 'working_days' | 'calendar_days';

export interface Limit {
  amount: number;
  unit: LimitUnit;
}

/** Offices keep 8:30-12:00 and 13:30-17:30 in winter (later afternoons in summer): the default. */
export const DEFAULT_PERIODS = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '17:30' },
] as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The deadline of a stage that starts at `from` with `limit` to do it. */
export function deadlineAfter(calendar: WorkCalendar, from: Date, limit: Limit): Date {
  switch (limit.unit) {
    case 'urgent_hours':
      return new Date(from.getTime() + limit.amount * HOUR);
    case 'calendar_days':
      return new Date(from.getTime() + limit.amount * DAY);
    case 'working_hours':
      return addWorkingTime(calendar, from, limit.amount * HOUR);
    case 'working_days':
      return addWorkingDays(calendar, from, limit.amount);
  }
}

export function isWorkingDay(calendar: WorkCalendar, day: string): boolean {
  if (calendar.workdays.has(day)) return true;
  if (calendar.holidays.has(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * `n` working days after `from`: n times a working day's working time, counted in working time, so
 * a case dispatched on Friday at 15:00 with one working day is due on Monday at 15:00, and one
 * dispatched during the lunch break or after hours counts from the next working minute.
 */
export function addWorkingDays(calendar: WorkCalendar, from: Date, n: number): Date {
  return addWorkingTime(calendar, from, n * workingDayLength(calendar));
}

/** `ms` of working time after `from`, counting only the working periods of working days. */
export function addWorkingTime(calendar: WorkCalendar, from: Date, ms: number): Date {
  let remaining = ms;
  let day = localDay(calendar, from);
  for (let guard = 0; guard < 3660; guard++, day = nextDay(day)) {
    if (!isWorkingDay(calendar, day)) continue;
    for (const period of calendar.periods) {
      const start = Math.max(at(calendar, day, period.start).getTime(), from.getTime());
      const end = at(calendar, day, period.end).getTime();
      if (start >= end) continue;
      if (end - start >= remaining) return new Date(start + remaining);
      remaining -= end - start;
    }
  }
  throw new Error('no working time in ten years of the calendar');
}

function workingDayLength(calendar: WorkCalendar): number {
  return calendar.periods.reduce((sum, p) => sum + Date.parse(`1970-01-01T${p.end}:00Z`) - Date.parse(`1970-01-01T${p.start}:00Z`), 0);
}

function nextDay(day: string): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY).toISOString().slice(0, 10);
}

/** The local calendar day of an instant in the calendar's zone. */
export function localDay(calendar: WorkCalendar, instant: Date): string {
  return dayFormat(calendar.timeZone).format(instant);
}

/** The instant of local `HH:MM` on `day` in the calendar's zone (zones with daylight saving included). */
export function at(calendar: WorkCalendar, day: string, time: string): Date {
  const key = `${calendar.timeZone} ${day} ${time}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    const wall = Date.parse(`${day}T${time}:00Z`);
    // The zone's offset at that wall time: guess with the offset at the wall time read as UTC, then correct once.
    const first = wall - offsetAt(calendar.timeZone, wall);
    instant = wall - offsetAt(calendar.timeZone, first);
    if (instants.size >= 10_000) instants.clear();
    instants.set(key, instant);
  }
  return new Date(instant);
}

// The instants of the working periods' ends on the days deadlines fall on, which are few: every
// deadline computed asks for the same ones again.
const instants = new Map<string, number>();

function offsetAt(timeZone: string, instant: number): number {
  return zoneOffsetMs(new Date(instant), timeZone);
}

export interface ParsedCalendar {
  holidays: string[];
  workdays: string[];
  /** What each day is called in the file (春节, 春节调休上班). */
  names: Map<string, string>;
}

export interface CalendarProblem {
  line: number;
  problem: string;
}

/**
 * A year's calendar as offices receive it, one line per day or range, `#` for comments:
 *
 *     2026-02-15..2026-02-23 holiday 春节
 *     2026-02-14 workday 春节调休上班
 *
 * Every problem is reported with its line; nothing is returned unless the whole file is right.
 */
export function parseCalendar(text: string): ParsedCalendar | { problems: CalendarProblem[] } {
  const holidays: string[] = [];
  const workdays: string[] = [];
  const names = new Map<string, string>();
  const problems: CalendarProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const match = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?\s+(holiday|workday)\b\s*(.*)$/.exec(line);
    if (!match) return problems.push({ line: index + 1, problem: 'expected `YYYY-MM-DD[..YYYY-MM-DD] holiday|workday [name]`' });
    const [, first, last = first, kind, name] = match;
    if (!isCalendarDate(first) || !isCalendarDate(last) || last < first)
      return problems.push({ line: index + 1, problem: 'not a real day or range' });
    for (let day = first; day <= last; day = nextDay(day)) {
      (kind === 'holiday' ? holidays : workdays).push(day);
      names.set(day, name.trim());
    }
  });
  const both = holidays.filter((day) => workdays.includes(day));
  if (both.length > 0) problems.push({ line: 0, problem: `both a holiday and a working day: ${both.join(', ')}` });
  return problems.length > 0 ? { problems } : { holidays, workdays, names };
}
