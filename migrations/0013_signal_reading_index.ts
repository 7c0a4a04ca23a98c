import { sql } from 'kysely';
import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * The signal log's second index is read only for meter readings (`readingAtOrBefore`,
 * `readingAtOrAfter`: a subject's readings of one meter around a window's opening), yet every door,
 * curtain, tick and link signal paid to keep it: one more leaf page written with each signal, and
 * at thousands of signals a second the pages a commit writes are most of its cost (docs/benchmarks.md
 * "Curtain pact: MQTT ingest"). It is now partial, over readings only (the queries ask for
 * `value is not null`), and keyed by the meter too, so a reading is found by equality up to its time.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('care_signal_reading')
    .on('care_signal')
    .columns(['subject_id', 'type', 'origin', 'ts'])
    .where(sql.ref('value'), 'is not', null)
    .execute();
  await db.schema.dropIndex('care_signal_subject_type_ts').execute();
}
