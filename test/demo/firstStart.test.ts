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
      department: [5, 0],
    });
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
