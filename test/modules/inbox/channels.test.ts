import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDue } from '../../../src/platform/notify/notify.dispatch.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import { startGateway, type Gateway } from '../../platform/notify/gateway.ts';
import { enqueue, outbox } from '../../platform/notify/support.ts';

/**
 * A unit's admins say where its notifications go: WeCom and DingTalk robots, an SMS gateway with
 * duty numbers. Keys, secrets and numbers are write-only and masked on every read; each change is
 * audited without them; other units' channels and dead letters are out of reach.
 */
describe.each(DATABASES)('notification channels and dead letters on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let gateway: Gateway;
  let home: ReturnType<typeof as>;
  let foreign: ReturnType<typeof as>;
  let wecomUrl: string;

  beforeAll(async () => {
    gateway = await startGateway();
    server = await startTestServer(kind, { NOTIFY_MAX_ATTEMPTS: '1' });
    world = await makeWorld(server.platform);
    home = as(server, await signIn(server, world.users.home.username));
    foreign = as(server, await signIn(server, world.users.foreign.username));
    wecomUrl = `${gateway.url}/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa2345`;
  });
  afterAll(async () => {
    await server?.dispose();
    await gateway?.stop();
  });

  const unchanged = async () => [await countRows(server, 'notify_channel'), await countRows(server, 'audit_record')];

  it('adds channels and shows them masked: no key, secret or number in clear', async () => {
    const wecom = await home('POST', '/api/notify/channels', {
      unitCode: world.codes.home,
      kind: 'wecom',
      name: '街道工作群',
      url: wecomUrl,
    });
    expect(wecom.statusCode).toBe(201);
    expect(wecom.json()).toEqual({
      id: expect.any(String),
      unitCode: world.codes.home,
      kind: 'wecom',
      name: '街道工作群',
      url: `${gateway.url}/cgi-bin/webhook/send?key=…2345`,
      hasSecret: false,
      phones: [],
      enabled: true,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const sms = await home('POST', '/api/notify/channels', {
      unitCode: world.codes.home,
      kind: 'sms',
      name: '值班短信',
      url: `${gateway.url}/sms`,
      secret: 'sms-gateway-token-1',
      phones: ['139 0391 0001', '+86 139-0391-0002'],
    });
    expect(sms.statusCode).toBe(201);
    expect(sms.json()).toMatchObject({ hasSecret: true, phones: ['139****0001', '139****0002'] });
    const list = await home('GET', `/api/notify/channels?unit=${world.codes.home}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((c: { name: string }) => c.name)).toEqual(['街道工作群', '值班短信']);
    for (const secret of ['sms-gateway-token-1', '13903910001', '3903910002', '693a91f6-7aaa']) {
      expect({ secret, leaked: list.body.includes(secret) }).toEqual({ secret, leaked: false });
    }
    const audit = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('action', '=', 'notify.create_channel')
      .execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[1].summary)).toEqual({
      unitCode: world.codes.home,
      kind: 'sms',
      name: '值班短信',
      host: new URL(gateway.url).host,
      hasSecret: true,
      phones: 2,
      enabled: true,
    });
    expect(JSON.stringify(audit)).not.toMatch(/sms-gateway-token|13903910|693a91f6/);
  });

  it('refuses bad input with 400 and a stable code, and changes nothing', async () => {
    const base = { unitCode: world.codes.home, kind: 'wecom', name: '群', url: wecomUrl };
    const cases: [unknown, string][] = [
      [{ ...base, kind: 'email' }, 'request.invalid'],
      [{ ...base, url: 'ftp://example.com/hook' }, 'request.invalid'],
      [{ ...base, url: 'not a url' }, 'request.invalid'],
      [{ ...base, name: '' }, 'request.invalid'],
      [{ ...base, colour: 'red' }, 'request.invalid'],
      [{ ...base, unitCode: '41080400X' }, 'request.invalid'],
      [{ ...base, secret: 'x' }, 'notify.secret_not_used'],
      [{ ...base, kind: 'dingtalk', phones: ['13903910001'] }, 'notify.phones_not_used'],
      [{ ...base, kind: 'sms' }, 'notify.token_required'],
      [{ ...base, kind: 'sms', secret: 't', phones: ['13903910001', '12345'] }, 'notify.bad_phone'],
      [{ ...base, unitCode: '410804001099' }, 'notify.unknown_unit'],
    ];
    const before = await unchanged();
    for (const [body, code] of cases) {
      const response = await home('POST', '/api/notify/channels', body);
      expect({ body, status: response.statusCode, code: response.json().error.code }).toEqual({ body, status: 400, code });
    }
    expect(await unchanged()).toEqual(before);
  });

  it('edits with the version (409 when stale), keeps secrets unless replaced, and validates the result', async () => {
    const [channel] = (await home('GET', `/api/notify/channels?unit=${world.codes.home}`)).json().items;
    const disabled = await home('PATCH', `/api/notify/channels/${channel.id}`, { version: 1, enabled: false, name: '街道工作群（停用）' });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ enabled: false, version: 2, name: '街道工作群（停用）', url: channel.url });
    const stale = await home('PATCH', `/api/notify/channels/${channel.id}`, { version: 1, enabled: true });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'request.stale_version', details: { current: 2 } });
    const before = await unchanged();
    const bad = await home('PATCH', `/api/notify/channels/${channel.id}`, { version: 2, secret: 'wecom has none' });
    expect(bad.json().error.code).toBe('notify.secret_not_used');
    expect(await unchanged()).toEqual(before);
    const sms = (await home('GET', `/api/notify/channels?unit=${world.codes.home}`)).json().items[1];
    const noToken = await home('PATCH', `/api/notify/channels/${sms.id}`, { version: 1, secret: null });
    expect(noToken.json().error.code).toBe('notify.token_required');
    const renumbered = await home('PATCH', `/api/notify/channels/${sms.id}`, { version: 1, phones: ['13703910003'] });
    expect(renumbered.json()).toMatchObject({ phones: ['137****0003'], hasSecret: true, version: 2 });
    const audit = await server.platform.database.db
      .selectFrom('audit_record')
      .select('summary')
      .where('action', '=', 'notify.update_channel')
      .execute();
    expect(audit.map((a) => JSON.parse(a.summary).fields)).toEqual([['name', 'enabled'], ['phones']]);
  });

  it('queues only for enabled channels; a failing one leaves a dead letter only its own scope sees and retries', async () => {
    gateway.fallback = { status: 500 };
    const wecom2 = await home('POST', '/api/notify/channels', {
      unitCode: world.codes.home,
      kind: 'wecom',
      name: '第二群',
      url: `${gateway.url}/w2?key=abc`,
    });
    await enqueue(server.platform, {
      recipient: { unit: world.codes.home },
      title: '死信测试',
      body: '网关故障',
      dedupeKey: 'channels:dead',
    });
    // The disabled WeCom robot gets nothing; the SMS channel's number and the second robot do.
    expect((await outbox(server.platform)).map((row) => row.channel)).toEqual(['sms', 'wecom']);
    expect(await dispatchDue(server.platform)).toMatchObject({ dead: 2 });

    const mine = (await home('GET', '/api/notify/dead-letters')).json().items;
    expect(mine.map((d: { channelName: string; to: string | null }) => [d.channelName, d.to])).toEqual([
      ['第二群', null],
      ['值班短信', '137****0003'],
    ]);
    const theirs = await foreign('GET', '/api/notify/dead-letters');
    expect(theirs.json().items).toEqual([]);
    expect((await home('GET', `/api/notify/dead-letters?unit=${world.codes.foreign}`)).json().items).toEqual([]);
    const auditBefore = await countRows(server, 'audit_record');
    const refused = await foreign('POST', `/api/notify/dead-letters/${mine[0].id}/retry`);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('dead_letter.not_found');
    expect(await countRows(server, 'audit_record')).toBe(auditBefore);
    const worker = as(server, await signIn(server, world.users.worker.username));
    expect((await worker('GET', '/api/notify/dead-letters')).statusCode).toBe(403);
    expect((await worker('POST', `/api/notify/dead-letters/${mine[0].id}/retry`)).statusCode).toBe(403);

    gateway.fallback = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    expect((await home('POST', `/api/notify/dead-letters/${mine[0].id}/retry`)).statusCode).toBe(200);
    expect(await dispatchDue(server.platform)).toMatchObject({ sent: 1 });
    expect((await home('GET', '/api/notify/dead-letters')).json().items.map((d: { id: string }) => d.id)).toEqual([mine[1].id]);
    expect((await home('DELETE', `/api/notify/channels/${wecom2.json().id}`)).statusCode).toBe(204);
  });

  it('keeps other units’ channels out of reach, and lets only admins configure', async () => {
    const [channel] = (await home('GET', `/api/notify/channels?unit=${world.codes.home}`)).json().items;
    const department = as(server, await signIn(server, world.users.department.username));
    const before = await unchanged();
    expect((await foreign('GET', `/api/notify/channels?unit=${world.codes.home}`)).statusCode).toBe(403);
    const patch = await foreign('PATCH', `/api/notify/channels/${channel.id}`, { version: channel.version, enabled: true });
    expect(patch.statusCode).toBe(404);
    expect(patch.json().error.code).toBe('notify_channel.not_found');
    expect((await foreign('DELETE', `/api/notify/channels/${channel.id}`)).statusCode).toBe(404);
    expect((await department('GET', `/api/notify/channels?unit=${world.codes.department}`)).statusCode).toBe(403);
    expect((await home('GET', '/api/notify/channels?unit=410804001099')).json().error.code).toBe('org_unit.not_found');
    expect(await unchanged()).toEqual(before);
    // The district's admin configures a department's channels.
    const district = as(server, await signIn(server, world.users.admin.username));
    const created = await district('POST', '/api/notify/channels', {
      unitCode: world.codes.department,
      kind: 'dingtalk',
      name: '住建局',
      url: `${gateway.url}/robot/send?access_token=x`,
      secret: 'SECx',
    });
    expect(created.statusCode).toBe(201);
    expect((await district('DELETE', `/api/notify/channels/${created.json().id}`)).statusCode).toBe(204);
    expect((await district('GET', `/api/notify/channels?unit=${world.codes.department}`)).json().items).toEqual([]);
    const actions = await server.platform.database.db
      .selectFrom('audit_record')
      .select('action')
      .where('action', 'like', 'notify.%')
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'notify.create_channel',
      'notify.create_channel',
      'notify.update_channel',
      'notify.update_channel',
      'notify.create_channel',
      'notify.retry_dead_letter',
      'notify.delete_channel',
      'notify.create_channel',
      'notify.delete_channel',
    ]);
  });
});
