import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * Indexes for a registry at city scale (`wangge demo --scale 10`: ~26,000 micro-grids, ~1.6 million
 * residents). Residents and households already have (microgrid_code, id), which scoped pages read as
 * one range since scope filters are code ranges (platform/db/prefix.ts). What was missing is on the org
 * tree: the micro-grids under a unit (the map at `level=microgrid`, the summary's unserved micro-grids)
 * and the locator's change stamp (count, sum of versions, latest change of all micro-grids, read on
 * every lookup) both filter on level and then code; with version and updated_at in the index the
 * stamp never touches the table. It supersedes the index on level alone.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('org_unit_level_code').on('org_unit').columns(['level', 'code', 'version', 'updated_at']).execute();
  await db.schema.dropIndex('org_unit_level').execute();
}
