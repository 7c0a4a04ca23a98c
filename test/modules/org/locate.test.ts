import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { importUnits } from '../../../src/modules/org/commands/importUnits.ts';
import { fromWgs84 } from '../../../src/modules/org/org.crs.ts';
import { DATABASES } from '../../support/databases.ts';
import { box } from '../../support/tessellation.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';

const d = 0.01;
const W = 113.3;
const S = 35.26;

describe.each(DATABASES)('locating a point on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let worker: ReturnType<typeof as>;
  const by = { actor: systemActor('test'), requestId: null };

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    // One grid split into a west and an east micro-grid.
    await importUnits(
      server.platform,
      by,
      [
        { code: '410804001002', name: '建设社区', geometry: box(W, S, W + 2 * d, S + d) },
        { code: '410804001002001', name: '建设一网格', geometry: box(W, S, W + 2 * d, S + d) },
        { code: '41080400100200101', name: '西微网格', geometry: box(W, S, W + d, S + d) },
        { code: '41080400100200102', name: '东微网格', geometry: box(W + d, S, W + 2 * d, S + d) },
      ],
      'test',
    );
    worker = as(server, await signIn(server, world.users.worker.username));
  });
  afterAll(() => server?.dispose());

  const locate = (query: string) => worker('GET', `/api/org/locate?${query}`);

  it('finds the micro-grid and every unit above it, district first', async () => {
    const response = await locate(`lng=${W + 1.5 * d}&lat=${S + 0.5 * d}`);
    expect(response.statusCode).toBe(200);
    expect(response.json().path.map((u: { code: string; level: string }) => [u.code, u.level])).toEqual([
      ['410804', 'district'],
      ['410804001', 'subdistrict'],
      ['410804001002', 'community'],
      ['410804001002001', 'grid'],
      ['41080400100200102', 'microgrid'],
    ]);
  });

  it('a point on the shared edge lands in exactly one micro-grid, the lower code', async () => {
    const path = (await locate(`lng=${W + d}&lat=${S + 0.5 * d}`)).json().path;
    expect(path.at(-1).code).toBe('41080400100200101');
  });

  it('a phone reporting GCJ-02 is placed where it really stands, not 500 m off', async () => {
    const [lng, lat] = fromWgs84([W + 0.98 * d, S + 0.5 * d], 'gcj02'); // just west of the shared edge
    const response = await locate(`lng=${lng}&lat=${lat}&crs=gcj02`);
    expect(response.json().path.at(-1).code).toBe('41080400100200101');
    expect(response.json().point[0]).toBeCloseTo(W + 0.98 * d, 6);
    const naive = await locate(`lng=${lng}&lat=${lat}`); // the same numbers taken as WGS-84 land elsewhere
    expect(naive.statusCode === 404 || naive.json().path.at(-1).code !== '41080400100200101').toBe(true);
  });

  it('a point outside every micro-grid gets 404, bad coordinates 400', async () => {
    expect((await locate(`lng=${W - d}&lat=${S}`)).json().error.code).toBe('microgrid.not_found');
    expect((await locate('lng=200&lat=35')).statusCode).toBe(400);
    expect((await locate('lng=113.3')).statusCode).toBe(400);
  });

  it('redrawn boundaries are used at once', async () => {
    await importUnits(
      server.platform,
      by,
      [
        { code: '41080400100200101', name: '西微网格', geometry: box(W, S, W + 1.5 * d, S + d) },
        { code: '41080400100200102', name: '东微网格', geometry: box(W + 1.5 * d, S, W + 2 * d, S + d) },
      ],
      'test',
    );
    expect((await locate(`lng=${W + 1.2 * d}&lat=${S + 0.5 * d}`)).json().path.at(-1).code).toBe('41080400100200101');
  });
});
