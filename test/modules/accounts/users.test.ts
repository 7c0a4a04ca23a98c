import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { provisionAccounts } from '../../../src/modules/accounts/commands/provisionAccounts.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, PASSWORD, type World } from '../../support/factories.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';

describe.each(DATABASES)('accounts and API keys on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let admin: ReturnType<typeof as>;
  let subdistrict: ReturnType<typeof as>;
  let community: ReturnType<typeof as>;

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    admin = as(server, await signIn(server, world.users.admin.username));
    subdistrict = as(server, await signIn(server, world.users.home.username));
    community = as(server, await signIn(server, world.users.homeCommunity.username));
  });
  afterAll(() => server?.dispose());

  const staff = (username: string, role: string, scopeCode: string | null, microgrids: string[] = []) => ({
    username,
    displayName: '新同事',
    password: 'long-enough-1',
    role,
    scopeCode,
    microgrids,
  });

  it('a subdistrict admin creates a community admin inside their subdistrict, who can then sign in', async () => {
    const created = await subdistrict('POST', '/api/users', staff('liu-community', 'community_admin', world.codes.homeCommunity));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      username: 'liu-community',
      role: 'community_admin',
      scopeCode: world.codes.homeCommunity,
      version: 1,
    });
    expect(created.body).not.toContain('password');
    await signIn(server, 'liu-community', 'long-enough-1');
  });

  it('a community admin cannot hand out district roles, nor reach above their community', async () => {
    expect((await community('POST', '/api/users', staff('boss', 'district_admin', world.codes.homeCommunity))).statusCode).toBe(403);
    expect((await community('POST', '/api/users', staff('up', 'subdistrict_admin', world.codes.home))).statusCode).toBe(403);
  });

  it('a worker account is scoped to micro-grids, and must name at least one real micro-grid', async () => {
    const worker = await community('POST', '/api/users', staff('wang-worker', 'microgrid_worker', null, [world.codes.homeMicrogrid]));
    expect(worker.statusCode).toBe(201);
    expect(worker.json()).toMatchObject({ scopeCode: null, microgrids: [world.codes.homeMicrogrid] });
    const none = await community('POST', '/api/users', staff('no-grid', 'microgrid_worker', null, []));
    expect(none.json().error.code).toBe('user.scope_required');
    const notMicrogrid = await community('POST', '/api/users', staff('bad-grid', 'microgrid_worker', null, [world.codes.homeGrid]));
    expect(notMicrogrid.json().error.code).toBe('user.bad_scope');
  });

  it('department staff must be scoped to a department, office roles to an area', async () => {
    expect((await admin('POST', '/api/users', staff('dept-1', 'department_staff', world.codes.department))).statusCode).toBe(201);
    expect((await admin('POST', '/api/users', staff('dept-2', 'department_staff', world.codes.home))).json().error.code).toBe(
      'user.bad_scope',
    );
    expect((await admin('POST', '/api/users', staff('grid-1', 'grid_staff', world.codes.department))).json().error.code).toBe(
      'user.bad_scope',
    );
  });

  it('usernames are unique and passwords have a minimum length', async () => {
    expect((await admin('POST', '/api/users', staff(world.users.home.username, 'grid_staff', world.codes.homeGrid))).statusCode).toBe(409);
    const weak = await admin('POST', '/api/users', { ...staff('weak', 'grid_staff', world.codes.homeGrid), password: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.code).toBe('user.weak_password');
  });

  it('an admin cannot move an account out of their scope', async () => {
    const created = (await subdistrict('POST', '/api/users', staff('mover', 'grid_staff', world.codes.homeGrid))).json();
    const moved = await subdistrict('PATCH', `/api/users/${created.id}`, { version: created.version, scopeCode: world.codes.foreignGrid });
    expect(moved.statusCode).toBe(403);
    const kept = await subdistrict('GET', `/api/users/${created.id}`);
    expect(kept.json().scopeCode).toBe(world.codes.homeGrid);
  });

  it('lists users a page at a time, only inside the scope', async () => {
    const first = (await admin('GET', '/api/users?limit=3')).json();
    expect(first.items).toHaveLength(3);
    const second = (await admin('GET', `/api/users?limit=3&after=${first.nextCursor}`)).json();
    expect(second.items[0].username > first.items[2].username).toBe(true);
    const mine = (await subdistrict('GET', '/api/users?limit=200')).json().items.map((u: { username: string }) => u.username);
    expect(mine).toContain(world.users.worker.username);
    expect(mine).not.toContain(world.users.foreign.username);
    expect((await as(server, await signIn(server, world.users.worker.username))('GET', '/api/users')).statusCode).toBe(403);
  });

  it('an admin resets a password; the old one stops working and so do the sessions', async () => {
    const user = (await admin('POST', '/api/users', staff('forgetful', 'grid_staff', world.codes.homeGrid))).json();
    const session = await signIn(server, 'forgetful', 'long-enough-1');
    expect((await admin('POST', `/api/users/${user.id}/password`, { password: 'brand-new-pass' })).statusCode).toBe(204);
    expect((await as(server, session)('GET', '/api/auth/me')).statusCode).toBe(401);
    await signIn(server, 'forgetful', 'brand-new-pass');
  });

  it('a user changes their own password by proving the current one', async () => {
    await admin('POST', '/api/users', staff('self-changer', 'grid_staff', world.codes.homeGrid));
    const me = as(server, await signIn(server, 'self-changer', 'long-enough-1'));
    expect((await me('POST', '/api/auth/password', { currentPassword: 'wrong', newPassword: 'another-pass-1' })).statusCode).toBe(422);
    expect((await me('POST', '/api/auth/password', { currentPassword: 'long-enough-1', newPassword: 'another-pass-1' })).statusCode).toBe(
      204,
    );
    await signIn(server, 'self-changer', 'another-pass-1');
  });

  it('an API key authenticates until it is revoked, and is stored only as a hash', async () => {
    const created = await subdistrict('POST', '/api/apikeys', {
      name: '门磁网关',
      purpose: 'device',
      scopeCode: world.codes.homeCommunity,
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^wgk_[A-Za-z0-9_-]{40,}$/);
    const stored = await server.platform.database.db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key);

    const me = () => server.app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': key } });
    expect((await me()).json().scope).toEqual({ kind: 'unit', code: world.codes.homeCommunity });
    expect((await subdistrict('GET', '/api/apikeys')).body).not.toContain(key);
    expect((await subdistrict('DELETE', `/api/apikeys/${id}`)).json().revokedAt).not.toBeNull();
    expect((await me()).statusCode).toBe(401);
  });

  it('every change above left an audit record; refusals left none', async () => {
    const before = await countRows(server, 'audit_record');
    await community('POST', '/api/users', staff('nope', 'district_admin', world.codes.district));
    expect(await countRows(server, 'audit_record')).toBe(before);
    await community('POST', '/api/users', staff('yes-grid', 'grid_staff', world.codes.homeGrid));
    const last = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'user.create', actor_label: `user:${world.users.homeCommunity.username}` });
    expect(last.request_id).toBeTruthy();
    expect(last.summary).not.toContain('long-enough-1');
    void PASSWORD;
  });
});

