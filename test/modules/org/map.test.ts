import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { importUnits } from '../../../src/modules/org/commands/importUnits.ts';
import type { AreaGeometry, Position } from '../../../src/modules/org/org.geometry.ts';
import { simplifyForZoom } from '../../../src/modules/org/org.simplify.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';

const ring = (...points: Position[]): AreaGeometry => ({ type: 'Polygon', coordinates: [[...points, points[0]]] });
const d = 0.01;
const W = 113.3;
const S = 35.26;

describe('boundaries thinned for a zoom level', () => {
  // Two neighbours sharing a wiggly edge (W+d, S) … (W+d, S+d) with a 0.3 m kink in it.
  const kink: Position = [W + d + 0.000003, S + d / 2];
  const west = ring([W, S], [W + d, S], kink, [W + d, S + d], [W, S + d]);
  const east = ring([W + d, S], [W + 2 * d, S], [W + 2 * d, S + d], [W + d, S + d], kink);

  it('drops detail smaller than half a pixel, and keeps it when zoomed in', () => {
    const far = simplifyForZoom(west, 12)!;
    const near = simplifyForZoom(west, 20)!;
    expect(far.coordinates[0]).toHaveLength(5); // the kink is gone: four corners and the closing repeat
    expect((near.coordinates[0] as Position[]).length).toBe(6);
  });

  it('neighbours stay seamless: a shared vertex snaps to the same point in both', () => {
    for (const zoom of [10, 13, 16, 19]) {
      const a = simplifyForZoom(west, zoom)!.coordinates[0] as Position[];
      const b = simplifyForZoom(east, zoom)!.coordinates[0] as Position[];
      const shared = a.filter(([x, y]) => b.some(([u, v]) => u === x && v === y));
      expect(shared.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('a unit smaller than a pixel disappears rather than drawing a speck', () => {
    const speck = ring([W, S], [W + 0.00001, S], [W + 0.00001, S + 0.00001], [W, S + 0.00001]);
    expect(simplifyForZoom(speck, 10)).toBeNull();
  });
});

describe.each(DATABASES)('the map of a unit on %s', (kind) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    const box = (w: number, e: number): AreaGeometry => ring([w, S], [e, S], [e, S + d], [w, S + d]);
    await importUnits(
      server.platform,
      { actor: systemActor('test'), requestId: null },
      [
        { code: '410804001002', name: '建设社区', geometry: box(W, W + 2 * d) },
        { code: '410804001002001', name: '建设一网格', geometry: box(W, W + 2 * d) },
        { code: '41080400100200101', name: '西微网格', geometry: box(W, W + d) },
        { code: '41080400100200102', name: '东微网格', geometry: box(W + d, W + 2 * d) },
      ],
      'test',
    );
  });
  afterAll(() => server?.dispose());

  it("gives a unit's children with boundaries as GeoJSON, with the box to fit", async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    const map = (await admin('GET', '/api/org/map?within=410804001002001&zoom=15')).json();
    expect(map.type).toBe('FeatureCollection');
    expect(map.features.map((f: { id: string; properties: { name: string } }) => [f.id, f.properties.name])).toEqual([
      ['41080400100200101', '西微网格'],
      ['41080400100200102', '东微网格'],
    ]);
    expect(map.bbox[0]).toBeCloseTo(W, 4);
    expect(map.bbox[2]).toBeCloseTo(W + 2 * d, 4);
    // Children without a boundary (the fixture's own grid) are simply not drawn.
    const community = (await admin('GET', `/api/org/map?within=${world.codes.homeCommunity}`)).json();
    expect(community).toEqual({ type: 'FeatureCollection', bbox: null, features: [] });
  });

  it('keeps to the scope: a subdistrict outside it is 404', async () => {
    const foreign = as(server, await signIn(server, world.users.foreign.username));
    expect((await foreign('GET', '/api/org/map?within=410804001002001')).statusCode).toBe(404);
    expect((await foreign('GET', `/api/org/map?within=${world.codes.home}&level=microgrid`)).statusCode).toBe(404);
  });

  it('level=microgrid gives every micro-grid under the unit at once, however deep', async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    for (const within of [world.codes.district, world.codes.home, '410804001002']) {
      const map = (await admin('GET', `/api/org/map?within=${within}&level=microgrid&zoom=15`)).json();
      // Only units with a boundary are drawn: the fixture's own micro-grids have none.
      expect(map.features.map((f: { id: string }) => f.id)).toEqual(['41080400100200101', '41080400100200102']);
      expect(map.features.every((f: { properties: { level: string } }) => f.properties.level === 'microgrid')).toBe(true);
      expect(map.bbox[0]).toBeCloseTo(W, 4);
    }
    const grids = (await admin('GET', `/api/org/map?within=${world.codes.district}&level=grid`)).json();
    expect(grids.features.map((f: { id: string }) => f.id)).toEqual(['410804001002001']);
    // The default is still the children.
    const children = (await admin('GET', '/api/org/map?within=410804001002')).json();
    expect(children.features.map((f: { id: string }) => f.id)).toEqual(['410804001002001']);
  });

  it('a level that is not below the unit is 422, an unknown one 400', async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    const same = await admin('GET', '/api/org/map?within=410804001002001&level=grid');
    expect(same.statusCode).toBe(422);
    expect(same.json().error.code).toBe('org.map_level');
    expect((await admin('GET', '/api/org/map?within=410804001002001&level=subdistrict')).statusCode).toBe(422);
    expect((await admin('GET', '/api/org/map?within=410804&level=district')).statusCode).toBe(400);
    expect((await admin('GET', '/api/org/map?within=410804&level=village')).statusCode).toBe(400);
  });

  it('a renamed or redrawn unit shows at once: the cached map follows the org tree', async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    const url = `/api/org/map?within=${world.codes.home}&level=microgrid&zoom=15`;
    const names = async () => (await admin('GET', url)).json().features.map((f: { properties: { name: string } }) => f.properties.name);
    expect(await names()).toEqual(['西微网格', '东微网格']);
    const unit = (await admin('GET', '/api/org/units/41080400100200102')).json();
    expect((await admin('PATCH', '/api/org/units/41080400100200102', { name: '东微网格（新）', version: unit.version })).statusCode).toBe(
      200,
    );
    expect(await names()).toEqual(['西微网格', '东微网格（新）']);
    // Redrawn: the west cell shrinks to half, the east one takes the rest (still seamless).
    const box = (w: number, e: number): AreaGeometry => ring([w, S], [e, S], [e, S + d], [w, S + d]);
    await importUnits(
      server.platform,
      { actor: systemActor('test'), requestId: null },
      [
        { code: '41080400100200101', name: '西微网格', geometry: box(W, W + d / 2) },
        { code: '41080400100200102', name: '东微网格（新）', geometry: box(W + d / 2, W + 2 * d) },
      ],
      'test',
    );
    const redrawn = (await admin('GET', url)).json();
    // Snapped to half a pixel at zoom 15: the west cell's east side moved from W + d to W + d/2.
    const east = Math.max(...redrawn.features[0].geometry.coordinates[0].map((p: Position) => p[0]));
    expect(east).toBeCloseTo(W + d / 2, 4);
  });

  it('is valid JSON with a JSON content type, as the schema documents', async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    const response = await admin('GET', `/api/org/map?within=${world.codes.district}&level=microgrid`);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json().type).toBe('FeatureCollection');
  });
});
