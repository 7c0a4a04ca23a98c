import { sql } from 'kysely';
import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * Cases (吹哨报到, DOMAIN.md §4): the catalogue (categories, filing conditions, routing rules), the
 * work calendar, the cases themselves, the departments working each one, the timeline, the
 * escalations — unique per case, stage stay and rung, so several instances never climb twice — and
 * the per-unit, per-day counters the monthly rates are read from.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('case_category')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('parent_code', 'text', (c) => c.references('case_category.code'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('case_condition')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('category_code', 'text', (c) => c.notNull().references('case_category.code'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('limit_amount', 'double precision', (c) => c.notNull())
    .addColumn('limit_unit', 'text', (c) => c.notNull())
    .addColumn('closing', 'text', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('case_condition_category').on('case_condition').column('category_code').execute();

  await db.schema
    .createTable('case_route')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('category_code', 'text', (c) => c.notNull().references('case_category.code'))
    .addColumn('area_code', 'text', (c) => c.notNull())
    .addColumn('lead_department', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('co_handlers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('case_route_category_area').on('case_route').columns(['category_code', 'area_code']).unique().execute();

  await db.schema
    .createTable('work_calendar_day')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dispatch_case')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('category_code', 'text', (c) => c.notNull().references('case_category.code'))
    .addColumn('condition_code', 'text', (c) => c.references('case_condition.code'))
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('area_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('lng', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reporter_user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('reporter_name', 'text')
    .addColumn('reporter_contact_enc', 'text')
    .addColumn('external_ref', 'text', (c) => c.unique())
    .addColumn('external_due_at', 'text')
    .addColumn('lead_department', 'text', (c) => c.references('org_unit.code'))
    .addColumn('stage_seq', 'integer', (c) => c.notNull())
    .addColumn('stage_started_at', 'text', (c) => c.notNull())
    .addColumn('stage_due_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('rung', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('handling_due_at', 'text')
    .addColumn('dispatched_at', 'text')
    .addColumn('handled_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closure_type', 'text')
    .addColumn('solved', 'integer')
    .addColumn('satisfied', 'integer')
    .addColumn('evaluated_at', 'text')
    .addColumn('respond_by', 'text')
    .addColumn('tally_dispatch_day', 'text')
    .addColumn('tally_dispatch_department', 'text')
    .addColumn('tally_due_day', 'text')
    .addColumn('tally_due_department', 'text')
    .addColumn('tally_flags', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Scoped lists read a code range of the area, newest first; the sweeper reads what is due.
  await db.schema.createIndex('dispatch_case_area').on('dispatch_case').columns(['area_code', 'id']).execute();
  await db.schema.createIndex('dispatch_case_state').on('dispatch_case').columns(['state', 'id']).execute();
  await db.schema.createIndex('dispatch_case_reporter').on('dispatch_case').columns(['reporter_user_id', 'id']).execute();
  // The duplicate hint: open cases of one category in a band of latitude around a point.
  await db.schema.createIndex('dispatch_case_category_lat').on('dispatch_case').columns(['category_code', 'lat']).execute();
  await db.schema
    .createIndex('dispatch_case_due')
    .on('dispatch_case')
    .column('due_at')
    .where(sql.ref('due_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('case_handler')
    .addColumn('case_id', 'text', (c) => c.notNull().references('dispatch_case.id'))
    .addColumn('department_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('dispatched_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('case_handler_pk', ['case_id', 'department_code'])
    .execute();
  // A department's inbox: its cases, newest first.
  await db.schema.createIndex('case_handler_department').on('case_handler').columns(['department_code', 'case_id']).execute();

  await db.schema
    .createTable('case_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('dispatch_case.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('unit_code', 'text')
    .addColumn('note', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_event_case').on('case_event').columns(['case_id', 'id']).execute();

  // Per-unit, per-day counters of the rates (DOMAIN.md §4), kept as cases move (cases.tally.ts).
  await db.schema
    .createTable('case_tally')
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_tally_pk', ['unit_code', 'day', 'measure'])
    .execute();
  await db.schema.createIndex('case_tally_day').on('case_tally').columns(['day', 'unit_code']).execute();

  // The weights and exclusions of the monthly score: one row, edited by the district.
  await db.schema
    .createTable('case_rate_setting')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('case_escalation')
    .addColumn('case_id', 'text', (c) => c.notNull().references('dispatch_case.id'))
    .addColumn('stage_seq', 'integer', (c) => c.notNull())
    .addColumn('rung', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('to_unit', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_escalation_pk', ['case_id', 'stage_seq', 'rung'])
    .execute();
}
