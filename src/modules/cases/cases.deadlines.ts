import type { Platform } from '../../platform/context.ts';
import type { TallyRules } from './cases.tally.ts';
import type { Executor } from './cases.repository.ts';
import { deadlineAfter, type Limit, type WorkCalendar } from './cases.calendar.ts';
import { findCondition, listCalendarDays } from './cases.repository.ts';

/**
 * The limits of the stages other than handling (DOMAIN.md §4, typical practice): grid staff verify
 * a report and check a department's result within half a working hour, and filing and dispatch take
 * as long again. Handling limits belong to the category's filing condition.
 */
export const STAGE_LIMITS: Record<string, Limit> = {
  verify: { amount: 0.5, unit: 'working_hours' },
  file: { amount: 0.5, unit: 'working_hours' },
  dispatch: { amount: 0.5, unit: 'working_hours' },
  check: { amount: 0.5, unit: 'working_hours' },
  /** The department contacts the reporter within a working day of dispatch (响应, the response rate). */
  respond: { amount: 1, unit: 'working_days' },
};

/** When the filing condition is not known (a report not yet filed, a hotline order without one). */
export const DEFAULT_HANDLING_LIMIT: Limit = { amount: 5, unit: 'working_days' };

const CALENDAR_TTL_MS = 60_000;
const calendars = new WeakMap<Platform, { calendar: WorkCalendar; loadedAt: number }>();

/**
 * The district's work calendar: the days in the database (imported yearly) and the working hours of
 * configuration. Kept for a minute, and dropped at once when this instance imports a year; another
 * instance sees an import within the minute.
 */
export async function workCalendar(platform: Platform, db: Executor): Promise<WorkCalendar> {
  const cached = calendars.get(platform);
  const now = Date.now();
  if (cached && now - cached.loadedAt < CALENDAR_TTL_MS) return cached.calendar;
  const days = await listCalendarDays(db);
  const calendar: WorkCalendar = {
    timeZone: platform.config.timeZone,
    periods: platform.config.workHours,
    holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.day)),
    workdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.day)),
  };
  calendars.set(platform, { calendar, loadedAt: now });
  return calendar;
}

export function forgetWorkCalendar(platform: Platform): void {
  calendars.delete(platform);
}

/** The deadline of a stage starting at `from` under `limit`, on the district's calendar, as stored. */
export function dueAfter(calendar: WorkCalendar, from: Date, limit: Limit): string {
  return deadlineAfter(calendar, from, limit).toISOString();
}

/** The limit a stage runs under: handling by the case's filing condition, the others by `STAGE_LIMITS`. */
export async function stageLimit(db: Executor, name: string, conditionCode: string | null): Promise<Limit> {
  if (name !== 'handling') {
    const limit = STAGE_LIMITS[name];
    if (!limit) throw new Error(`no time limit named ${name}`);
    return limit;
  }
  const condition = conditionCode ? await findCondition(db, conditionCode) : undefined;
  return condition ? { amount: condition.limit_amount, unit: condition.limit_unit } : DEFAULT_HANDLING_LIMIT;
}

/** How the rates count for this district: its code widths and time zone. */
export function tallyRules(platform: Platform): TallyRules {
  return { widths: platform.config.orgCodeWidths, timeZone: platform.config.timeZone };
}
