import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCheckins } from '../../../src/modules/checkins/commands/sweepCheckins.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { checkinCallers, inbox, makeCheckinWorld, monday, MONDAY_5AM, outbox, type CheckinWorld } from '../../support/checkins.ts';
import { forgetSessions, mqttDevice, settled, SHARED_BROKER, uniqueRoot, untilSubscriber } from '../../support/mqtt.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

const PUBLIC_URL = 'https://wangge.example.cn';

/**
 * A full day of the curtain pact in a small district (DOMAIN.md §5), through the HTTP API with a
 * fake clock: eight people living alone signal in every way there is — a worker's tick, their own
 * link, an SMS reply, a door sensor (over MQTT, through the real Mosquitto), water meters — one is
 * away, one misses and is resolved by a late signal, one misses and climbs every rung until a person
 * finds her taken to hospital.
 */
describe.each(DATABASES)('a day of the curtain pact on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: CheckinWorld;
  let call: Awaited<ReturnType<typeof checkinCallers>>;
  const subject: Record<string, string> = {};
  let root: string;

  beforeAll(async () => {
    clock = fakeClock(MONDAY_5AM);
    root = uniqueRoot(`day-${kind}`);
    server = await startTestServer(
      kind,
      { PUBLIC_URL, MQTT_URL: SHARED_BROKER, MQTT_TOPIC_ROOT: root, MQTT_CLIENT_ID: root, MQTT_CONNECTIONS: '1' },
      { clock },
    );
    world = await makeCheckinWorld(server.platform);
    call = await checkinCallers(server, world);
  });
  afterAll(async () => {
    await server?.dispose();
    await forgetSessions([`${root}-1`]);
  });

  const db = () => server.platform.database.db;
  const at = (hhmm: string, seconds = 0) => clock.set(monday(hhmm, seconds));
  const sweep = () => sweepCheckins(server.platform);
  const device = (key: string, payload: unknown) =>
    server.app.inject({
      method: 'POST',
      url: '/api/checkins/devices/events',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const alertOf = async (name: string) => {
    const row = await db().selectFrom('care_alert').selectAll().where('subject_id', '=', subject[name]).executeTakeFirst();
    return row!;
  };
  const summary = async () => (await call('home')('GET', '/api/checkins/summary?date=2026-03-02')).json();

  it('runs the morning from enrolment to every outcome', async () => {
    // 05:00 — the grid staff put eight people under care; two give emergency contacts.
    for (const name of Object.keys(world.elders)) {
      const plan =
        name === '吴桂英'
          ? {
              contacts: [
                { name: '吴小红', phone: '13812340001', relation: '女儿', channel: 'sms' },
                { name: '吴小军', phone: '13812340002', relation: '儿子', channel: 'phone' },
              ],
            }
          : name === '孙凤英'
            ? { contacts: [{ name: '孙小丽', phone: '13812340003', relation: '女儿', channel: 'sms' }] }
            : undefined;
      const who = name === '郑玉珍' ? 'home' : 'gridStaff';
      const response = await call(who)('POST', '/api/checkins/subjects', { residentId: world.elders[name].id, ...(plan ? { plan } : {}) });
      expect(response.statusCode, response.body).toBe(201);
      subject[name] = response.json().id;
    }
    const wu = (await call('gridStaff')('GET', `/api/checkins/subjects/${subject['吴桂英']}`)).json();
    expect(wu).toMatchObject({
      name: '吴*英',
      phone: '137****0007',
      plan: { morningWindow: { start: '06:00', end: '09:00' }, eveningWindow: null },
      contacts: [
        { name: '吴*红', phone: '138****0001', relation: '女儿', channel: 'sms' },
        { name: '吴*军', phone: '138****0002', relation: '儿子', channel: 'phone' },
      ],
    });

    // Devices: a door sensor and two water meters, each with its own key.
    const keys: Record<string, string> = {};
    for (const [id, name, kindOf] of [
      ['door-chen', '陈玉兰', 'door'],
      ['water-zhao', '赵淑珍', 'water'],
      ['water-sun', '孙凤英', 'water'],
    ] as const) {
      const response = await call('home')('POST', '/api/checkins/devices', { subjectId: subject[name], deviceId: id, kind: kindOf });
      expect(response.statusCode, response.body).toBe(201);
      keys[id] = response.json().key;
    }

    // 05:10 — 周秀兰 is at her daughter's until tomorrow evening: the worker records it.
    at('05:10');
    const away = await call('worker')('POST', `/api/checkins/subjects/${subject['周秀兰']}/away`, {
      startsAt: monday('05:10'),
      endsAt: '2026-03-03T12:00:00.000Z',
      reason: 'with_family',
    });
    expect(away.statusCode, away.body).toBe(201);

    // 05:30 — the meters report their readings before the window (the baseline).
    at('05:30');
    expect((await device(keys['water-zhao'], { id: 'z-1', ts: monday('05:30'), type: 'water', value: 1000, unit: 'L' })).json()).toEqual({
      status: 'accepted',
      effect: 'no_window',
    });
    expect((await device(keys['water-sun'], { id: 's-1', ts: monday('05:30'), type: 'water', value: 2, unit: 'm3' })).json()).toEqual({
      status: 'accepted',
      effect: 'no_window',
    });

    // Inside the window (06:00-09:00).
    at('06:40');
    expect(
      (await device(keys['water-zhao'], { id: 'z-2', ts: monday('06:40'), type: 'water', value: 1004, unit: 'L' })).json().effect,
    ).toBe('below_threshold');
    at('07:00');
    expect(
      (await device(keys['water-sun'], { id: 's-2', ts: monday('07:00'), type: 'water', value: 2.003, unit: 'm3' })).json().effect,
    ).toBe('below_threshold');
    at('07:05');
    // The door sensor publishes over MQTT through the real Mosquitto broker on 127.0.0.1:1883.
    const door = await mqttDevice();
    await door.publish(
      `${server.platform.config.mqtt!.topicRoot}/devices/door-chen/events`,
      JSON.stringify({ id: 1001, ts: Math.floor(Date.parse(monday('07:04')) / 1000), type: 'door', value: 1 }),
    );
    await door.close();
    expect(await untilSubscriber(server.platform, (state) => settled(state) === 1)).toMatchObject({ accepted: 1 });
    expect(
      await db()
        .selectFrom('care_signal')
        .select(['source', 'effect'])
        .where('origin', '=', 'door-chen')
        .where('message_id', '=', '1001')
        .execute(),
    ).toEqual([{ source: 'mqtt', effect: 'safe' }]);
    at('07:10');
    expect(
      (await device(keys['water-zhao'], { id: 'z-3', ts: monday('07:10'), type: 'water', value: 1012.5, unit: 'L' })).json().effect,
    ).toBe('safe');
    // A repeated message id changes nothing.
    expect((await device(keys['water-zhao'], { id: 'z-3', ts: monday('07:10'), type: 'water', value: 1012.5, unit: 'L' })).json()).toEqual({
      status: 'duplicate',
      effect: null,
    });

    // 07:20 — 刘桂芳 taps her own link (issued by the grid staff).
    at('07:20');
    const link = await call('gridStaff')('POST', `/api/checkins/subjects/${subject['刘桂芳']}/link`, {});
    expect(link.statusCode, link.body).toBe(200);
    expect(link.json().url).toMatch(/^https:\/\/wangge\.example\.cn\/c\/[A-Za-z0-9_-]{43}$/);
    const pagePath = link.json().path;
    const page = await server.app.inject({ method: 'GET', url: pagePath, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('我很好');
    expect(page.body).not.toContain('刘');
    const tapped = await server.app.inject({
      method: 'POST',
      url: pagePath,
      payload: 'ok=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(tapped.statusCode).toBe(200);
    expect(tapped.body).toContain('07:20 已报平安');

    // 07:30 — 郑玉珍 (in the micro-grid without a worker) replies to an SMS.
    at('07:30');
    const sms = await server.app.inject({
      method: 'POST',
      url: '/api/checkins/sms',
      headers: { 'x-api-key': world.smsGateway.key, 'content-type': 'application/json' },
      payload: JSON.stringify({ from: '+86 137 0391 0008', text: '1', receivedAt: monday('07:29') }),
    });
    expect(sms.statusCode, sms.body).toBe(200);
    expect(sms.json()).toEqual({ status: 'accepted', effect: 'safe' });

    // 08:00 — the worker ticks 王秀英 off; the phone retries with the same key.
    at('08:00');
    const ticked = await call('worker')('POST', '/api/checkins/ticks', { subjectIds: [subject['王秀英']] });
    expect(ticked.statusCode, ticked.body).toBe(200);
    expect(ticked.json()).toEqual({ ticks: [{ subjectId: subject['王秀英'], effect: 'safe' }] });

    at('08:30');
    expect(await summary()).toMatchObject({
      date: '2026-03-02',
      subjects: 8,
      checks: 8,
      safe: 5,
      waiting: 2,
      alerted: 0,
      resolved: 0,
      away: 1,
      openAlerts: 0,
    });

    // 09:00:30 — the deadline passed: 孙凤英 (her meter moved 3 L) and 吴桂英 are missed.
    at('09:00', 30);
    expect(await sweep()).toMatchObject({ raised: 2, away: 0, climbed: 0 });
    expect(await sweep()).toMatchObject({ raised: 0, climbed: 0 });
    const raised = (await inbox(server.platform)).filter((m) => m.title === '关爱对象未报平安');
    expect(raised.map((m) => [m.user_id ?? m.unit_code, m.body.slice(0, 12)])).toEqual([
      [world.users.worker.id, '孙*英（和平街5号）早间'],
      [world.codes.homeMicrogrid, '孙*英（和平街5号）早间'],
      [world.users.worker.id, '吴*英（和平街7号）早间'],
      [world.codes.homeMicrogrid, '吴*英（和平街7号）早间'],
    ]);
    expect(raised[0].body).toContain('未在09:00前报平安');
    expect(await summary()).toMatchObject({ safe: 5, waiting: 0, alerted: 2, away: 1, openAlerts: 2 });

    // 09:05 — 孙凤英 uses water after all (late): the climb stops, the all-clear goes out, the worker confirms.
    at('09:05');
    expect((await device(keys['water-sun'], { id: 's-3', ts: monday('09:04'), type: 'water', value: 2.015, unit: 'm3' })).json()).toEqual({
      status: 'accepted',
      effect: 'late',
    });
    const sun = await alertOf('孙凤英');
    expect(sun).toMatchObject({ signal_type: 'water', next_rung_at: null, outcome: null });
    const allClear = (await inbox(server.platform)).filter((m) => m.title === '已收到平安信号');
    expect(allClear.map((m) => m.user_id ?? m.unit_code)).toEqual([world.users.worker.id, world.codes.homeMicrogrid]);
    expect(allClear[0].body).toContain('请一键确认平安');
    const sunView = (await call('worker')('GET', `/api/checkins/alerts/${sun.id}`)).json();
    expect(sunView).toMatchObject({ status: 'signalled', awaitingConfirmation: true, name: '孙*英' });
    at('09:06');
    const confirmed = await call('worker')('POST', `/api/checkins/alerts/${sun.id}/outcome`, { outcome: 'safe' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'resolved', outcome: 'safe', outcomeBy: world.users.worker.username });

    // 吴桂英: nobody acknowledges. Every 15 minutes one rung higher.
    at('09:15', 30);
    expect(await sweep()).toMatchObject({ climbed: 1 });
    at('09:30', 30);
    expect(await sweep()).toMatchObject({ climbed: 1 });
    at('09:45', 30);
    expect(await sweep()).toMatchObject({ climbed: 1 });
    at('09:50');
    expect(await sweep()).toMatchObject({ climbed: 0, overdue: 0 });
    const climbs = (await inbox(server.platform)).filter((m) => m.title === '关爱预警升级');
    expect(climbs.map((m) => m.unit_code)).toEqual([world.codes.homeGrid, world.codes.homeCommunity, world.codes.district]);
    expect(climbs[0].body).toContain('第1级升级');
    expect(climbs[2].body).toContain('另有1位紧急联系人需电话联系');
    // The family: the daughter (SMS) is texted at the third rung; the son (phone) is to be called.
    const texts = (await outbox(server.platform)).filter((m) => m.channel === 'sms');
    expect(texts).toEqual([
      expect.objectContaining({
        to: '+8613812340001',
        name: '吴小红',
        title: '家人未报平安',
        body: expect.stringContaining('您的家人吴桂英今天早间未按时报平安'),
      }),
    ]);

    // 10:00:30 — an hour after the deadline without an outcome: overdue, the command centre hears.
    at('10:00', 30);
    expect(await sweep()).toMatchObject({ overdue: 1, climbed: 0 });
    expect((await inbox(server.platform)).filter((m) => m.title === '关爱预警超时未处置').map((m) => m.unit_code)).toEqual([
      world.codes.district,
    ]);

    // 10:10 — the grid staff take it on, go, and find her taken to hospital.
    const wuAlert = await alertOf('吴桂英');
    at('10:10');
    expect((await call('gridStaff')('POST', `/api/checkins/alerts/${wuAlert.id}/ack`, {})).statusCode).toBe(200);
    expect((await call('worker')('POST', `/api/checkins/alerts/${wuAlert.id}/ack`, {})).json().error.code).toBe(
      'checkin.already_acknowledged',
    );
    at('10:20');
    const outcome = await call('gridStaff')('POST', `/api/checkins/alerts/${wuAlert.id}/outcome`, {
      outcome: 'hospital',
      note: '邻居发现后已送市人民医院',
    });
    expect(outcome.statusCode, outcome.body).toBe(200);
    const caseId = outcome.json().caseId;
    expect(caseId).toBeTruthy();
    const kase = await db().selectFrom('dispatch_case').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(kase).toMatchObject({
      category_code: '1101',
      public: 0,
      source: 'staff',
      area_code: world.codes.homeMicrogrid,
      external_ref: `checkin:${wuAlert.id}`,
      state: 'reported',
    });
    expect(kase.description).toContain('已送医');
    expect(kase.description).not.toContain('吴桂英');
    expect((await inbox(server.platform)).filter((m) => m.title === '关爱对象需要救助').map((m) => m.unit_code)).toEqual([
      world.codes.district,
    ]);
    const family = (await outbox(server.platform)).filter((m) => m.channel === 'sms').map((m) => [m.to, m.title]);
    expect(family).toEqual([
      ['+8613812340001', '家人未报平安'],
      ['+8613812340001', '家人情况通知'],
    ]);
    // Never in Open311.
    const open311 = await server.app.inject({ method: 'GET', url: '/open311/v2/requests.json' });
    expect(open311.statusCode).toBe(200);
    expect(open311.body).not.toContain(caseId);

    // The timeline says it all, once each.
    const detail = (await call('home')('GET', `/api/checkins/alerts/${wuAlert.id}`)).json();
    expect(detail.timeline.map((e: { step: string }) => e.step)).toEqual([
      'raise',
      'rung:1',
      'rung:2',
      'rung:3',
      'overdue',
      'ack',
      'outcome',
      'case',
    ]);
    expect(detail.timeline[3].details.recipients).toEqual([{ contact: 0 }, { unit: world.codes.district }]);
    expect(detail).toMatchObject({ status: 'resolved', overdue: true, outcome: 'hospital', lateMinutes: 0, rung: 3 });
    expect(JSON.stringify(detail)).not.toContain('13812340001');

    expect(await summary()).toMatchObject({ subjects: 8, safe: 5, waiting: 0, alerted: 0, resolved: 2, away: 1, openAlerts: 0 });
  });

  it('shows the worker the day in walking order, the board per unit, histories and the month', async () => {
    const today = (await call('worker')('GET', '/api/checkins/today')).json();
    expect(today.items.map((i: { address: string; state: string }) => [i.address, i.state])).toEqual([
      ['和平街1号', 'safe'],
      ['和平街2号', 'safe'],
      ['和平街3号', 'safe'],
      ['和平街4号', 'safe'],
      ['和平街5号', 'resolved'],
      ['和平街6号', 'away'],
      ['和平街7号', 'resolved'],
    ]);
    expect(today.items[0]).toMatchObject({ name: '王*英', safeVia: 'tick', phone: '137****0001' });

    const board = (await call('home')('GET', '/api/checkins/board?date=2026-03-02&unit=410804001001001')).json();
    expect(board.rows.map((r: { code: string; subjects: number; safe: number }) => [r.code, r.subjects, r.safe])).toEqual([
      ['41080400100100101', 7, 4],
      ['41080400100100102', 1, 1],
    ]);
    expect(board.totals).toMatchObject({ subjects: 8, safe: 5, resolved: 2, away: 1 });

    const history = (await call('gridStaff')('GET', `/api/checkins/subjects/${subject['吴桂英']}/history`)).json();
    expect(history.days).toEqual([
      {
        day: '2026-03-02',
        checks: [
          expect.objectContaining({ window: 'morning', state: 'resolved', alert: expect.objectContaining({ outcome: 'hospital' }) }),
        ],
      },
    ]);

    const month = (await call('home')('GET', `/api/checkins/monthly?unit=${world.codes.home}&month=2026-03`)).json();
    expect(month.totals).toMatchObject({
      alerts: 2,
      resolved: 2,
      falseAlarms: 1,
      falseAlarmShare: 0.5,
      medianMinutesToOutcome: 43, // 6 and 80 minutes after the deadline
      outcomes: { safe: 1, hospital: 1, ill: 0 },
    });

    // A worker sees their micro-grid only; nobody outside the scope sees anything.
    expect((await call('worker')('GET', `/api/checkins/subjects/${subject['郑玉珍']}`)).statusCode).toBe(404);
    expect((await call('foreign')('GET', `/api/checkins/alerts/${(await alertOf('吴桂英')).id}`)).statusCode).toBe(404);
    expect((await call('foreign')('GET', '/api/checkins/summary?date=2026-03-02')).json()).toMatchObject({ subjects: 0 });
  });
});
