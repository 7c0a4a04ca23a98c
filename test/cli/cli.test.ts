import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { modules } from '../../src/modules/index.ts';
import { registerPolicies } from '../../src/platform/authz/policy.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/context.ts';
import { openPlatform } from '../../src/platform/open.ts';
import { migrateToLatest } from '../../src/schema.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { scratch, type Scratch } from '../support/databases.ts';
import { makeUser, makeWorld } from '../support/factories.ts';
import { passwordFile, runCli } from '../support/cli.ts';

/** The platform without its HTTP front, on a data dir, with the modules' policies as the app has them. */
async function openDataDir(dataDir: string): Promise<Platform> {
  for (const module of modules) if (module.policies) registerPolicies(module.policies);
  const platform = openPlatform(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', WANGGE_DEMO: '0' }));
  await migrateToLatest(platform);
  return platform;
}

async function inDataDir<T>(dataDir: string, run: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await openDataDir(dataDir);
  try {
    return await run(platform);
  } finally {
    await platform.database.close();
  }
}

describe.concurrent('wangge --help', () => {
  it('lists the operator commands', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    for (const command of ['serve', 'init', 'demo', 'migrate', 'user', 'apikey', 'backup', 'restore', 'audit']) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });
});

describe.concurrent('wangge migrate on an empty data dir', () => {
  let space: Scratch;
  beforeAll(async () => {
    space = await scratch('sqlite');
  });
  afterAll(() => space?.dispose());

  it('applies the migrations once, then finds the schema up to date', async () => {
    const first = await runCli(['migrate'], { DATA_DIR: space.dataDir });
    expect(first).toMatchObject({ code: 0, stdout: `applied: ${migrations.map((m) => m.name).join(', ')}\n`, stderr: '' });
    const second = await runCli(['migrate'], { DATA_DIR: space.dataDir });
    expect(second).toMatchObject({ code: 0, stdout: 'schema is up to date\n', stderr: '' });
  });
});

/**
 * A real district set up from the command line on the embedded database, no demo. The steps build
 * on each other, so they run in order; the suite itself runs alongside the other suites.
 */
describe.concurrent('setting up and operating a district from the command line (SQLite)', () => {
  let space: Scratch;
  const env = () => ({ DATA_DIR: space.dataDir, WANGGE_DEMO: '0' });
  const wangge = (...args: string[]) => runCli(args, env());
  const secret = (password: string) => passwordFile(space.dataDir, password);

  beforeAll(async () => {
    space = await scratch('sqlite');
  });
  afterAll(() => space?.dispose());

  /** An in-process server on the same data dir, as the operator's running instance. */
  async function withServer(run: (server: RunningServer) => Promise<void>): Promise<void> {
    const server = await startServer(loadConfig({ ...env(), LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0' }), {
      jobs: false,
      webDir: '/nonexistent',
    });
    try {
      await run(server);
    } finally {
      await server.close();
    }
  }

  const district = (platform: Platform) =>
    platform.database.db.selectFrom('org_unit').selectAll().where('level', '=', 'district').execute();

  it.sequential('init refuses a password shorter than 8 characters and sets nothing up', async () => {
    const refused = await wangge('init', '--district-code', '410804', '--district-name', '马村区', '--password-file', secret('short7!'));

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/at least 8 characters/);
    expect(await inDataDir(space.dataDir, district)).toEqual([]);
  });

  it.sequential('init with --password-file creates the district and its first admin', async () => {
    const init = await wangge(
      'init',
      '--district-code',
      '410804',
      '--district-name',
      '马村区',
      '--password-file',
      secret('first-admin-pw'),
    );

    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain('district 410804 马村区 set up; sign in as admin');
    const { units, admin } = await inDataDir(space.dataDir, async (platform) => ({
      units: await district(platform),
      admin: await platform.database.db.selectFrom('app_user').select(['username', 'role', 'scope_code']).execute(),
    }));
    expect(units).toMatchObject([{ code: '410804', name: '马村区', parent_code: null }]);
    expect(admin).toEqual([{ username: 'admin', role: 'district_admin', scope_code: '410804' }]);
  });

  it.sequential('demo refuses a database that already holds a real district', async () => {
    const refused = await wangge('demo');

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds the district 410804');
    expect(await inDataDir(space.dataDir, (platform) => platform.database.db.selectFrom('org_unit').select('code').execute())).toEqual([
      { code: '410804' },
    ]);
  });

  it.sequential('user add, user list and user passwd manage staff accounts', async () => {
    const added = await wangge(
      'user',
      'add',
      'zhang-lei',
      '--role',
      'leader',
      '--scope',
      '410804',
      '--name',
      '张磊',
      '--password-file',
      secret('first-password'),
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/^created zhang-lei \(leader\) id \w+/);

    const list = await wangge('user', 'list');
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^admin\s+district_admin\s+410804\s/m);
    expect(list.stdout).toMatch(/^zhang-lei\s+leader\s+410804\s+张磊/m);
    expect(list.stdout).not.toMatch(/argon2|password/i);

    const passwd = await wangge('user', 'passwd', 'zhang-lei', '--password-file', secret('second-password'));
    expect(passwd).toMatchObject({ code: 0, stdout: 'password of zhang-lei changed; their sessions have ended\n', stderr: '' });

    await withServer(async (server) => {
      const login = (password: string) =>
        server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang-lei', password } });
      expect((await login('first-password')).statusCode).toBe(401);
      expect((await login('second-password')).statusCode).toBe(200);
    });
  });

  it.sequential('apikey create prints the key once, apikey list never shows it, and a revoked key is refused', async () => {
    const created = await wangge('apikey', 'create', '--name', '门禁网关', '--scope', '410804', '--purpose', 'device');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const [, id] = created.stdout.match(/^id (\S+)$/m) ?? [];
    const [, key] = created.stdout.match(/^key (\S+)$/m) ?? [];
    expect(id).toBeTruthy();
    expect(key).toMatch(/^wgk_/);
    expect(created.stdout).toContain('cannot be shown again');

    const list = await wangge('apikey', 'list');
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('门禁网关');
    expect(list.stdout).toContain(key.slice(0, 10)); // the prefix, to recognise it by
    expect(list.stdout).not.toContain(key);

    await withServer(async (server) => {
      const me = () => server.app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': key } });
      expect((await me()).statusCode).toBe(200);

      const revoked = await wangge('apikey', 'revoke', id);
      expect(revoked).toMatchObject({ code: 0, stderr: '' });
      expect(revoked.stdout).toContain('revoked');

      const refused = await me();
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe('auth.required');
    });
  });
});

