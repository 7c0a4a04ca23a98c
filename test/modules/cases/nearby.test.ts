import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUnits } from '../../../src/modules/org/commands/importUnits.ts';
import { fromWgs84 } from '../../../src/modules/org/org.crs.ts';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { caseCallers, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { DATABASES } from '../../support/databases.ts';
import { box } from '../../support/tessellation.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/** A phone's location places the report in its micro-grid; the duplicate hint shows open cases nearby. */
describe.each(DATABASES)('reporting by location on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let callers: Awaited<ReturnType<typeof caseCallers>>;
  const W = 113.3;
  const S = 35.25;
  const d = 0.01; // about 900 m east-west, 1.1 km north-south

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeCaseWorld(server.platform);
    await importUnits(
      server.platform,
      { actor: systemActor('test'), requestId: null },
      [
        { code: '410804001002', name: '建设社区', geometry: box(W, S, W + 2 * d, S + d) },
        { code: '410804001002001', name: '建设一网格', geometry: box(W, S, W + 2 * d, S + d) },
        { code: '41080400100200101', name: '西微网格', geometry: box(W, S, W + d, S + d) },
        { code: '41080400100200102', name: '东微网格', geometry: box(W + d, S, W + 2 * d, S + d) },
      ],
      'test',
    );
    callers = await caseCallers(server, world);
  });
  afterAll(() => server?.dispose());

  const at = (east: number, north: number) => ({ lng: W + east * d, lat: S + north * d });

  it('a GCJ-02 location from a phone lands in its micro-grid and is stored in WGS-84', async () => {
    const real = at(0.98, 0.5); // just west of the shared edge
    const [lng, lat] = fromWgs84([real.lng, real.lat], 'gcj02');
    const answer = await callers.call('worker')('POST', '/api/cases', {
      categoryCode: '0101',
      description: '垃圾桶满溢',
      location: { lng, lat, crs: 'gcj02' },
    });
    expect(answer.statusCode, answer.body).toBe(201);
    const kase = answer.json();
    expect(kase.areaCode).toBe('41080400100200101');
    expect(kase.address).toBe('西微网格'); // no address given: the micro-grid names the place
    expect(kase.location.lng).toBeCloseTo(real.lng, 6);
    expect(kase.location.lat).toBeCloseTo(real.lat, 6);
  });

  it('shows open cases of the same category within 100 m, nearest first, and nothing else', async () => {
    const report = (east: number, north: number, categoryCode = '0101') =>
      callers.report('worker', { areaCode: undefined, address: undefined, categoryCode, location: { ...at(east, north), crs: 'wgs84' } });
    const near = await report(0.5, 0.5);
    const alsoNear = await report(0.5 + 0.06, 0.5); // ~55 m east
    await report(0.5 + 0.2, 0.5); // ~180 m east: too far
    await report(0.5, 0.5, '0201'); // another category
    const refused = await report(0.5, 0.5005);
    expect((await callers.act('home', refused.id, 'refuse', { note: '重复' })).statusCode).toBe(200); // not open any more

    const { lng, lat } = at(0.5, 0.5);
    const hint = await callers.call('worker')('GET', `/api/cases/nearby?category=0101&lng=${lng}&lat=${lat}`);
    expect(hint.statusCode).toBe(200);
    expect(hint.json().items.map((i: { id: string }) => i.id)).toEqual([near.id, alsoNear.id]);
    expect(hint.json().items[1].distanceMetres).toBeGreaterThan(45);
    expect(hint.json().items[1].distanceMetres).toBeLessThan(65);
  });

  it('a private category never hints', async () => {
    await callers.report('worker', { areaCode: undefined, categoryCode: '1101', location: { ...at(1.5, 0.5), crs: 'wgs84' } });
    const { lng, lat } = at(1.5, 0.5);
    const hint = await callers.call('worker')('GET', `/api/cases/nearby?category=1101&lng=${lng}&lat=${lat}`);
    expect(hint.json().items).toEqual([]);
  });
});
