import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { authorize } from '../../../platform/authz/policy.ts';
import { badRequest, unprocessable } from '../../../platform/http/errors.ts';
import { parseCalendar } from '../cases.calendar.ts';
import { forgetWorkCalendar } from '../cases.deadlines.ts';
import { replaceCalendarYear } from '../cases.repository.ts';

/**
 * Loads a year's work calendar (the State Council's holiday arrangement, published each winter) from
 * its text file, replacing that year whole. A file with any bad line, or a day of another year,
 * changes nothing and reports every problem with its line.
 */
export async function importCalendar(platform: Platform, by: By, year: number, text: string): Promise<{ holidays: number; workdays: number }> {
  authorize(by.actor, 'case.configure');
  const result = await runAudited(platform, by, async (trx) => {
    const counts = await writeCalendarYear(trx, year, text);
    return { result: counts, audit: { action: 'case.import_calendar', objectType: 'calendar', objectId: String(year), summary: counts } };
  });
  forgetWorkCalendar(platform);
  return result;
}

/** Parses and writes one year inside the caller's transaction. */
export async function writeCalendarYear(trx: Trx, year: number, text: string): Promise<{ holidays: number; workdays: number }> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badRequest('case.calendar_year', 'Give the year the file is for (2000-2100).');
  const parsed = parseCalendar(text);
  if ('problems' in parsed) throw unprocessable('case.calendar_invalid', 'The calendar file has problems; nothing was changed.', { problems: parsed.problems });
  const days = [
    ...parsed.holidays.map((day) => ({ day, kind: 'holiday' as const, name: parsed.names.get(day) ?? '' })),
    ...parsed.workdays.map((day) => ({ day, kind: 'workday' as const, name: parsed.names.get(day) ?? '' })),
  ];
  const foreign = days.filter((d) => !d.day.startsWith(`${year}-`)).map((d) => d.day);
  if (foreign.length > 0) throw unprocessable('case.calendar_invalid', `Days outside ${year}; nothing was changed.`, { days: foreign });
  await replaceCalendarYear(trx, year, days);
  return { holidays: parsed.holidays.length, workdays: parsed.workdays.length };
}
