import { businessDate } from '../../platform/clock.ts';
import { at } from '../cases/cases.calendar.ts';
import type { CheckRow, SubjectRow } from './checkins.repository.ts';
import type { WindowName } from './checkins.words.ts';

/**
 * The daily windows of a plan as instants: a window is local `HH:MM`-`HH:MM` in the district's zone
 * (TZ_BUSINESS); it opens at the first and its deadline is the second, on the business day.
 */

export interface PlannedWindow {
  window: WindowName;
  opensAt: string;
  dueAt: string;
}

/** The instant of local `time` on `day` in `timeZone`. */
export function localInstant(day: string, time: string, timeZone: string): Date {
  return at({ timeZone, periods: [], holidays: new Set(), workdays: new Set() }, day, time);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function today(now: Date, timeZone: string): string {
  return businessDate(now, timeZone);
}

type Plan = Pick<SubjectRow, 'morning_start' | 'morning_end' | 'evening_start' | 'evening_end'>;

/** The windows of a plan on a day. */
export function windowsOn(plan: Plan, day: string, timeZone: string): PlannedWindow[] {
  const windows: PlannedWindow[] = [
    {
      window: 'morning',
      opensAt: localInstant(day, plan.morning_start, timeZone).toISOString(),
      dueAt: localInstant(day, plan.morning_end, timeZone).toISOString(),
    },
  ];
  if (plan.evening_start && plan.evening_end) {
    windows.push({
      window: 'evening',
      opensAt: localInstant(day, plan.evening_start, timeZone).toISOString(),
      dueAt: localInstant(day, plan.evening_end, timeZone).toISOString(),
    });
  }
  return windows;
}

/**
 * The checks of a subject for `days`: a window whose deadline is before the plan took effect
 * (`planned_from`: joining, re-joining, new windows) is not planned, so someone enrolled at 10:00 is
 * not alerted for the 09:00 deadline that passed before they were on the roster.
 */
export function checksToPlan(subject: SubjectRow, days: string[], timeZone: string, newId: () => string, now: string): CheckRow[] {
  const since = subject.planned_from;
  return days.flatMap((day) =>
    windowsOn(subject, day, timeZone)
      .filter((w) => w.dueAt > since)
      .map((w) => ({
        id: newId(),
        subject_id: subject.id,
        microgrid_code: subject.microgrid_code,
        day,
        window_name: w.window,
        opens_at: w.opensAt,
        due_at: w.dueAt,
        state: 'waiting' as const,
        safe_at: null,
        safe_via: null,
        created_at: now,
        updated_at: now,
        version: 1,
      })),
  );
}
