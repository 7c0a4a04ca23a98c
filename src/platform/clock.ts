/** The platform's sense of "now", injectable so tests can move time without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The calendar day (YYYY-MM-DD) of `now` in the district's zone (`TZ_BUSINESS`): "today" for people
 * in Macun is not UTC's today between 00:00 and 08:00.
 */
export function businessDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
