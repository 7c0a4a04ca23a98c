import { sql } from 'kysely';
import type { AnyDb } from '../src/platform/db/dialect.ts';

/**
 * Indexes for a registry at city scale (`wangge demo --scale 10`: ~26,000 micro-grids, ~1.6 million
 * residents). Residents and households already have (microgrid_code, id), which scoped pages read as
 * one range since scope filters are code ranges (platform/db/prefix.ts). What was missing is on the org
 * tree: the micro-grids under a unit (the map at `level=microgrid`, the summary's unserved micro-grids)
 * and the locator's change stamp (count, sum of versions, latest change of all micro-grids, read on
 * every lookup) both filter on level and then code; with version and updated_at in the index the
 * stamp never touches the table. It supersedes the index on level alone.
 *
 * Two of the registry's rules are also kept by the database, so that two editors (or an import and an
 * editor) racing each other cannot both pass the command's check: one worker per micro-grid, and one
 * entry per ID number (its keyed hash). Each supersedes the plain index on the same column.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('org_unit_level_code').on('org_unit').columns(['level', 'code', 'version', 'updated_at']).execute();
  await db.schema.dropIndex('org_unit_level').execute();

  await db.schema.createIndex('worker_microgrid_one_worker').on('worker_microgrid').column('microgrid_code').unique().execute();
  await db.schema.dropIndex('worker_microgrid_code').execute();
  await db.schema
    .createIndex('resident_one_id_number')
    .on('resident')
    .column('id_number_index')
    .unique()
    .where(sql.ref('id_number_index'), 'is not', null)
    .execute();
  await db.schema.dropIndex('resident_id_number').execute();
}