describe.concurrent('backup and restore of the embedded database', () => {
  let source: Scratch;
  let target: string;
  let backupDir: string;

  beforeAll(async () => {
    source = await scratch('sqlite');
    target = mkdtempSync(join(tmpdir(), 'wangge-restore-'));
    backupDir = mkdtempSync(join(tmpdir(), 'wangge-backup-'));
    await inDataDir(source.dataDir, async (platform) => {
      const world = await makeWorld(platform);
      await makeUser(platform, { role: 'microgrid_worker', microgrids: [world.codes.foreignMicrogrid] });
    });
  });
  afterAll(async () => {
    await source?.dispose();
    rmSync(target, { recursive: true, force: true });
    rmSync(backupDir, { recursive: true, force: true });
  });

  /** The same queries, asked of a data dir: every spine table in key order. */
  const snapshot = (dataDir: string) =>
    inDataDir(dataDir, async (platform) => {
      const { db } = platform.database;
      return {
        org_unit: await db.selectFrom('org_unit').selectAll().orderBy('code').execute(),
        app_user: await db.selectFrom('app_user').selectAll().orderBy('id').execute(),
        user_microgrid: await db.selectFrom('user_microgrid').selectAll().orderBy('user_id').orderBy('microgrid_code').execute(),
        api_key: await db.selectFrom('api_key').selectAll().orderBy('id').execute(),
        audit_record: await db.selectFrom('audit_record').selectAll().orderBy('seq').execute(),
        audit_seal: await db.selectFrom('audit_seal').selectAll().orderBy('seq').execute(),
      };
    });

  it.sequential('backup then restore into an empty data dir gives identical query results', async () => {
    const file = join(backupDir, 'wangge-backup.sqlite');
    const backup = await runCli(['backup', file], { DATA_DIR: source.dataDir });
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    expect(backup.stdout).toContain(`backed up to ${file}`);

    const restore = await runCli(['restore', file], { DATA_DIR: target });
    expect(restore).toMatchObject({ code: 0, stderr: '' });

    const before = await snapshot(source.dataDir);
    expect(before.org_unit.length).toBeGreaterThan(10);
    expect(before.audit_record.length).toBeGreaterThan(10);
    expect(await snapshot(target)).toEqual(before);
  });

  it.sequential('restore refuses to replace an existing database without --force', async () => {
    const file = join(backupDir, 'wangge-backup.sqlite');
    expect(existsSync(file)).toBe(true);

    const refused = await runCli(['restore', file], { DATA_DIR: target });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');

    const forced = await runCli(['restore', '--force', file], { DATA_DIR: target });
    expect(forced).toMatchObject({ code: 0, stderr: '' });
    expect(await snapshot(target)).toEqual(await snapshot(source.dataDir));
  });

  it.sequential('with DATABASE_URL set, backup and restore point to pg_dump and exit 2', async () => {
    const env = { DATA_DIR: target, DATABASE_URL: 'postgres://wangge@127.0.0.1:1/wangge' };
    const [backup, restore] = await Promise.all([runCli(['backup', 'dump.pgc'], env), runCli(['restore', 'dump.pgc'], env)]);
    for (const result of [backup, restore]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('pg_dump --format=custom --file=dump.pgc "$DATABASE_URL"');
      expect(result.stdout).toContain('pg_restore');
    }
  });
});
