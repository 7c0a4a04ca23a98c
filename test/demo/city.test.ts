import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseNumber, demoCity, MAX_DEMO_SCALE } from '../../src/demo/city.ts';
import { loadDemo } from '../../src/demo/firstStart.ts';
import { bboxOf, type AreaGeometry } from '../../src/modules/org/org.geometry.ts';
import { installedDistrict } from '../../src/modules/org/org.queries.ts';
import { runCli } from '../support/cli.ts';
import { scratch } from '../support/databases.ts';
import { signIn, startTestServer, type TestServer } from '../support/server.ts';

describe('the demo city layout (wangge demo --scale N)', () => {
  it('scale 1 is the demo district alone, exactly as before', () => {
    expect(demoCity(1)).toEqual([{ code: '410804', name: '马村区', originLng: 113.32, originLat: 35.27, accountSuffix: '' }]);
  });

  it('every scale has distinct 6-digit codes, all after 410804, and distinct names', () => {
    const city = demoCity(MAX_DEMO_SCALE);
    const codes = city.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => /^4108\d\d$/.test(code) && code >= '410804')).toBe(true);
    expect(new Set(city.map((d) => d.name)).size).toBe(codes.length);
    expect(
      demoCity(10)
        .map((d) => d.name)
        .slice(0, 3),
    ).toEqual(['马村区', '马村区二', '马村区三']);
    expect(() => demoCity(0)).toThrow(RangeError);
    expect(() => demoCity(MAX_DEMO_SCALE + 1)).toThrow(RangeError);
  });

  it('`wangge demo --scale` takes a whole number of districts within the limit, and says so otherwise', async () => {
    const space = await scratch('sqlite');
    try {
      for (const scale of ['0', '2.5', 'ten', String(MAX_DEMO_SCALE + 1)]) {
        const refused = await runCli(['demo', '--scale', scale], space.env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(`--scale takes a whole number of districts from 1 to ${MAX_DEMO_SCALE}`);
      }
      expect((await runCli(['demo', '--help'], space.env)).stdout).toContain('--scale <districts>');
    } finally {
      await space.dispose();
    }
  });

  it('writes numbers the Chinese way', () => {
    expect([2, 10, 11, 20, 23, 96].map(chineseNumber)).toEqual(['二', '十', '十一', '二十', '二十三', '九十六']);
  });
});

// SQLite: the city's geography alone (no people) keeps this to two districts' generation and import.
describe('wangge demo --scale 2 on the embedded database (geography and accounts, no people)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await loadDemo(server.platform, { scale: 2, people: false });
  }, 180_000);
  afterAll(() => server?.dispose());

  it('holds two districts of 2,589 micro-grids each, with distinct codes', async () => {
    const rows = await server.platform.database.db
      .selectFrom('org_unit')
      .select(['code', 'level', 'geometry'])
      .where('level', 'in', ['district', 'microgrid'])
      .execute();
    const districts = rows.filter((r) => r.level === 'district').map((r) => r.code);
    expect(districts.sort()).toEqual(['410804', '410811']);
    for (const district of districts) {
      expect(rows.filter((r) => r.level === 'microgrid' && r.code.startsWith(district))).toHaveLength(2589);
    }
    // Codes are the primary key; a micro-grid of one district is never under the other.
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
  });

  it('the districts lie side by side: their outlines do not overlap', async () => {
    const outlines = await server.platform.database.db
      .selectFrom('org_unit')
      .select(['code', 'geometry'])
      .where('level', '=', 'district')
      .orderBy('code')
      .execute();
    const [a, b] = outlines.map((o) => bboxOf(JSON.parse(o.geometry!) as AreaGeometry));
    // Disjoint bounding boxes: nothing of one can lie in the other.
    const apart = a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1];
    expect(apart).toBe(true);
  });

  it('the first district keeps the demo usernames; the second one’s are suffixed with its code', async () => {
    const tokenA = await signIn(server, 'admin', 'wangge-demo');
    const tokenB = await signIn(server, 'admin-410811', 'wangge-demo');
    const tree = async (token: string) =>
      (await server.app.inject({ method: 'GET', url: '/api/org/tree', headers: { authorization: `Bearer ${token}` } })).json();
    expect((await tree(tokenA)).roots.map((r: { code: string }) => r.code)).toEqual(['410804']);
    expect((await tree(tokenB)).roots.map((r: { code: string }) => r.code)).toEqual(['410811']);
  });

  it('the installed district is still Macun, the lowest code', async () => {
    expect((await installedDistrict(server.platform.database.db))?.code).toBe('410804');
  });
});
