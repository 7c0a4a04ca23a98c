import type { Command } from 'commander';
import { loadConfig } from '../platform/config.ts';
import { migrateToLatest } from '../schema.ts';
import { startServer } from '../server.ts';
import { action } from './io.ts';
import { withPlatform } from './withPlatform.ts';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the platform (API, console at /, worker H5 at /m)')
    .action(
      action(async () => {
        const server = await startServer(loadConfig());
        server.platform.log.info({ url: server.url }, 'wangge serving');
        const stop = (signal: string) => {
          server.platform.log.info({ signal }, 'shutting down: finishing requests in flight');
          server.close().then(
            () => process.exit(0),
            (error: Error) => {
              server.platform.log.error({ err: error.message }, 'unclean shutdown');
              process.exit(1);
            },
          );
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      }),
    );
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(
      action(async () => {
        await withPlatform(
          async (platform) => {
            const applied = await migrateToLatest(platform);
            process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
          },
          { migrate: false },
        );
      }),
    );
}
