import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Platform } from './context.ts';
import { openDatabase } from './db/database.ts';
import { localFileStorage } from './files/files.storage.ts';
import { createLog, type Log } from './log.ts';
import { resolveSecrets } from './secrets.ts';

export interface OpenOptions {
  clock?: Clock;
  log?: Log;
}

/** Opens the platform's shared parts for a server or a CLI command. */
export function openPlatform(config: Config, options: OpenOptions = {}): Platform {
  const log = options.log ?? createLog(config.logLevel);
  return {
    config,
    secrets: resolveSecrets(config),
    database: openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log }),
    log,
    clock: options.clock ?? systemClock,
    files: localFileStorage(config.dataDir),
  };
}
