import type { Command } from 'commander';
import { MAX_DEMO_SCALE } from '../demo/city.ts';
import { loadDemo } from '../demo/firstStart.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';
import { action, CliError } from './io.ts';
import { withPlatform } from './withPlatform.ts';

/**
 * Loads the demo district into an empty database, on SQLite or PostgreSQL (the first start does
 * this by itself for an empty embedded database). Refuses a database that already holds a district.
 * `--scale N` loads N districts side by side (a city, src/demo/city.ts) for benchmarks.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('load the synthetic demo district 马村区 into an empty database (for evaluation)')
    .option('--scale <districts>', `districts side by side, a city for benchmarks (1-${MAX_DEMO_SCALE})`, '1')
    .action(
      action(async (options: { scale: string }) => {
        const scale = Number(options.scale);
        if (!Number.isInteger(scale) || scale < 1 || scale > MAX_DEMO_SCALE) {
          throw new CliError(`--scale takes a whole number of districts from 1 to ${MAX_DEMO_SCALE}, got "${options.scale}"`);
        }
        await withPlatform(async (platform) => {
          const existing = await installedDistrict(platform.database.db);
          if (existing)
            throw new CliError(
              `this database already holds the district ${existing.code} ${existing.name}; the demo only loads into an empty one`,
            );
          await loadDemo(platform, {
            scale,
            onDistrict: (district, index, seconds) => {
              if (scale > 1)
                process.stdout.write(`${index + 1}/${scale}: ${district.code} ${district.name} loaded in ${seconds.toFixed(1)} s\n`);
            },
          });
          process.stdout.write(
            `demo ${scale > 1 ? `city of ${scale} districts` : 'district'} loaded; every demo account's password is DEMO_PASSWORD (${platform.config.demoPassword === 'wangge-demo' ? 'wangge-demo' : 'as configured'})\n`,
          );
        });
      }),
    );
}
