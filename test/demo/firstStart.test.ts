import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoOnFirstStart } from '../../src/demo/firstStart.ts';
import { signIn, startTestServer, type TestServer } from '../support/server.ts';

describe('the first start of an empty embedded database', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { WANGGE_DEMO: '1' });
  });
  afterAll(() => server?.dispose());

  it('loads the demo district of Macun with every level, boundaries and departments', async () => {
    const rows = await server.platform.database.db
      .selectFrom('org_unit')
      .select(['level', (eb) => eb.fn.countAll<number>().as('units'), (eb) => eb.fn.count<number>('geometry').as('drawn')])
      .groupBy('level')
      .execute();
    const byLevel = Object.fromEntries(rows.map((row) => [row.level, [Number(row.units), Number(row.drawn)]]));
    expect(byLevel).toEqual({
      district: [1, 1],
      subdistrict: [7, 7],
      community: [100, 100],
      grid: [337, 337],
      microgrid: [2589, 2589],
      department: [14, 0],
    });
  });

  it('ships the default case catalogue, every leaf routed to one of its departments, and the official work calendars', async () => {
    const db = server.platform.database.db;
    const leaves = await db.selectFrom('case_category').select('code').where('parent_code', 'is not', null).execute();
    expect(leaves.length).toBeGreaterThanOrEqual(40);
    const routes = await db.selectFrom('case_route').select(['category_code', 'lead_department']).execute();
    expect(routes.map((r) => r.category_code).sort()).toEqual(leaves.map((l) => l.code).sort());
    expect(routes.every((r) => r.lead_department.startsWith('410804D'))).toBe(true);
    const springFestival = await db
      .selectFrom('work_calendar_day')
      .select(['day', 'kind'])
      .where('day', '>=', '2026-02-14')
      .where('day', '<=', '2026-02-28')
      .execute();
    expect(springFestival.filter((d) => d.kind === 'workday').map((d) => d.day)).toEqual(['2026-02-14', '2026-02-28']);
  });

  it('the district summary has the shape of Macun: 337 grids, 2,589 micro-grids, 2,406 workers, ~160,000 residents', async () => {
    const token = await signIn(server, 'admin', 'wangge-demo');
    const summary = (
      await server.app.inject({ method: 'GET', url: '/api/org/summary', headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(summary).toMatchObject({ district: 1, subdistrict: 7, grid: 337, microgrid: 2589, workers: 2406, microgridsWithoutWorker: 0 });
    expect(summary.residents).toBeGreaterThan(150_000);
    expect(summary.residents).toBeLessThan(170_000);
  });

  it('puts about 1,600 people living alone under the curtain pact, some with sensors', async () => {
    const token = await signIn(server, 'admin', 'wangge-demo');
    const subjects = await server.app.inject({
      method: 'GET',
      url: '/api/checkins/subjects?limit=200',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(subjects.statusCode).toBe(200);
    const db = server.platform.database.db;
    const count = async (table: 'care_subject' | 'care_device') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('care_subject')).toBeGreaterThan(1500);
    expect(await count('care_subject')).toBeLessThan(1700);
    expect(await count('care_device')).toBeGreaterThan(200);
  });

  it('every role has a demo account, and a worker sees exactly the micro-grids they serve', async () => {
    const worker = await server.platform.database.db
      .selectFrom('app_user')
      .select('username')
      .where('role', '=', 'microgrid_worker')
      .orderBy('username')
      .executeTakeFirstOrThrow();
    const token = await signIn(server, worker.username, 'wangge-demo');
    const me = (await server.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).json();
    expect(me.scope.kind).toBe('microgrids');
    expect(me.scope.codes[0]).toBe(worker.username.replace('worker-', ''));
    for (const username of ['leader', 'liaison', 'projects', 'subdistrict-410804001', 'dept-410804D01'])
      await signIn(server, username, 'wangge-demo');
    const households = await server.app.inject({
      method: 'GET',
      url: `/api/people/households?unit=${me.scope.codes[0]}&limit=200`,
      headers: { authorization: `Bearer ${token}` },
    });
    const members = households.json().items.flatMap((h: { members: { name: string; idNumber: string }[] }) => h.members);
    expect(members.length).toBeGreaterThan(20);
    expect(members.every((m: { name: string; idNumber: string }) => m.name.includes('*') && m.idNumber.includes('********'))).toBe(true);
  });

  it('the district admin signs in with the demo password and sees the district', async () => {
    const token = await signIn(server, 'admin', 'wangge-demo');
    const tree = await server.app.inject({ method: 'GET', url: '/api/org/tree', headers: { authorization: `Bearer ${token}` } });
    expect(tree.json().roots[0]).toMatchObject({ code: '410804', name: '马村区' });
    const located = await server.app.inject({
      method: 'GET',
      url: '/api/org/locate?lng=113.32&lat=35.27',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(located.json().path.map((unit: { level: string }) => unit.level)).toEqual([
      'district',
      'subdistrict',
      'community',
      'grid',
      'microgrid',
    ]);
  });

  it('a second start leaves the district as it is', async () => {
    expect(await loadDemoOnFirstStart(server.platform)).toEqual({ loaded: false, reason: 'already set up' });
  });
});

describe('without the demo', () => {
  it('WANGGE_DEMO=0 leaves the database empty for `wangge init`', async () => {
    const server = await startTestServer('sqlite', { WANGGE_DEMO: '0' });
    try {
      expect(await loadDemoOnFirstStart(server.platform)).toMatchObject({ loaded: false });
      expect((await server.app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('uninitialised');
    } finally {
      await server.dispose();
    }
  });
});
