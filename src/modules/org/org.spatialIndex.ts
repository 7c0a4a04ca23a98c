import type { Db } from '../../platform/db/database.ts';
import type { AreaGeometry, Position } from './org.geometry.ts';
import { Locator } from './org.locator.ts';
import { listMicrogridBoundaries, unitsStamp } from './org.repository.ts';

/**
 * The locator of a database's micro-grids, kept in memory and rebuilt when they change. Each
 * lookup first reads a cheap stamp (count and latest change of the micro-grids), so an instance
 * notices boundaries imported through another instance too; concurrent lookups share one rebuild.
 */
export class MicrogridIndex {
  private built: { stamp: string; locator: Locator } | undefined;
  private rebuilding: Promise<{ stamp: string; locator: Locator }> | undefined;

  constructor(private readonly db: Db) {}

  async locate(point: Position): Promise<string | null> {
    return (await this.current()).locate(point);
  }

  private async current(): Promise<Locator> {
    const stamp = await unitsStamp(this.db, 'microgrid');
    if (this.built?.stamp === stamp) return this.built.locator;
    this.rebuilding ??= this.rebuild(stamp).finally(() => (this.rebuilding = undefined));
    this.built = await this.rebuilding;
    return this.built.locator;
  }

  private async rebuild(stamp: string): Promise<{ stamp: string; locator: Locator }> {
    const rows = await listMicrogridBoundaries(this.db);
    const locator = new Locator(rows.map((row) => ({ code: row.code, geometry: JSON.parse(row.geometry!) as AreaGeometry })));
    return { stamp, locator };
  }
}

const indexes = new WeakMap<Db, MicrogridIndex>();

/** The one index of a database in this process. */
export function microgridIndexOf(db: Db): MicrogridIndex {
  let index = indexes.get(db);
  if (!index) indexes.set(db, (index = new MicrogridIndex(db)));
  return index;
}
