import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * The curtain pact's deadline sweep at 100,000 subjects (docs/benchmarks.md "Curtain pact: deadline
 * sweep"): at a deadline every waiting check falls due at the same instant, and the sweep claims them
 * a batch at a time in (deadline, id) order. With the id in the index each batch is read in that
 * order from the index alone; without it every batch sorted all the checks still due. It supersedes
 * the index on (state, due_at).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('care_check_state_due_id').on('care_check').columns(['state', 'due_at', 'id']).execute();
  await db.schema.dropIndex('care_check_state_due').execute();
}
