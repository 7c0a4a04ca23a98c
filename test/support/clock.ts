import type { Clock } from '../../src/platform/clock.ts';

export interface FakeClock extends Clock {
  /** Moves time forward by `seconds`. */
  advance(seconds: number): void;
  /** Jumps to an instant (ISO-8601). */
  set(iso: string): void;
  /** The instant `offsetSeconds` after the start, as stored (ISO-8601 UTC). */
  at(offsetSeconds: number): string;
}

/** A clock the test moves by hand, so deadlines pass without sleeping. Default start: Monday 2 March 2026, 09:00 in Jiaozuo. */
export function fakeClock(start = '2026-03-02T01:00:00.000Z'): FakeClock {
  const origin = Date.parse(start);
  let now = origin;
  return {
    now: () => new Date(now),
    advance(seconds) {
      now += seconds * 1000;
    },
    set(iso) {
      now = Date.parse(iso);
    },
    at: (offsetSeconds) => new Date(origin + offsetSeconds * 1000).toISOString(),
  };
}
