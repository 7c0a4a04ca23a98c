import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.ts';
import { HAS_POSTGRES, scratch, type Scratch } from '../../support/databases.ts';
import { passwordFile, pollHealth, runCli, spawnServe, type ServeProcess } from '../../support/cli.ts';

/**
 * Several instances share one PostgreSQL (DESIGN.md "shared DB"). A deployment restarts them all
 * at once, so two fresh processes race to migrate the same empty database.
 */
describe.skipIf(!HAS_POSTGRES)('two app instances against one PostgreSQL', () => {
  let space: Scratch;
  let otherDataDir: string;
  let instances: ServeProcess[] = [];

  beforeAll(async () => {
    space = await scratch('postgres');
    otherDataDir = mkdtempSync(join(tmpdir(), 'wangge-test-'));
  });
  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    rmSync(otherDataDir, { recursive: true, force: true });
    await space?.dispose();
  });

  const sharedEnv = () => ({
    DATABASE_URL: space.databaseUrl!,
    LOG_LEVEL: 'warn',
    AUDIT_KEY: 'audit-key-shared-by-every-instance-0123456789',
    SESSION_SECRET: 'session-secret-shared-by-every-instance-0123456789',
  });

  const migrationLedger = async () => {
    const client = new pg.Client({ connectionString: space.databaseUrl });
    await client.connect();
    try {
      return (
        await client.query<{ name: string; n: number }>(
          'select name, count(*)::int as n from schema_migrations group by name order by name',
        )
      ).rows;
    } finally {
      await client.end();
    }
  };

  it('start at the same moment without migration errors', async () => {
    // Same tick: neither process can finish migrating before the other one starts.
    const [first, second] = await Promise.all([
      spawnServe({ ...sharedEnv(), DATA_DIR: space.dataDir }),
      spawnServe({ ...sharedEnv(), DATA_DIR: otherDataDir }),
    ]);
    instances = [first, second];

    // Up, on a database nobody has set up yet: "uninitialised" until `wangge init`.
    for (const instance of instances) {
      const health = await pollHealth(instance, (a) => a.body.status !== 'starting');
      expect(health).toMatchObject({ status: 503, body: { status: 'uninitialised', db: 'postgres' } });
    }

    for (const instance of instances) {
      expect(instance.child.exitCode).toBeNull();
      const { stdout, stderr } = instance.output();
      expect(stderr).not.toMatch(/error|migrat/i);
      expect(stdout).not.toMatch(/"level":(50|60)/);
    }
    expect(await migrationLedger()).toEqual(migrations.map((m) => ({ name: m.name, n: 1 })));
  });

  it('both become healthy once the district is set up with `wangge init`', async () => {
    const init = await runCli(
      [
        'init',
        '--district-code',
        '410804',
        '--district-name',
        '马村区',
        '--password-file',
        passwordFile(otherDataDir, 'first-admin-password'),
      ],
      { ...sharedEnv(), DATA_DIR: otherDataDir },
    );
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain('district 410804 马村区 set up');

    for (const instance of instances) {
      const health = await pollHealth(instance, (a) => a.status === 200);
      expect(health.body).toMatchObject({ status: 'ok', db: 'postgres' });
    }
  });

  it('both stop cleanly on SIGTERM', async () => {
    const codes = await Promise.all(instances.map((instance) => instance.stop()));
    expect(codes).toEqual([0, 0]);
    for (const instance of instances) expect(instance.output().stderr).toBe('');
  });
});
