import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * The curtain pact (窗帘之约, DOMAIN.md §5): people under care and their plans, away periods,
 * devices, one check per subject, day and window, alerts (one per missed check, one per panic
 * signal) with their timeline — unique per alert and step, so several instances never raise or climb
 * twice — the signals received (unique per origin and message id), rejected signals counted per day,
 * and the district's settings.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('care_subject')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().unique().references('resident.id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull())
    .addColumn('morning_start', 'text', (c) => c.notNull())
    .addColumn('morning_end', 'text', (c) => c.notNull())
    .addColumn('evening_start', 'text')
    .addColumn('evening_end', 'text')
    .addColumn('signals', 'text', (c) => c.notNull())
    .addColumn('water_litres', 'double precision')
    .addColumn('power_kwh', 'double precision')
    .addColumn('contacts_enc', 'text')
    .addColumn('health_notes_enc', 'text')
    .addColumn('link_hash', 'text', (c) => c.unique())
    .addColumn('link_issued_at', 'text')
    .addColumn('enrolled_via', 'text', (c) => c.notNull())
    .addColumn('planned_from', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // A scope's roster reads a code range of micro-grids.
  await db.schema.createIndex('care_subject_microgrid').on('care_subject').columns(['microgrid_code', 'id']).execute();

  await db.schema
    .createTable('care_away')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_id', 'text', (c) => c.notNull().references('care_subject.id'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('care_away_subject').on('care_away').columns(['subject_id', 'starts_at']).execute();

  await db.schema
    .createTable('care_device')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_id', 'text', (c) => c.notNull().references('care_subject.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('api_key_id', 'text', (c) => c.unique().references('api_key.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema.createIndex('care_device_subject').on('care_device').column('subject_id').execute();

  await db.schema
    .createTable('care_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_id', 'text', (c) => c.notNull().references('care_subject.id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('window_name', 'text', (c) => c.notNull())
    .addColumn('opens_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('safe_at', 'text')
    .addColumn('safe_via', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('care_check_subject_day_window', ['subject_id', 'day', 'window_name'])
    .execute();
  // The deadline sweep: waiting checks whose deadline passed, oldest first.
  await db.schema.createIndex('care_check_state_due').on('care_check').columns(['state', 'due_at']).execute();
  // A day's board and list for a scope.
  await db.schema.createIndex('care_check_microgrid_day').on('care_check').columns(['microgrid_code', 'day']).execute();

  await db.schema
    .createTable('care_alert')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.unique().references('care_check.id'))
    .addColumn('signal_key', 'text', (c) => c.unique())
    .addColumn('subject_id', 'text', (c) => c.notNull().references('care_subject.id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('window_name', 'text')
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('late_minutes', 'integer', (c) => c.notNull())
    .addColumn('rung', 'integer', (c) => c.notNull())
    .addColumn('next_rung_at', 'text')
    .addColumn('overdue_due_at', 'text')
    .addColumn('overdue_at', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('signal_at', 'text')
    .addColumn('signal_type', 'text')
    .addColumn('outcome', 'text')
    .addColumn('outcome_note', 'text')
    .addColumn('outcome_by', 'text')
    .addColumn('outcome_at', 'text')
    .addColumn('case_wanted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('case_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The ladder and the overdue flag: only alerts with something still to happen are in these.
  await db.schema.createIndex('care_alert_next_rung').on('care_alert').column('next_rung_at').execute();
  await db.schema.createIndex('care_alert_overdue_due').on('care_alert').column('overdue_due_at').execute();
  await db.schema.createIndex('care_alert_case_wanted').on('care_alert').column('case_wanted').execute();
  // Alerts of a scope by deadline (lists, monthly figures), and of a subject (history).
  await db.schema.createIndex('care_alert_microgrid_due').on('care_alert').columns(['microgrid_code', 'due_at']).execute();
  await db.schema.createIndex('care_alert_subject_due').on('care_alert').columns(['subject_id', 'due_at']).execute();

  await db.schema
    .createTable('care_alert_event')
    .addColumn('alert_id', 'text', (c) => c.notNull().references('care_alert.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('care_alert_event_pk', ['alert_id', 'step'])
    .execute();

  await db.schema
    .createTable('care_signal')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('effect', 'text', (c) => c.notNull())
    .addColumn('check_id', 'text')
    .addPrimaryKeyConstraint('care_signal_pk', ['origin', 'message_id'])
    .execute();
  // Meter baselines (the reading before a window opened) and a subject's signals of a day.
  await db.schema.createIndex('care_signal_subject_type_ts').on('care_signal').columns(['subject_id', 'type', 'ts']).execute();
  await db.schema.createIndex('care_signal_received').on('care_signal').column('received_at').execute();

  await db.schema
    .createTable('care_signal_rejection')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('care_signal_rejection_pk', ['day', 'channel', 'reason'])
    .execute();

  await db.schema
    .createTable('care_setting')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
}
