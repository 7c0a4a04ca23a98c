import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * Notifications out (docs/notifications.md): the in-app inbox, the outbox the dispatcher sends from,
 * and each unit's external channels. Idempotency lives in the database: a dedupe key is UNIQUE in the
 * inbox and in the outbox, and writers insert with ON CONFLICT DO NOTHING.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('inbox_message')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_code', 'text')
    .addColumn('user_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('read_by', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .execute();
  // "My inbox" is the messages of my account or of my unit, newest (highest ULID) first.
  await db.schema.createIndex('inbox_message_unit').on('inbox_message').columns(['unit_code', 'id']).execute();
  await db.schema.createIndex('inbox_message_user').on('inbox_message').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('notify_channel')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url_enc', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('phones_enc', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('notify_channel_unit').on('notify_channel').columns(['unit_code', 'id']).execute();

  await db.schema
    .createTable('notify_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text')
    .addColumn('unit_code', 'text')
    .addColumn('payload_enc', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .execute();
  // The dispatcher's question: pending rows due by now, earliest first.
  await db.schema.createIndex('notify_outbox_due').on('notify_outbox').columns(['state', 'next_attempt_at']).execute();
  // The dead letters of a unit's subtree, by id.
  await db.schema.createIndex('notify_outbox_state_unit').on('notify_outbox').columns(['state', 'unit_code', 'id']).execute();
}
