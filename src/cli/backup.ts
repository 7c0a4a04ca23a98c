import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Command } from 'commander';
import { loadConfig } from '../platform/config.ts';
import { sqliteFile } from '../platform/db/database.ts';
import { action, CliError } from './io.ts';
import { withPlatform } from './withPlatform.ts';

const POSTGRES_WAY = (file: string) => `This installation uses PostgreSQL; back it up and restore it with PostgreSQL's own tools:

  pg_dump --format=custom --file=${file} "$DATABASE_URL"
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" ${file}

Keep DATA_DIR/secrets (or your SESSION_SECRET, AUDIT_KEY and PII_KEY) with the backup, but apart from it.
`;

export function registerBackupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description('copy the embedded database to <file> while the server runs (SQLite online backup)')
    .action(
      action(async (file: string) => {
        if (loadConfig().databaseUrl) {
          process.stdout.write(POSTGRES_WAY(file));
          process.exitCode = 2;
          return;
        }
        if (existsSync(file)) throw new CliError(`${file} exists; choose a new file`);
        await withPlatform(async (platform) => {
          await platform.database.sqlite!.backup(file);
        });
        process.stdout.write(
          `backed up to ${file}\nThe keys in DATA_DIR/secrets are not in the backup: keep a copy of them apart.\n` +
            'Photos are files under DATA_DIR/files (never rewritten): copy them alongside, e.g. rsync -a.\n',
        );
      }),
    );
  program
    .command('restore <file>')
    .description('restore a backup into DATA_DIR (server stopped; --force replaces an existing database)')
    .option('--force', 'replace the existing database')
    .action(
      action(async (file: string, options: { force?: boolean }) => {
        const config = loadConfig();
        if (config.databaseUrl) {
          process.stdout.write(POSTGRES_WAY(file));
          process.exitCode = 2;
          return;
        }
        if (!existsSync(file)) throw new CliError(`no such file ${file}`);
        const target = sqliteFile(config.dataDir);
        if (existsSync(target) && !options.force) throw new CliError(`${target} exists; stop the server and pass --force to replace it`);
        const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
        try {
          const ledger = source.prepare("select count(*) as n from sqlite_master where name = 'schema_migrations'").get() as { n: number };
          if (ledger.n !== 1) throw new CliError(`${file} is not a Wangge backup`);
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
          mkdirSync(dirname(target), { recursive: true });
          await source.backup(target);
        } finally {
          source.close();
        }
        process.stdout.write(`restored ${file} into ${target}\n`);
      }),
    );
}
