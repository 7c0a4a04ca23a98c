import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';

describe.each(DATABASES)('the organisation tree on %s', (kind) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
  });
  afterAll(() => server?.dispose());

  const signedInAs = async (user: { username: string }) => as(server, await signIn(server, user.username));

  it('the district admin sees the district, its subdistricts and its departments', async () => {
    const admin = await signedInAs(world.users.admin);
    const { roots } = (await admin('GET', '/api/org/tree')).json();
    expect(roots.map((r: { code: string }) => r.code)).toEqual([world.codes.district]);
    const children = roots[0].children.map((c: { code: string; level: string; hasChildren: boolean }) => [c.code, c.level, c.hasChildren]);
    expect(children).toEqual([
      [world.codes.home, 'subdistrict', true],
      [world.codes.foreign, 'subdistrict', true],
      [world.codes.department, 'department', false],
      [world.codes.otherDepartment, 'department', false],
    ]);
  });

  it('a subdistrict admin sees only their subdistrict and loads deeper levels on demand', async () => {
    const home = await signedInAs(world.users.home);
    const { roots } = (await home('GET', '/api/org/tree')).json();
    expect(roots.map((r: { code: string }) => r.code)).toEqual([world.codes.home]);
    const grids = (await home('GET', `/api/org/units/${world.codes.homeCommunity}/children`)).json().children;
    expect(grids.map((g: { code: string; level: string }) => [g.code, g.level])).toEqual([[world.codes.homeGrid, 'grid']]);
    expect((await home('GET', `/api/org/units/${world.codes.district}`)).statusCode).toBe(404);
  });

  it('a worker sees the micro-grids they serve; department staff their department', async () => {
    const worker = await signedInAs(world.users.worker);
    expect((await worker('GET', '/api/org/tree')).json().roots.map((r: { code: string }) => r.code)).toEqual([world.codes.homeMicrogrid]);
    const department = await signedInAs(world.users.department);
    expect((await department('GET', '/api/org/tree')).json().roots.map((r: { code: string }) => r.code)).toEqual([world.codes.department]);
    expect((await department('GET', `/api/org/units/${world.codes.otherDepartment}`)).statusCode).toBe(404);
  });

  it('a unit goes where its code says: the level and parent follow from the code', async () => {
    const home = await signedInAs(world.users.home);
    const created = await home('POST', '/api/org/units', { code: '410804001002', name: '新华社区' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ parentCode: world.codes.home, level: 'community' });
    const orphan = await home('POST', '/api/org/units', { code: '410804001009001', name: '无主网格' });
    expect(orphan.json().error.code).toBe('org.parent_missing');
  });

  it('only the district creates departments, and nobody creates a second district', async () => {
    const home = await signedInAs(world.users.home);
    expect((await home('POST', '/api/org/units', { code: '410804D09', name: '应急管理局' })).statusCode).toBe(403);
    const admin = await signedInAs(world.users.admin);
    expect((await admin('POST', '/api/org/units', { code: '410804D09', name: '应急管理局' })).json()).toMatchObject({
      level: 'department',
      parentCode: '410804',
    });
    expect((await admin('POST', '/api/org/units', { code: '410805', name: '另一个区' })).json().error.code).toBe('org.district_by_init');
  });

  it('workers and department staff cannot shape the tree', async () => {
    const worker = await signedInAs(world.users.worker);
    const response = await worker('PATCH', `/api/org/units/${world.codes.homeMicrogrid}`, { name: '改名', version: 1 });
    expect(response.statusCode).toBe(403);
  });
});
