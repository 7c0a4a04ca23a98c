import type { Command } from 'commander';
import { loadDemo } from '../demo/firstStart.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';
import { action, CliError } from './io.ts';
import { withPlatform } from './withPlatform.ts';

/**
 * Loads the demo district into an empty database, on SQLite or PostgreSQL (the first start does
 * this by itself for an empty embedded database). Refuses a database that already holds a district.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('load the synthetic demo district 马村区 into an empty database (for evaluation)')
    .action(
      action(async () => {
        await withPlatform(async (platform) => {
          const existing = await installedDistrict(platform.database.db);
          if (existing)
            throw new CliError(
              `this database already holds the district ${existing.code} ${existing.name}; the demo only loads into an empty one`,
            );
          await loadDemo(platform);
          process.stdout.write(
            `demo district loaded; every demo account's password is DEMO_PASSWORD (${platform.config.demoPassword === 'wangge-demo' ? 'wangge-demo' : 'as configured'})\n`,
          );
        });
      }),
    );
}
