import { scopePrefixes, type Actor } from '../../platform/authz/actor.ts';
import type { Db } from '../../platform/db/database.ts';
import type { AreaGeometry } from './org.geometry.ts';
import { getVisibleUnit } from './org.queries.ts';
import { findUnitsByCode, listUnitsUnder, type OrgUnit } from './org.repository.ts';

/**
 * The tree in bulk, for the spreadsheet export and import (the transfer module): a whole subtree at
 * once, and the boundaries of many micro-grids to check positions against.
 */

/** A unit the actor may see and every unit under it inside the actor's scope, in code order. */
export async function unitsUnder(db: Db, actor: Actor, code: string): Promise<Pick<OrgUnit, 'code' | 'name' | 'level'>[]> {
  await getVisibleUnit(db, actor, code);
  return listUnitsUnder(db, code, scopePrefixes(actor.scope));
}

/** The boundaries of these micro-grids, where they have one (WGS-84). */
export async function microgridBoundaries(db: Db, codes: string[]): Promise<Map<string, AreaGeometry>> {
  const units = await findUnitsByCode(db, [...new Set(codes)]);
  return new Map(
    units.filter((u) => u.level === 'microgrid' && u.geometry !== null).map((u) => [u.code, JSON.parse(u.geometry!) as AreaGeometry]),
  );
}
