import type { Command } from 'commander';
import { systemActor } from '../platform/authz/actor.ts';
import { createUser } from '../modules/accounts/commands/createUser.ts';
import { findUserByUsername } from '../modules/accounts/accounts.repository.ts';
import { createDistrict } from '../modules/org/commands/createDistrict.ts';
import { installCaseDefaults } from '../modules/cases/commands/installCaseDefaults.ts';
import { installedDistrict } from '../modules/org/org.queries.ts';
import { checkPasswordStrength } from '../modules/accounts/accounts.validation.ts';
import { action, CliError, readPassword } from './io.ts';
import { withPlatform } from './withPlatform.ts';

/**
 * Sets up a real district: its code and name and its first district admin. The password is asked
 * for (or read from a file); there is never a default. Safe to re-run if it stopped half-way.
 */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('set up a real district and its first admin (no demo data)')
    .requiredOption('--district-code <code>', 'GB/T 2260 district code, e.g. 410804')
    .requiredOption('--district-name <name>', 'e.g. 马村区')
    .option('--admin <username>', 'username of the first district admin', 'admin')
    .option('--admin-name <name>', 'display name of the first admin', '区指挥中心管理员')
    .option('--password-file <file>', 'read the admin password from the first line of this file')
    .action(
      action(async (options: { districtCode: string; districtName: string; admin: string; adminName: string; passwordFile?: string }) => {
        const password = await readPassword(options.passwordFile, `password for ${options.admin}`);
        checkPasswordStrength(password);
        await withPlatform(async (platform) => {
          const by = { actor: systemActor('init'), requestId: null };
          const existing = await installedDistrict(platform.database.db);
          if (existing && existing.code !== options.districtCode) {
            throw new CliError(`already set up for district ${existing.code} ${existing.name}`);
          }
          if (!existing) await createDistrict(platform, by, options.districtCode, options.districtName);
          // Routing rules follow once departments are imported: `wangge cases defaults` or the console.
          await installCaseDefaults(platform, by, options.districtCode);
          if (await findUserByUsername(platform.database.db, options.admin)) throw new CliError(`user ${options.admin} already exists`);
          await createUser(platform, by, {
            username: options.admin,
            displayName: options.adminName,
            password,
            role: 'district_admin',
            scopeCode: options.districtCode,
            microgrids: [],
          });
          process.stdout.write(`district ${options.districtCode} ${options.districtName} set up; sign in as ${options.admin}\n`);
        });
      }),
    );
}
