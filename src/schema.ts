import { migrations } from '../migrations/index.ts';
import type { Platform } from './platform/context.ts';
import { migrate } from './platform/db/migrator.ts';

/**
 * Brings the schema up to date with the project's migration set; safe to call from several
 * instances at once. Lives above the platform because the migrations are the project's, not the
 * platform's.
 */
export function migrateToLatest(platform: Platform): Promise<string[]> {
  return migrate(platform.database, migrations);
}
