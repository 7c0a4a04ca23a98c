import { sql } from 'kysely';
import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * Errands (帮办代办, DOMAIN.md §4): what a micro-grid worker does for a household, promised by when,
 * done, confirmed by the resident (the worker records it, or the resident taps a single-purpose
 * link whose SHA-256 alone is kept), and the per-unit, per-worker, per-day counters the monthly
 * figures are read from.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('errand')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('resident_id', 'text', (c) => c.references('resident.id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('worker_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('promised_by', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('confirmed_via', 'text')
    .addColumn('link_hash', 'text', (c) => c.unique())
    .addColumn('link_expires_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('overdue_notified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // "My errands", newest first; an office's list reads a code range of micro-grids.
  await db.schema.createIndex('errand_worker').on('errand').columns(['worker_user_id', 'id']).execute();
  await db.schema.createIndex('errand_microgrid').on('errand').columns(['microgrid_code', 'id']).execute();
  // The overdue sweep: errands still open past their promise that nobody was told about yet.
  await db.schema
    .createIndex('errand_open_promise')
    .on('errand')
    .columns(['state', 'promised_by'])
    .where(sql.ref('overdue_notified_at'), 'is', null)
    .execute();

  // Per unit (grid and above: worker_user_id '') and per worker in a micro-grid, per day.
  await db.schema
    .createTable('errand_tally')
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('worker_user_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('errand_tally_pk', ['unit_code', 'worker_user_id', 'day', 'measure'])
    .execute();
}
