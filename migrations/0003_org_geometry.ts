import type { AnyDb } from '../src/platform/db/dialect.ts';

/** Boundaries of org units (GeoJSON in WGS-84, as text) with their centroid and area, for the map and the locator. */
export async function up(db: AnyDb): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  await db.schema.alterTable('org_unit').addColumn('geometry', 'text').execute();
  await db.schema.alterTable('org_unit').addColumn('centroid_lng', 'double precision').execute();
  await db.schema.alterTable('org_unit').addColumn('centroid_lat', 'double precision').execute();
  await db.schema.alterTable('org_unit').addColumn('area_m2', 'double precision').execute();
  await db.schema.createIndex('org_unit_level').on('org_unit').column('level').execute();
}
