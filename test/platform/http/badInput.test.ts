import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, PASSWORD, type World } from '../../support/factories.ts';
import { countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';

describe.each(DATABASES)('bad input on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { BODY_LIMIT_BYTES: '2048' });
    world = await makeWorld(server.platform);
    token = await signIn(server, world.users.admin.username);
  });
  afterAll(() => server?.dispose());

  const post = (payload: string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/api/org/units',
      payload,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    });

  /** Every refusal must leave the data and the audit trail exactly as they were. */
  async function expectRefused(response: Awaited<ReturnType<typeof post>>, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  }

  it('malformed JSON gets 400 request.malformed_json and changes nothing', async () => {
    const [units, audit] = [await countRows(server, 'org_unit'), await countRows(server, 'audit_record')];
    await expectRefused(await post('{"code": "410804003", "name": '), 400, 'request.malformed_json');
    expect([await countRows(server, 'org_unit'), await countRows(server, 'audit_record')]).toEqual([units, audit]);
  });

  it('wrong types get 400 request.invalid naming the field', async () => {
    const response = await post(JSON.stringify({ code: 410804003, name: ['武王'] }));
    await expectRefused(response, 400, 'request.invalid');
    const paths = response.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['code', 'name']));
    expect(await countRows(server, 'org_unit')).toBe(11);
  });

  it('unknown fields get 400 request.invalid listing them', async () => {
    const response = await post(JSON.stringify({ code: '410804003', name: '冯营街道', isAdmin: true }));
    await expectRefused(response, 400, 'request.invalid');
    expect(response.json().error.details.issues[0].unknownFields).toEqual(['isAdmin']);
    expect(await countRows(server, 'org_unit')).toBe(11);
  });

  it('an oversize body gets 413 request.too_large', async () => {
    await expectRefused(await post(JSON.stringify({ code: '410804003', name: 'x'.repeat(5000) })), 413, 'request.too_large');
    expect(await countRows(server, 'org_unit')).toBe(11);
  });

  it('a body that is not JSON gets 415', async () => {
    await expectRefused(
      await post('code=410804003', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'request.unsupported_media_type',
    );
  });

  it('a rule broken gets 422 and a taken code 409', async () => {
    await expectRefused(await post(JSON.stringify({ code: '4108040', name: '七位' })), 422, 'org.bad_code');
    await expectRefused(await post(JSON.stringify({ code: world.codes.home, name: '重复' })), 409, 'org.code_taken');
  });

  it('an update carrying a stale version gets 409 and keeps the newer change', async () => {
    const rename = (name: string, version: number) =>
      server.app.inject({
        method: 'PATCH',
        url: `/api/org/units/${world.codes.home}`,
        headers: { authorization: `Bearer ${token}` },
        payload: { name, version },
      });
    const first = await rename('马村街道', 1);
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);
    const stale = await rename('旧名字', 1);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'request.stale_version', details: { current: 2 } });
    const unit = await server.app.inject({
      method: 'GET',
      url: `/api/org/units/${world.codes.home}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unit.json().name).toBe('马村街道');
  });

  it('an unknown /api route gets a JSON 404', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/no/such/thing' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route.not_found');
  });

  it('a cookie-authenticated POST without the CSRF token is refused; with it, accepted', async () => {
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: world.users.admin.username, password: PASSWORD },
    });
    const { token: sessionToken, csrfToken } = login.json();
    const create = (headers: Record<string, string>, code: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/org/units',
        cookies: { wg_session: sessionToken },
        headers,
        payload: { code, name: '新社区' },
      });

    const without = await create({}, '410804001002');
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('auth.csrf');
    const wrong = await create({ 'x-csrf-token': 'forged' }, '410804001002');
    expect(wrong.statusCode).toBe(403);
    expect((await create({ 'x-csrf-token': csrfToken }, '410804001002')).statusCode).toBe(201);
    // Bearer tokens are not sent by browsers on their own, so they need no CSRF token.
    expect((await post(JSON.stringify({ code: '410804001003', name: '另一个社区' }))).statusCode).toBe(201);
  });

  it('every answer carries the security headers and a request id', async () => {
    for (const url of ['/api/health', '/api/org/tree', '/api/no/such/thing']) {
      const response = await server.app.inject({ method: 'GET', url, headers: { 'x-request-id': 'test-request-0001' } });
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-request-id']).toBe('test-request-0001');
    }
  });

  it('health reports the database kind and readiness', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', db: kind });
  });

  it('the OpenAPI document describes the routes', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/health', '/api/auth/login', '/api/org/tree', '/api/users']));
  });
});
