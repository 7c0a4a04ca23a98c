import { sql } from 'kysely';
import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * Indexes for the case lists and rankings at a million cases (docs/benchmarks.md "Cases"; the lists
 * choose which index drives in `listCases`, cases.repository.ts).
 *
 * - A leaf category's cases newest first, with the area, so a scoped page is checked from the index.
 * - The cases whose stage clock runs: `stage_due_at` is set exactly while a case is open with a time
 *   limit, a few percent of all cases. Overdue lists walk it newest first and check area, deadline and
 *   state from the index; any `stage_due_at < ?` implies the partial index's condition on both databases.
 * - A ranking reads the month's counters of its units, measure by measure: with count in the index,
 *   each (unit, measure) is one seek read from the index alone, already in the order it is summed in.
 *   It supersedes the index on (day, unit_code), which read every unit's month and then each row.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('dispatch_case_category_id').on('dispatch_case').columns(['category_code', 'id', 'area_code']).execute();
  await db.schema
    .createIndex('dispatch_case_open')
    .on('dispatch_case')
    .columns(['id', 'area_code', 'stage_due_at', 'state'])
    .where(sql.ref('stage_due_at'), 'is not', null)
    .execute();
  await db.schema.createIndex('case_tally_unit_measure').on('case_tally').columns(['unit_code', 'measure', 'day', 'count']).execute();
  await db.schema.dropIndex('case_tally_day').execute();
}
