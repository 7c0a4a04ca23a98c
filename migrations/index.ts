import type { Migration } from '../src/platform/db/migrator.ts';
import * as spine from './0001_spine.ts';

/** Every migration, in the order it runs. A new migration is a new file and one line here. */
export const migrations: Migration[] = [{ name: '0001_spine', up: spine.up }];
