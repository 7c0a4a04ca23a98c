import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWgs84 } from '../../../src/modules/org/org.crs.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeUnit, makeWorld, type World } from '../../support/factories.ts';
import { countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import { box } from '../../support/tessellation.ts';

describe.each(DATABASES)('importing boundaries as GeoJSON on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let home: string;
  const upload = (body: unknown, query = '') =>
    server.app.inject({
      method: 'POST',
      url: `/api/transfer/import${query}`,
      payload: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { authorization: `Bearer ${home}`, 'content-type': 'application/geo+json' },
    });
  const feature = (code: string, geometry: unknown, name?: string) => ({
    type: 'Feature',
    properties: { code, ...(name ? { name } : {}) },
    geometry,
  });

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    home = await signIn(server, world.users.home.username);
  });
  afterAll(() => server?.dispose());

  it('updates the boundaries of units by code, converting GCJ-02, and a re-import changes nothing', async () => {
    const collection = {
      type: 'FeatureCollection',
      crs: 'gcj02',
      features: [feature(world.codes.homeMicrogrid, box(113.3, 35.26, 113.31, 35.27))],
    };

    const first = await upload(collection);

    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      dryRun: false,
      unchanged: false,
      sheets: [{ sheet: 'GeoJSON', rows: 1, created: 0, updated: 1, unchanged: 0 }],
    });
    const unit = await server.platform.database.db
      .selectFrom('org_unit')
      .selectAll()
      .where('code', '=', world.codes.homeMicrogrid)
      .executeTakeFirstOrThrow();
    expect(unit.name).toBe(`单位${world.codes.homeMicrogrid}`);
    const corner = JSON.parse(unit.geometry!).coordinates[0][0];
    expect(corner[0]).toBeCloseTo(toWgs84([113.3, 35.26], 'gcj02')[0], 9);
    expect((await upload(collection)).json()).toMatchObject({ unchanged: true });
  });

  it('reports every bad feature and writes nothing', async () => {
    const units = await countRows(server, 'org_unit');
    const bad = await upload({
      type: 'FeatureCollection',
      features: [
        feature('41080400100100188', box(113.3, 35.26, 113.31, 35.27)),
        { type: 'Feature', properties: { code: world.codes.homeMicrogrid }, geometry: { type: 'Point', coordinates: [113.3, 35.26] } },
        feature(world.codes.homeGrid, { type: 'Polygon', coordinates: [[[113.3, 35.26], 'x']] }),
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.problems.map((p: { row: number; column: string }) => `${p.row}:${p.column}`)).toEqual([
      '1:name',
      '2:geometry',
      '3:geometry',
    ]);
    expect(await countRows(server, 'org_unit')).toBe(units);
    expect((await upload('{"type": "FeatureCollection",')).json().error.code).toBe('transfer.not_geojson');
    expect((await upload({ type: 'Feature' })).json().error.code).toBe('transfer.not_geojson');
  });

  it('boundaries that break seamless coverage are refused with where they overlap', async () => {
    await makeUnit(server.platform, `${world.codes.homeGrid}02`);
    const overlapping = await upload({
      type: 'FeatureCollection',
      features: [
        feature(world.codes.homeGrid, box(113.3, 35.26, 113.32, 35.27)),
        feature(world.codes.homeMicrogrid, box(113.3, 35.26, 113.312, 35.27)),
        feature(`${world.codes.homeGrid}02`, box(113.31, 35.26, 113.32, 35.27)),
      ],
    });
    expect(overlapping.statusCode).toBe(422);
    expect(overlapping.json().error.code).toBe('org.coverage_broken');
  });
});
