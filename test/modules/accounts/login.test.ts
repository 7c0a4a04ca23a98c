import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeUser, makeWorld, PASSWORD, type World } from '../../support/factories.ts';
import { as, countRows, startTestServer, type TestServer } from '../../support/server.ts';

describe.each(DATABASES)('signing in on %s', (kind) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(kind, { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15' });
    world = await makeWorld(server.platform);
  });
  afterAll(() => server?.dispose());

  const login = (username: string, password: string) =>
    server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  it('the right password gives a session cookie and a Bearer token that both work', async () => {
    const response = await login(world.users.home.username, PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: world.users.home.username, role: 'subdistrict_admin' });
    const cookie = response.cookies.find((c) => c.name === 'wg_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.value).toBe(body.token);

    const viaBearer = await as(server, body.token)('GET', '/api/auth/me');
    expect(viaBearer.json()).toMatchObject({ user: { role: 'subdistrict_admin' }, scope: { kind: 'unit', code: world.codes.home } });
    expect(viaBearer.json().csrfToken).toBeUndefined();
    const viaCookie = await server.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { wg_session: cookie.value } });
    expect(viaCookie.json().csrfToken).toBe(body.csrfToken);
  });

  it('a worker is scoped to the micro-grids they serve, department staff to their department', async () => {
    const worker = (await login(world.users.worker.username, PASSWORD)).json().token;
    expect((await as(server, worker)('GET', '/api/auth/me')).json().scope).toEqual({
      kind: 'microgrids',
      codes: [world.codes.homeMicrogrid],
    });
    const staff = (await login(world.users.department.username, PASSWORD)).json().token;
    expect((await as(server, staff)('GET', '/api/auth/me')).json().scope).toEqual({ kind: 'department', code: world.codes.department });
  });

  it('a wrong password or an unknown user gets 401 with the same error', async () => {
    const wrong = await login(world.users.home.username, 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'auth.invalid_credentials', message: 'Wrong username or password.' } });
    }
  });

  it('after repeated failures the account is locked (429 with Retry-After), even for the right password', async () => {
    const user = await makeUser(server.platform, { role: 'community_admin', scopeCode: world.codes.homeCommunity });
    for (let i = 0; i < 3; i++) expect((await login(user.username, 'guess-' + i)).statusCode).toBe(401);
    const locked = await login(user.username, PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('auth.locked');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Other accounts are unaffected.
    expect((await login(world.users.home.username, PASSWORD)).statusCode).toBe(200);
  });

  it('every attempt that reaches an account is audited, never with the password', async () => {
    const before = await countRows(server, 'audit_record');
    await login(world.users.foreign.username, 'secret-guess-123');
    await login(world.users.foreign.username, PASSWORD);
    const records = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('seq', '>', before)
      .orderBy('seq')
      .execute();
    expect(records.map((r) => r.action)).toEqual(['auth.login_failed', 'auth.login']);
    expect(JSON.stringify(records)).not.toContain('secret-guess-123');
    expect(JSON.stringify(records)).not.toContain(PASSWORD);
  });

  it('signing out ends the session', async () => {
    const token = (await login(world.users.home.username, PASSWORD)).json().token;
    expect((await as(server, token)('POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await as(server, token)('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('a disabled account cannot sign in and its sessions end', async () => {
    const user = await makeUser(server.platform, { role: 'grid_staff', scopeCode: world.codes.homeGrid });
    const token = (await login(user.username, PASSWORD)).json().token;
    const admin = (await login(world.users.admin.username, PASSWORD)).json().token;
    const disabled = await as(server, admin)('PATCH', `/api/users/${user.id}`, { version: user.version, disabled: true });
    expect(disabled.statusCode).toBe(200);
    expect((await as(server, token)('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await login(user.username, PASSWORD)).statusCode).toBe(401);
  });
});

describe('the per-IP sign-in limit', () => {
  it('refuses the attempts beyond LOGIN_RATE_PER_IP in a minute with 429', async () => {
    const server = await startTestServer('sqlite', { LOGIN_RATE_PER_IP: '4' });
    try {
      const attempt = () => server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } });
      for (let i = 0; i < 4; i++) expect((await attempt()).statusCode).toBe(401);
      const limited = await attempt();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('auth.rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await server.dispose();
    }
  });
});
