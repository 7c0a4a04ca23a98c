import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { FileStorage } from './files/files.storage.ts';
import type { Log } from './log.ts';
import type { Secrets } from './secrets.ts';

/** What every module's routes, commands and jobs are given: the platform's shared parts. */
export interface Platform {
  config: Config;
  secrets: Secrets;
  database: Database;
  log: Log;
  clock: Clock;
  /** Photos and attachments, by content. */
  files: FileStorage;
}
