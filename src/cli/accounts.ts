import type { Command } from 'commander';
import { systemActor } from '../platform/authz/actor.ts';
import { ROLES, isRole } from '../platform/authz/roles.ts';
import { createApiKey, revokeApiKey } from '../modules/accounts/commands/apiKeys.ts';
import { createUser } from '../modules/accounts/commands/createUser.ts';
import { resetPassword } from '../modules/accounts/commands/setPassword.ts';
import { listVisibleApiKeys, listVisibleUsers } from '../modules/accounts/accounts.queries.ts';
import { findUserByUsername } from '../modules/accounts/accounts.repository.ts';
import { action, CliError, printTable, readPassword } from './io.ts';
import { withPlatform } from './withPlatform.ts';

const cli = () => ({ actor: systemActor('cli'), requestId: null });

export function registerAccountCommands(program: Command): void {
  const user = program.command('user').description('staff accounts');
  user
    .command('add <username>')
    .description('create an account (password asked for, or read from --password-file)')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .option('--scope <code>', 'org unit (office roles) or department code (department staff)')
    .option('--microgrids <codes>', 'comma-separated micro-grid codes (workers)')
    .option('--name <displayName>', 'name shown in the console')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .action(
      action(
        async (username: string, options: { role: string; scope?: string; microgrids?: string; name?: string; passwordFile?: string }) => {
          if (!isRole(options.role)) throw new CliError(`unknown role ${options.role}; one of: ${ROLES.join(', ')}`);
          const password = await readPassword(options.passwordFile, `password for ${username}`);
          await withPlatform(async (platform) => {
            const created = await createUser(platform, cli(), {
              username,
              displayName: options.name ?? username,
              password,
              role: options.role as (typeof ROLES)[number],
              scopeCode: options.scope ?? null,
              microgrids: options.microgrids ? options.microgrids.split(',').map((c) => c.trim()) : [],
            });
            process.stdout.write(`created ${created.username} (${created.role}) id ${created.id}\n`);
          });
        },
      ),
    );
  user
    .command('passwd <username>')
    .description("set an account's password and end its sessions")
    .option('--password-file <file>', 'read the password from the first line of this file')
    .action(
      action(async (username: string, options: { passwordFile?: string }) => {
        const password = await readPassword(options.passwordFile, `new password for ${username}`);
        await withPlatform(async (platform) => {
          const found = await findUserByUsername(platform.database.db, username);
          if (!found) throw new CliError(`no user ${username}`);
          await resetPassword(platform, cli(), found.id, password);
          process.stdout.write(`password of ${username} changed; their sessions have ended\n`);
        });
      }),
    );
  user
    .command('list')
    .description('list accounts')
    .option('--role <role>', 'only this role')
    .action(
      action(async (options: { role?: string }) => {
        await withPlatform(async (platform) => {
          const rows: Record<string, unknown>[] = [];
          let after: string | undefined;
          do {
            const page = await listVisibleUsers(platform.database.db, systemActor('cli'), { role: options.role, after, limit: 200 });
            for (const u of page.users) {
              const scope = u.role === 'microgrid_worker' ? (page.microgrids.get(u.id) ?? []).join(',') : (u.scope_code ?? '');
              rows.push({ username: u.username, role: u.role, scope, name: u.display_name, disabled: u.disabled ? 'yes' : '' });
            }
            after = page.nextCursor ?? undefined;
          } while (after);
          printTable(rows);
        });
      }),
    );

  const apikey = program.command('apikey').description('API keys for integrations, devices and Open311 clients');
  apikey
    .command('create')
    .description('create a key; it is printed once and stored only as its SHA-256')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scope <code>', 'org unit the key may act in')
    .option('--purpose <purpose>', 'integration | device | open311', 'integration')
    .action(
      action(async (options: { name: string; scope: string; purpose: string }) => {
        if (!['integration', 'device', 'open311'].includes(options.purpose))
          throw new CliError('purpose must be integration, device or open311');
        await withPlatform(async (platform) => {
          const { key, row } = await createApiKey(platform, cli(), {
            name: options.name,
            scopeCode: options.scope,
            purpose: options.purpose as 'integration' | 'device' | 'open311',
          });
          process.stdout.write(`id ${row.id}\nkey ${key}\n(store it now: it cannot be shown again)\n`);
        });
      }),
    );
  apikey
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(
      action(async () => {
        await withPlatform(async (platform) => {
          const keys = await listVisibleApiKeys(platform.database.db, systemActor('cli'));
          printTable(
            keys.map((k) => ({
              id: k.id,
              prefix: k.key_prefix,
              name: k.name,
              purpose: k.purpose,
              scope: k.scope_code,
              revoked: k.revoked_at ?? '',
              lastUsed: k.last_used_at ?? '',
            })),
          );
        });
      }),
    );
  apikey
    .command('revoke <id>')
    .description('revoke a key at once')
    .action(
      action(async (id: string) => {
        await withPlatform(async (platform) => {
          const row = await revokeApiKey(platform, cli(), id);
          process.stdout.write(`revoked ${row.key_prefix}… (${row.name})\n`);
        });
      }),
    );
}
