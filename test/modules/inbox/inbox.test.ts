import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeUser, makeWorld, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import { enqueue } from '../../platform/notify/support.ts';

/**
 * The in-app inbox: messages to my account and to the unit that is exactly my scope, never another
 * unit's; a unit's message read by one of its people is read for all of them.
 */
describe.each(DATABASES)('the inbox on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let home: ReturnType<typeof as>;
  let colleague: ReturnType<typeof as>;
  let worker: ReturnType<typeof as>;
  let foreign: ReturnType<typeof as>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    const other = await makeUser(server.platform, { role: 'subdistrict_admin', scopeCode: world.codes.home });
    home = as(server, await signIn(server, world.users.home.username));
    colleague = as(server, await signIn(server, other.username));
    worker = as(server, await signIn(server, world.users.worker.username));
    foreign = as(server, await signIn(server, world.users.foreign.username));
    const message = (key: string, recipient: { unit: string } | { user: string }) => ({
      recipient,
      title: `标题${key}`,
      body: `正文${key}`,
      link: `/cases/${key}`,
      dedupeKey: `inbox:${key}`,
    });
    await enqueue(server.platform, message('home', { unit: world.codes.home }));
    await enqueue(server.platform, message('foreign', { unit: world.codes.foreign }));
    await enqueue(server.platform, message('community', { unit: world.codes.homeCommunity }));
    await enqueue(server.platform, message('worker', { user: world.users.worker.id }));
    await enqueue(server.platform, message('mine', { user: world.users.home.id }));
    const rows = await server.platform.database.db.selectFrom('inbox_message').select(['id', 'title']).execute();
    for (const row of rows) ids[row.title.slice('标题'.length)] = row.id;
  });
  afterAll(() => server?.dispose());

  it('lists my messages and my unit’s, newest first, with the unread count; nothing of another unit', async () => {
    const response = await home('GET', '/api/inbox');
    expect(response.statusCode).toBe(200);
    const page = response.json();
    expect(page.items.map((m: { title: string }) => m.title)).toEqual(['标题mine', '标题home']);
    expect(page.items[1]).toEqual({
      id: ids.home,
      unitCode: world.codes.home,
      title: '标题home',
      body: '正文home',
      link: '/cases/home',
      createdAt: expect.any(String),
      readAt: null,
    });
    expect(page).toMatchObject({ unread: 2, nextCursor: null });
    expect(response.body).not.toContain(ids.foreign);
    // The community below is not "my unit": an office's inbox is its own unit's, not its subtree's.
    expect(response.body).not.toContain('标题community');
  });

  it('a worker sees only the messages to the worker; another subdistrict only its own', async () => {
    expect((await worker('GET', '/api/inbox')).json()).toMatchObject({ items: [{ title: '标题worker' }], unread: 1 });
    expect((await foreign('GET', '/api/inbox')).json()).toMatchObject({ items: [{ title: '标题foreign' }], unread: 1 });
  });

  it('a message of another unit, or none at all, is not found, and stays unread', async () => {
    for (const id of [ids.foreign, ids.worker, '01HZZZZZZZZZZZZZZZZZZZZZZZ']) {
      const response = await home('POST', `/api/inbox/${id}/read`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('inbox_message.not_found');
    }
    const row = await server.platform.database.db
      .selectFrom('inbox_message')
      .select('read_at')
      .where('id', '=', ids.foreign)
      .executeTakeFirstOrThrow();
    expect(row.read_at).toBeNull();
  });

  it('a unit’s message read by one of its people is read for everyone of the unit', async () => {
    const read = await colleague('POST', `/api/inbox/${ids.home}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: ids.home, readAt: expect.any(String) });
    const again = await home('POST', `/api/inbox/${ids.home}/read`);
    expect(again.json().readAt).toBe(read.json().readAt);
    const row = await server.platform.database.db
      .selectFrom('inbox_message')
      .select('read_by')
      .where('id', '=', ids.home)
      .executeTakeFirstOrThrow();
    expect(row.read_by).not.toBe(world.users.home.id);
    expect((await home('GET', '/api/inbox')).json().unread).toBe(1);
    expect((await home('GET', '/api/inbox?status=unread')).json().items.map((m: { id: string }) => m.id)).toEqual([ids.mine]);
    expect((await home('GET', '/api/inbox?status=read')).json().items.map((m: { id: string }) => m.id)).toEqual([ids.home]);
  });

  it('pages with a cursor, every message once', async () => {
    for (let i = 0; i < 5; i += 1) {
      await enqueue(server.platform, { recipient: { user: world.users.worker.id }, title: `分页${i}`, body: '', dedupeKey: `page:${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { title: string }[]; nextCursor: string | null } = (
        await worker('GET', `/api/inbox?limit=2${cursor ? `&after=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['分页4', '分页3', '分页2', '分页1', '分页0', '标题worker']);
  });

  it('refuses bad queries with 400 and API keys with 403', async () => {
    for (const url of ['/api/inbox?limit=0', '/api/inbox?limit=500', '/api/inbox?status=all', '/api/inbox?unit=410804']) {
      const response = await home('GET', url);
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({ url, status: 400, code: 'request.invalid' });
    }
    const key = await server.app.inject({ method: 'GET', url: '/api/inbox', headers: { 'x-api-key': world.foreignKey.key } });
    expect(key.statusCode).toBe(403);
    expect(key.json().error.code).toBe('auth.forbidden');
  });
});
