import { businessDate } from '../../platform/clock.ts';
import type { Platform } from '../../platform/context.ts';
import { unitsOf, type TallyRules } from '../cases/cases.tally.ts';
import type { ErrandTable } from './errands.tables.ts';

/**
 * The counting of errands (DOMAIN.md §4: "logged, timed, confirmed by the resident, counted"): per
 * day in the district's zone, each event counted once on the day it happened, for the errand's
 * district, subdistrict, community and grid, and for its worker in its micro-grid. Kept in the
 * transaction of each change, so a month is a sum of at most 31 rows per unit and measure.
 */
export const ERRAND_MEASURES = ['logged', 'done', 'done_on_time', 'confirmed', 'cancelled'] as const;
export type ErrandMeasure = (typeof ERRAND_MEASURES)[number];

export interface ErrandIncrement {
  unit: string;
  /** '' for a unit's own figure; a user id for the worker's figure in `unit` (a micro-grid). */
  worker: string;
  day: string;
  measure: ErrandMeasure;
}

export function errandTallyRules(platform: Platform): TallyRules {
  return { widths: platform.config.orgCodeWidths, timeZone: platform.config.timeZone };
}

type Counted = Pick<ErrandTable, 'microgrid_code' | 'worker_user_id'>;

/** One event of an errand, at `at`, counted for every unit above its micro-grid and for its worker. */
export function countEvent(rules: TallyRules, errand: Counted, measure: ErrandMeasure, at: Date): ErrandIncrement[] {
  const day = businessDate(at, rules.timeZone);
  return [
    ...unitsOf(rules, errand.microgrid_code, null)
      .filter((unit) => unit !== errand.microgrid_code)
      .map((unit) => ({ unit, worker: '', day, measure })),
    { unit: errand.microgrid_code, worker: errand.worker_user_id, day, measure },
  ];
}

/** What an errand being marked done adds: done, and done on time when before its promise. */
export function countDone(rules: TallyRules, errand: Counted & Pick<ErrandTable, 'promised_by'>, at: Date): ErrandIncrement[] {
  const increments = countEvent(rules, errand, 'done', at);
  if (at.toISOString() <= errand.promised_by) increments.push(...countEvent(rules, errand, 'done_on_time', at));
  return increments;
}

/**
 * The same counting re-derived from an errand as it stands (its timestamps alone): what the
 * counters should hold for it. The repair tool's and the tests' witness.
 */
export function recountErrand(rules: TallyRules, errand: ErrandTable): ErrandIncrement[] {
  const increments = countEvent(rules, errand, 'logged', new Date(errand.created_at));
  if (errand.done_at) increments.push(...countDone(rules, errand, new Date(errand.done_at)));
  if (errand.confirmed_at) increments.push(...countEvent(rules, errand, 'confirmed', new Date(errand.confirmed_at)));
  if (errand.cancelled_at) increments.push(...countEvent(rules, errand, 'cancelled', new Date(errand.cancelled_at)));
  return increments;
}
