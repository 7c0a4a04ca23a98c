import { loadConfig } from '../platform/config.ts';
import type { Platform } from '../platform/context.ts';
import { createLog } from '../platform/log.ts';
import { migrateToLatest, openPlatform } from '../platform/open.ts';

/** Opens the platform for one CLI command (migrated, quiet logs), runs it, and closes it again. */
export async function withPlatform<T>(run: (platform: Platform) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const platform = openPlatform(config, { log: createLog(process.env.LOG_LEVEL ?? 'warn') });
  try {
    await migrateToLatest(platform);
    return await run(platform);
  } finally {
    await platform.database.close();
  }
}
