import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dingTalkSignature } from '../../../src/platform/notify/notify.channels.ts';
import { dispatchDue, retryDelaySeconds } from '../../../src/platform/notify/notify.dispatch.ts';
import { dedupeDigest } from '../../../src/platform/notify/notify.sealed.ts';
import { notify } from '../../../src/platform/notify/notify.enqueue.ts';
import { updateChannel } from '../../../src/modules/inbox/commands/updateChannel.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import { fakeClock, startGateway, type Gateway } from './gateway.ts';
import { bySystem, channel, enqueue, outbox } from './support.ts';

/**
 * The outbox and its dispatcher against a local gateway that records what it gets: the real WeCom,
 * DingTalk and SMS formats, retries on the backoff schedule, dead letters, idempotency, transactions.
 */
const PUBLIC_URL = 'http://wangge.example.test';

describe.each(DATABASES)('the notification outbox on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let gateway: Gateway;
  let clock: ReturnType<typeof fakeClock>;

  beforeEach(async () => {
    clock = fakeClock();
    gateway = await startGateway();
    server = await startTestServer(kind, { PUBLIC_URL, NOTIFY_MAX_ATTEMPTS: '4', NOTIFY_TIMEOUT_SECONDS: '1' }, { clock });
    world = await makeWorld(server.platform);
  });
  afterEach(async () => {
    await server?.dispose();
    await gateway?.stop();
  });

  it('sends the real WeCom, DingTalk (signed) and SMS formats, and writes the in-app message with them', async () => {
    const platform = server.platform;
    const home = world.codes.home;
    await channel(platform, { unitCode: home, kind: 'wecom', url: `${gateway.url}/cgi-bin/webhook/send?key=wecom-key-1` });
    const secret = 'SEC0123456789abcdef0123456789abcdef';
    await channel(platform, { unitCode: home, kind: 'dingtalk', url: `${gateway.url}/robot/send?access_token=ding-token-1`, secret });
    await channel(platform, { unitCode: home, kind: 'sms', url: `${gateway.url}/sms`, secret: 'sms-token-1', phones: ['139 0391 0001'] });
    await channel(platform, { unitCode: world.codes.district, kind: 'sms', url: `${gateway.url}/sms-district`, secret: 'district-token' });

    await enqueue(
      platform,
      {
        recipient: { unit: home },
        title: '案件超时升级',
        body: '幸福路井盖缺失，已超时2小时。',
        link: '/cases/01J0000000',
        dedupeKey: 'format:1',
      },
      { recipient: { phone: '+86 139-0391-0002', name: '张桂兰' }, title: '请评价', body: '您反映的问题已处理。', dedupeKey: 'format:2' },
    );
    expect(await dispatchDue(platform)).toEqual({ claimed: 4, sent: 4, retrying: 0, dead: 0 });

    const byPath = (path: string) => gateway.received.filter((r) => r.path === path);
    const [wecom] = byPath('/cgi-bin/webhook/send');
    expect(wecom.query.get('key')).toBe('wecom-key-1');
    expect(wecom.headers['content-type']).toMatch(/^application\/json/);
    expect(wecom.body).toEqual({
      msgtype: 'markdown',
      markdown: { content: `### 案件超时升级\n幸福路井盖缺失，已超时2小时。\n[查看详情](${PUBLIC_URL}/cases/01J0000000)` },
    });

    const [ding] = byPath('/robot/send');
    const timestamp = ding.query.get('timestamp')!;
    expect(Number(timestamp)).toBe(clock.now().getTime());
    expect(ding.query.get('access_token')).toBe('ding-token-1');
    // Recomputed as DingTalk does: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), URL-encoded.
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(dingTalkSignature(secret, Number(timestamp))).toBe(expected);
    expect(ding.rawQuery).toContain(`sign=${encodeURIComponent(expected)}`);
    expect(ding.body).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '案件超时升级',
        text: `### 案件超时升级\n\n幸福路井盖缺失，已超时2小时。\n\n[查看详情](${PUBLIC_URL}/cases/01J0000000)`,
      },
    });

    const rows = await outbox(platform);
    const [sms] = byPath('/sms');
    expect(sms.headers.authorization).toBe('Bearer sms-token-1');
    expect(sms.body).toEqual({
      to: '+8613903910001',
      text: `案件超时升级：幸福路井盖缺失，已超时2小时。 ${PUBLIC_URL}/cases/01J0000000`,
      reference: rows.find((r) => r.channel === 'sms' && r.unit_code === home)!.id,
    });
    const [resident] = byPath('/sms-district');
    expect(resident.headers.authorization).toBe('Bearer district-token');
    expect(resident.body).toEqual({
      to: '+8613903910002',
      text: '张桂兰，您好！请评价：您反映的问题已处理。',
      reference: rows.find((r) => r.channel === 'sms' && r.unit_code === null)!.id,
    });

    expect(rows.map((r) => [r.channel, r.state, r.attempts])).toEqual([
      ['wecom', 'sent', 1],
      ['dingtalk', 'sent', 1],
      ['sms', 'sent', 1],
      ['sms', 'sent', 1],
    ]);
    expect(rows.every((r) => r.sent_at === clock.now().toISOString() && r.claimed_until === null)).toBe(true);
    const inbox = await platform.database.db.selectFrom('inbox_message').selectAll().execute();
    expect(inbox).toMatchObject([{ unit_code: home, user_id: null, title: '案件超时升级', link: '/cases/01J0000000', read_at: null }]);
    // Nothing more is due.
    expect((await dispatchDue(platform)).claimed).toBe(0);
  });

  it('retries on HTTP 500, errcode ≠ 0 and a refused connection at the backoff times, then delivers', async () => {
    const platform = server.platform;
    await channel(platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/cgi-bin/webhook/send?key=k` });
    await enqueue(platform, { recipient: { unit: world.codes.home }, title: '测试', body: '重试', dedupeKey: 'retry:1' });

    gateway.script({ status: 500, body: { message: 'busy' } }, { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    expect(await dispatchDue(platform)).toMatchObject({ claimed: 1, retrying: 1 });
    let [row] = await outbox(platform);
    expect(row).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: 'HTTP 500',
      next_attempt_at: clock.at(30),
      claimed_until: null,
    });

    clock.advance(29);
    expect((await dispatchDue(platform)).claimed).toBe(0);
    clock.advance(1);
    expect(await dispatchDue(platform)).toMatchObject({ claimed: 1, retrying: 1 });
    [row] = await outbox(platform);
    expect(row).toMatchObject({ attempts: 2, last_error: 'errcode 310000', next_attempt_at: clock.at(30 + 60) });

    await gateway.refuse();
    clock.advance(60);
    expect(await dispatchDue(platform)).toMatchObject({ claimed: 1, retrying: 1 });
    [row] = await outbox(platform);
    expect(row).toMatchObject({ attempts: 3, last_error: 'connection failed (ECONNREFUSED)', next_attempt_at: clock.at(90 + 120) });

    await gateway.resume();
    clock.advance(119);
    expect((await dispatchDue(platform)).claimed).toBe(0);
    clock.advance(1);
    expect(await dispatchDue(platform)).toMatchObject({ claimed: 1, sent: 1 });
    [row] = await outbox(platform);
    expect(row).toMatchObject({ state: 'sent', attempts: 4, last_error: null, sent_at: clock.at(210) });
    expect(gateway.received).toHaveLength(3);
    expect([30, 60, 120, 240, 480, 960, 1920, 3600, 3600].map((_, i) => retryDelaySeconds(i + 1))).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]);
  });

  it('gives up after NOTIFY_MAX_ATTEMPTS: a dead letter an admin sees and retries, then it is sent', async () => {
    const platform = server.platform;
    await channel(platform, {
      unitCode: world.codes.home,
      kind: 'dingtalk',
      url: `${gateway.url}/robot/send?access_token=t`,
      name: '街道钉钉群',
    });
    await enqueue(platform, { recipient: { unit: world.codes.home }, title: '死信', body: '一直失败', dedupeKey: 'dead:1' });
    gateway.fallback = { status: 502 };
    for (const wait of [0, 30, 60, 120]) {
      clock.advance(wait);
      expect((await dispatchDue(platform)).claimed).toBe(1);
    }
    let [row] = await outbox(platform);
    expect(row).toMatchObject({ state: 'dead', attempts: 4, last_error: 'HTTP 502' });
    clock.advance(3600);
    expect((await dispatchDue(platform)).claimed).toBe(0);

    const admin = as(server, await signIn(server, world.users.home.username));
    const list = await admin('GET', '/api/notify/dead-letters');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        id: row.id,
        kind: 'dingtalk',
        channelName: '街道钉钉群',
        title: '死信',
        attempts: 4,
        lastError: 'HTTP 502',
        to: null,
      }),
    ]);

    gateway.fallback = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    const retried = await admin('POST', `/api/notify/dead-letters/${row.id}/retry`);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ id: row.id, state: 'pending', nextAttemptAt: clock.now().toISOString() });
    expect((await admin('GET', '/api/notify/dead-letters')).json().items).toEqual([]);
    expect(await dispatchDue(platform)).toMatchObject({ sent: 1 });
    [row] = await outbox(platform);
    expect(row).toMatchObject({ state: 'sent', attempts: 1 });
    const again = await admin('POST', `/api/notify/dead-letters/${row.id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('notify.not_dead');
    const audit = await platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('action', '=', 'notify.retry_dead_letter')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].summary)).toEqual({ kind: 'dingtalk', unitCode: world.codes.home, attempts: 4, lastError: 'HTTP 502' });
  });

  it('a gateway that does not answer in NOTIFY_TIMEOUT_SECONDS is a failed attempt', async () => {
    const platform = server.platform;
    await channel(platform, { unitCode: world.codes.home, kind: 'sms', url: `${gateway.url}/sms`, secret: 'tok', phones: ['13903910001'] });
    await enqueue(platform, { recipient: { unit: world.codes.home }, title: '超时', body: '网关不回答', dedupeKey: 'timeout:1' });
    gateway.script({ status: 200, hang: true });
    expect(await dispatchDue(platform)).toMatchObject({ retrying: 1 });
    const [row] = await outbox(platform);
    expect(row).toMatchObject({ state: 'pending', last_error: 'timeout after 1 s' });
  });

  it('the same dedupe key twice queues one message; so do two transactions racing with it', async () => {
    const platform = server.platform;
    await channel(platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=k` });
    const once = {
      recipient: { unit: world.codes.home },
      title: '一次',
      body: '只发一次',
      dedupeKey: 'case:1:escalate:handle:1:410804001',
    };
    await enqueue(platform, once);
    await enqueue(platform, once);
    await enqueue(platform, { ...once, recipient: { user: world.users.home.id } });
    await Promise.all([enqueue(platform, { ...once, dedupeKey: 'race' }), enqueue(platform, { ...once, dedupeKey: 'race' })]);
    await enqueue(platform, { recipient: { phone: '13903910005' }, title: '居民', body: '一次', dedupeKey: 'phone:1' });
    await enqueue(platform, { recipient: { phone: '13903910005' }, title: '居民', body: '一次', dedupeKey: 'phone:1' });
    const digest = (key: string) => dedupeDigest(platform, key);
    const inbox = await platform.database.db.selectFrom('inbox_message').select('dedupe_key').orderBy('id').execute();
    expect(inbox.map((m) => m.dedupe_key)).toEqual([digest(once.dedupeKey), digest('race')]);
    expect((await outbox(platform)).map((r) => r.dedupe_key.split('#')[0])).toEqual([
      digest(once.dedupeKey),
      digest('race'),
      digest('phone:1'),
    ]);
  });

  it('a notification in a transaction that rolls back leaves nothing behind', async () => {
    const platform = server.platform;
    await channel(platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=k` });
    const failing = platform.database.db.transaction().execute(async (trx) => {
      await notify(platform, trx, { recipient: { unit: world.codes.home }, title: '回滚', body: '不应留下', dedupeKey: 'rollback:1' });
      await notify(platform, trx, { recipient: { phone: '13903910006' }, title: '回滚', body: '不应留下', dedupeKey: 'rollback:2' });
      throw new Error('the case change failed');
    });
    await expect(failing).rejects.toThrow('the case change failed');
    expect(await platform.database.db.selectFrom('inbox_message').selectAll().execute()).toEqual([]);
    expect(await outbox(platform)).toEqual([]);
    expect((await dispatchDue(platform)).claimed).toBe(0);
    expect(gateway.received).toEqual([]);
  });

  it('a channel disabled or deleted after queueing, or no district SMS gateway, makes a dead letter at once', async () => {
    const platform = server.platform;
    const wecom = await channel(platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=k` });
    await enqueue(
      platform,
      { recipient: { unit: world.codes.home }, title: '停用', body: '渠道已停用', dedupeKey: 'disabled:1' },
      { recipient: { phone: '13903910007' }, title: '无网关', body: '区里没有短信网关', dedupeKey: 'nogateway:1' },
    );
    await updateChannel(platform, bySystem, wecom.id, { version: 1, enabled: false });
    expect(await dispatchDue(platform)).toMatchObject({ dead: 2 });
    expect((await outbox(platform)).map((r) => [r.state, r.attempts, r.last_error])).toEqual([
      ['dead', 1, 'channel disabled'],
      ['dead', 1, 'no SMS gateway configured for the district'],
    ]);
    // Only the district command centre sees a resident's SMS that found no gateway.
    const district = as(server, await signIn(server, world.users.admin.username));
    const home = as(server, await signIn(server, world.users.home.username));
    expect((await district('GET', '/api/notify/dead-letters')).json().items.map((d: { title: string }) => d.title)).toEqual([
      '无网关',
      '停用',
    ]);
    expect((await home('GET', '/api/notify/dead-letters')).json().items.map((d: { title: string }) => d.title)).toEqual(['停用']);
    const residentRow = (await outbox(platform)).find((r) => r.unit_code === null)!;
    expect((await home('POST', `/api/notify/dead-letters/${residentRow.id}/retry`)).statusCode).toBe(404);
    expect((await district('GET', '/api/notify/dead-letters')).json().items[0].to).toBe('139****0007');
  });

  it('no phone number, token, secret or robot key is stored in clear, and none reaches the audit trail', async () => {
    const platform = server.platform;
    const secrets = [
      '13903910008',
      '3903910008',
      'sms-token-secret',
      'SECdingsecret',
      'wecom-robot-key-123',
      'ding-access-token-123',
      '张桂兰',
    ];
    await channel(platform, {
      unitCode: world.codes.district,
      kind: 'sms',
      url: `${gateway.url}/sms`,
      secret: 'sms-token-secret',
      phones: ['13903910008'],
    });
    await channel(platform, {
      unitCode: world.codes.home,
      kind: 'dingtalk',
      url: `${gateway.url}/r?access_token=ding-access-token-123`,
      secret: 'SECdingsecret',
    });
    await channel(platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=wecom-robot-key-123` });
    await enqueue(
      platform,
      { recipient: { unit: world.codes.district }, title: '区级', body: '通知', dedupeKey: 'clear:1' },
      {
        recipient: { phone: '13903910008', name: '张桂兰' },
        title: '居民',
        body: '通知',
        // A caller's key may name the recipient: it is stored hashed.
        dedupeKey: `case:1:event:${JSON.stringify({ phone: '13903910008', name: '张桂兰' })}`,
      },
    );
    await dispatchDue(platform);
    const dump = JSON.stringify([
      await platform.database.db.selectFrom('notify_outbox').selectAll().execute(),
      await platform.database.db.selectFrom('notify_channel').selectAll().execute(),
      await platform.database.db.selectFrom('audit_record').selectAll().execute(),
    ]);
    for (const secret of secrets) expect({ secret, inClear: dump.includes(secret) }).toEqual({ secret, inClear: false });
  });
});
