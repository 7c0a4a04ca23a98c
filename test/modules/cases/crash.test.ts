import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.ts';
import { startServer } from '../../../src/server.ts';
import { EXPOSED_RUBBISH, makeCaseWorld } from '../../support/cases.ts';
import { pollHealth, spawnServe, type ServeProcess } from '../../support/cli.ts';
import { DATABASES, scratch, type Scratch } from '../../support/databases.ts';
import { PASSWORD } from '../../support/factories.ts';

/**
 * Nothing acknowledged is ever lost: reports pour in from several phones, the server is killed with
 * SIGKILL mid-stream, and after a restart every report that was answered 201 is there.
 */
describe.each(DATABASES)('a server killed while reports pour in, on %s', (kind) => {
  let space: Scratch | undefined;
  let serve: ServeProcess | undefined;
  afterEach(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await space?.dispose();
  });

  it('keeps every report that got a 201', async () => {
    space = await scratch(kind);
    const env = { ...space.env, WANGGE_DEMO: '0', LOGIN_RATE_PER_IP: '10000' };
    const setup = await startServer(loadConfig(env), { jobs: false, webDir: '/nonexistent' });
    const world = await makeCaseWorld(setup.platform);
    await setup.close();

    serve = await spawnServe(env);
    await pollHealth(serve, (answer) => answer.status === 200);
    const login = await fetch(`${serve.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: world.users.worker.username, password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };

    const acknowledged: string[] = [];
    let killed = false;
    const phone = async (n: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const answer = await fetch(`${serve!.url}/api/cases`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `phone-${n}-${i}` },
            body: JSON.stringify({ categoryCode: EXPOSED_RUBBISH.category, description: `第${n}部手机第${i}次上报`, areaCode: world.codes.homeMicrogrid }),
          });
          if (answer.status === 201) acknowledged.push(((await answer.json()) as { id: string }).id);
        } catch {
          // The connection died with the server: not acknowledged, so not promised.
        }
      }
    };
    const phones = [1, 2, 3, 4].map(phone);
    while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 20));
    serve.child.kill('SIGKILL');
    killed = true;
    await Promise.all(phones);
    await serve.exited;

    const restarted = await startServer(loadConfig(env), { jobs: false, webDir: '/nonexistent' });
    try {
      const stored = await restarted.platform.database.db.selectFrom('dispatch_case').select('id').execute();
      const ids = new Set(stored.map((row) => row.id));
      expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
      // Each stored case is whole: its timeline's first event and its counter are there too.
      const reports = await restarted.platform.database.db.selectFrom('case_event').select('case_id').where('action', '=', 'report').execute();
      expect(reports.length).toBe(stored.length);
      const tally = await restarted.platform.database.db
        .selectFrom('case_tally')
        .select((eb) => eb.fn.sum<number>('count').as('n'))
        .where('measure', '=', 'reported')
        .where('unit_code', '=', world.codes.district)
        .executeTakeFirstOrThrow();
      expect(Number(tally.n)).toBe(stored.length);
    } finally {
      await restarted.close();
    }
  });
});
