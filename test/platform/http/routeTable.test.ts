import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { enrolSubject } from '../../../src/modules/checkins/commands/manageRoster.ts';
import { recordSignal } from '../../../src/modules/checkins/commands/recordSignal.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { makeErrandIn } from '../../support/errands.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Every route of the running app, read from the app itself: a new route joins these checks by
 * being registered, and fails them until it is public or declares how to probe its scope.
 */
describe.each(DATABASES)('the route table on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let foreignCase: string;
  let foreignErrand: string;
  let foreignSubject: string;
  let foreignAlert: string;
  let homeToken: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeCaseWorld(server.platform);
    homeToken = await signIn(server, world.users.home.username);
    const reported = await as(server, await signIn(server, world.users.foreign.username))('POST', '/api/cases', {
      categoryCode: '0101',
      description: '外区上报的问题',
      areaCode: world.codes.foreignMicrogrid,
    });
    foreignCase = reported.json().id;
    foreignErrand = await makeErrandIn(server, world.codes.foreignMicrogrid, world.foreignHousehold.household.id);
    foreignSubject = (await enrolSubject(server.platform, { actor: systemActor('test'), requestId: null }, { residentId: world.foreignHousehold.residents[0].id })).id;
    const panic = await recordSignal(server.platform, { id: 'probe', subjectId: foreignSubject, ts: new Date().toISOString(), type: 'panic', source: 'test' });
    foreignAlert = panic.status === 'accepted' ? panic.alertIds[0] : '';
  });
  afterAll(() => server?.dispose());

  const fill = (text: string) =>
    text
      .replaceAll('{foreignUnit}', world.codes.foreign)
      .replaceAll('{foreignUser}', world.users.foreign.id)
      .replaceAll('{foreignApiKey}', world.foreignKey.row.id)
      .replaceAll('{foreignResident}', world.foreignHousehold.residents[0].id)
      .replaceAll('{foreignHousehold}', world.foreignHousehold.household.id)
      .replaceAll('{foreignMicrogrid}', world.codes.foreignMicrogrid)
      .replaceAll('{foreignCase}', foreignCase)
      .replaceAll('{foreignErrand}', foreignErrand)
      .replaceAll('{foreignSubject}', foreignSubject)
      .replaceAll('{foreignAlert}', foreignAlert);

  it('lists the platform routes it protects', () => {
    const urls = server.app.routeTable.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('GET /api/org/tree');
    expect(urls).toContain('POST /api/users');
    expect(urls).toContain('GET /api/health');
  });

  it('every signed-in route declares how its scope is probed', () => {
    const missing = server.app.routeTable.filter((r) => r.access !== 'public' && !r.scopeProbe).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('every non-public route refuses an anonymous caller with 401', async () => {
    const guarded = server.app.routeTable.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(5);
    for (const route of guarded) {
      const url = route.url.replace(/:(\w+)/g, 'x1');
      const response = await as(server, null)(
        route.method as 'GET',
        url,
        route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      );
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode, code: response.json().error?.code }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
        code: 'auth.required',
      });
    }
  });

  it('every non-public route keeps a caller outside its scope out, and changes nothing', async () => {
    const call = as(server, homeToken);
    for (const route of server.app.routeTable.filter((r) => r.access !== 'public')) {
      const probe = route.scopeProbe!;
      const name = `${route.method} ${route.url}`;
      if (probe.kind === 'self' || probe.kind === 'unscoped') continue;
      const auditBefore = await countRows(server, 'audit_record');
      if (probe.kind === 'filtered') {
        const response = await call(route.method as 'GET', probe.url ?? route.url);
        expect({ name, status: response.statusCode }).toEqual({ name, status: 200 });
        for (const foreign of [world.codes.foreign, world.users.foreign.id, world.foreignKey.row.id, world.foreignHousehold.household.id, foreignCase, foreignErrand, foreignSubject, foreignAlert]) {
          expect({ name, leaks: response.body.includes(foreign) }).toEqual({ name, leaks: false });
        }
      } else {
        const body = probe.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(probe.body)));
        const response = await call(route.method as 'GET', fill(probe.url), body);
        expect({ name, status: response.statusCode }).toEqual({ name, status: probe.expect });
        expect(response.json().error.code).toMatch(/^(auth\.forbidden|[a-z_]+\.not_found)$/);
      }
      expect({ name, audit: await countRows(server, 'audit_record') }).toEqual({ name, audit: auditBefore });
    }
  });

  it('the same probes succeed for the scope that owns the objects (the probes are real)', async () => {
    const adminToken = await signIn(server, world.users.admin.username);
    const response = await as(server, adminToken)('GET', `/api/org/units/${world.codes.foreign}`);
    expect(response.statusCode).toBe(200);
    const users = await as(server, adminToken)('GET', '/api/users?limit=200');
    expect(users.body).toContain(world.users.foreign.id);
    const keys = await as(server, adminToken)('GET', '/api/apikeys');
    expect(keys.body).toContain(world.foreignKey.row.id);
  });
});