describe.each(DATABASES)('provisioning many accounts at once on %s', (kind) => {
  it('creates them with one shared initial password and one audit record, or none if one is wrong', async () => {
    const server = await startTestServer(kind);
    try {
      const world = await makeWorld(server.platform);
      const by = { actor: systemActor('test'), requestId: null };
      const accounts = [
        { username: 'staff-a', displayName: '网格员甲', role: 'grid_staff' as const, scopeCode: world.codes.homeGrid, microgrids: [] },
        {
          username: 'worker-a',
          displayName: '微网格员甲',
          role: 'microgrid_worker' as const,
          scopeCode: null,
          microgrids: [world.codes.homeMicrogrid],
        },
      ];
      const bad = [
        ...accounts,
        { username: 'worker-b', displayName: '乙', role: 'microgrid_worker' as const, scopeCode: null, microgrids: [world.codes.homeGrid] },
      ];
      await expect(provisionAccounts(server.platform, by, 'initial-pass-1', bad)).rejects.toThrow(/does not fit/);
      expect(await countRows(server, 'app_user')).toBe(6);

      const before = await countRows(server, 'audit_record');
      await provisionAccounts(server.platform, by, 'initial-pass-1', accounts);
      expect(await countRows(server, 'audit_record')).toBe(before + 1);
      const worker = as(server, await signIn(server, 'worker-a', 'initial-pass-1'));
      expect((await worker('GET', '/api/auth/me')).json().scope).toEqual({ kind: 'microgrids', codes: [world.codes.homeMicrogrid] });
      await signIn(server, 'staff-a', 'initial-pass-1');
    } finally {
      await server.dispose();
    }
  });
});
