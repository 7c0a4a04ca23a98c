import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * The people registry: buildings, households, residents and micro-grid workers (DOMAIN.md §3).
 * ID numbers, phones and health notes are stored encrypted (`*_enc`) with a keyed hash beside the
 * first two (`*_index`) for exact-match search; `microgrid_code` is repeated on households and
 * residents so every scoped query is one indexed prefix filter.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('building')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('microgrid_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('lng', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('building_microgrid').on('building').column('microgrid_code').execute();

  await db.schema
    .createTable('household')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('building_id', 'text', (c) => c.references('building.id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('household_microgrid').on('household').columns(['microgrid_code', 'id']).execute();

  await db.schema
    .createTable('resident')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'text')
    .addColumn('id_number_enc', 'text')
    .addColumn('id_number_index', 'text')
    .addColumn('phone_enc', 'text')
    .addColumn('phone_index', 'text')
    .addColumn('health_notes_enc', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('resident_microgrid').on('resident').columns(['microgrid_code', 'id']).execute();
  await db.schema.createIndex('resident_household').on('resident').column('household_id').execute();
  await db.schema.createIndex('resident_id_number').on('resident').column('id_number_index').execute();
  await db.schema.createIndex('resident_phone').on('resident').column('phone_index').execute();
  await db.schema.createIndex('resident_name').on('resident').column('name').execute();

  await db.schema
    .createTable('worker')
    .addColumn('resident_id', 'text', (c) => c.primaryKey().references('resident.id'))
    .addColumn('user_id', 'text', (c) => c.unique().references('app_user.id'))
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('worker_microgrid')
    .addColumn('resident_id', 'text', (c) => c.notNull().references('worker.resident_id'))
    .addColumn('microgrid_code', 'text', (c) => c.notNull().references('org_unit.code'))
    .addColumn('since', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worker_microgrid_pk', ['resident_id', 'microgrid_code'])
    .execute();
  await db.schema.createIndex('worker_microgrid_code').on('worker_microgrid').column('microgrid_code').execute();
}
