import { loadConfig } from '../platform/config.ts';
import type { Platform } from '../platform/context.ts';
import { createLog } from '../platform/log.ts';
import { registerPolicies } from '../platform/authz/policy.ts';
import { openPlatform } from '../platform/open.ts';
import { migrateToLatest } from '../schema.ts';
import { modules } from '../modules/index.ts';

/**
 * Opens the platform for one CLI command (quiet logs, the modules' policies declared, the schema
 * migrated unless the command is `migrate` itself), runs it, and closes it again.
 */
export async function withPlatform<T>(run: (platform: Platform) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const platform = openPlatform(config, { log: createLog(process.env.LOG_LEVEL ?? 'warn') });
  for (const module of modules) if (module.policies) registerPolicies(module.policies);
  try {
    if (options.migrate !== false) await migrateToLatest(platform);
    return await run(platform);
  } finally {
    await platform.database.close();
  }
}
