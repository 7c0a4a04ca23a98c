import type { AnyDb } from '../src/platform/db/dialect.ts';

/** Answers to writes made with an `Idempotency-Key`, so a retried request is answered, not redone. */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('idempotent_request')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idempotent_request_created').on('idempotent_request').column('created_at').execute();
}
