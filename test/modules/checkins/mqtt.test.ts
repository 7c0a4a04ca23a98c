import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { DeviceSubscriber } from '../../../src/modules/checkins/checkins.mqtt.ts';
import { enrolSubject } from '../../../src/modules/checkins/commands/manageRoster.ts';
import { registerDevice } from '../../../src/modules/checkins/commands/registerDevice.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { capturingLog, checkinCallers, makeCheckinWorld, monday, MONDAY_5AM, type CheckinWorld } from '../../support/checkins.ts';
import { forgetSessions, mqttDevice, ownBroker, settled, SHARED_BROKER, uniqueRoot, untilSubscriber } from '../../support/mqtt.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Devices talk MQTT: door, curtain, water and power sensors and panic buttons publish
 * `{id, ts, type, value, unit}` on `<root>/devices/<deviceId>/events`, through the real Mosquitto.
 * The subscriber takes every message once, acknowledges it only after its signal is committed,
 * refuses bad messages with their reason counted (and keeps running), and comes back after the
 * broker restarts or the app was away, with what was sent meanwhile.
 */
describe.each(DATABASES)('device signals over MQTT on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: CheckinWorld;
  let logs: ReturnType<typeof capturingLog>;
  let device: Awaited<ReturnType<typeof mqttDevice>>;
  const root = uniqueRoot(kind);
  const subject: Record<string, string> = {};
  const by = { actor: systemActor('test'), requestId: null };
  const topic = (deviceId: string) => `${root}/devices/${deviceId}/events`;

  beforeAll(async () => {
    clock = fakeClock(MONDAY_5AM);
    logs = capturingLog();
    server = await startTestServer(
      kind,
      { MQTT_URL: SHARED_BROKER, MQTT_TOPIC_ROOT: root, MQTT_CLIENT_ID: root, MQTT_CONNECTIONS: '2' },
      { clock, log: logs.log },
    );
    world = await makeCheckinWorld(server.platform);
    for (const name of ['王秀英', '刘桂芳', '陈玉兰', '赵淑珍']) {
      subject[name] = (await enrolSubject(server.platform, by, { residentId: world.elders[name].id })).id;
    }
    for (const [id, name, deviceKind] of [
      ['door-wang', '王秀英', 'door'],
      ['meter-liu', '刘桂芳', 'water'],
      ['curtain-chen', '陈玉兰', 'curtain'],
      ['door-zhao', '赵淑珍', 'door'],
      ['panic-liu', '刘桂芳', 'panic'],
    ] as const) {
      await registerDevice(server.platform, by, { subjectId: subject[name], deviceId: id, kind: deviceKind });
    }
    device = await mqttDevice();
  });
  afterAll(async () => {
    await device?.close();
    await server?.dispose();
    await forgetSessions([`${root}-1`, `${root}-2`]);
  });

  const db = () => server.platform.database.db;
  const checkOf = (name: string) =>
    db()
      .selectFrom('care_check')
      .select(['state', 'safe_via', 'version'])
      .where('subject_id', '=', subject[name])
      .where('day', '=', '2026-03-02')
      .executeTakeFirstOrThrow();
  const snapshot = () =>
    Promise.all(
      (['care_signal', 'care_check', 'care_alert', 'care_alert_event', 'audit_record', 'notify_outbox', 'inbox_message'] as const).map(
        (t) => countRows(server, t),
      ),
    );
  /** Publishes, then waits until the subscriber is done with everything published so far. */
  let published = 0;
  const send = async (deviceTopic: string, payload: string) => {
    await device.publish(deviceTopic, payload);
    published += 1;
    return untilSubscriber(server.platform, (state) => settled(state) >= published);
  };

  it('makes the subject safe from a door sensor’s message through the broker, and a repeat does nothing more', async () => {
    await untilSubscriber(server.platform, (state) => state.connected === 2);
    clock.set(monday('07:04'));
    expect(await checkOf('王秀英')).toMatchObject({ state: 'waiting' });
    await send(topic('door-wang'), JSON.stringify({ id: 'evt-1', ts: monday('07:04'), type: 'door', value: 1 }));
    expect(await checkOf('王秀英')).toMatchObject({ state: 'safe', safe_via: 'door' });
    const signal = await db().selectFrom('care_signal').selectAll().where('origin', '=', 'door-wang').execute();
    expect(signal.map((s) => [s.message_id, s.source, s.effect])).toEqual([['evt-1', 'mqtt', 'safe']]);

    const before = [await snapshot(), await checkOf('王秀英')];
    const state = await send(topic('door-wang'), JSON.stringify({ id: 'evt-1', ts: monday('07:04'), type: 'door', value: 1 }));
    expect(state).toMatchObject({ accepted: 1, duplicates: 1, rejected: 0, failed: 0 });
    expect([await snapshot(), await checkOf('王秀英')]).toEqual(before);
  });

  it('raises an urgent alert at once for a panic button’s message', async () => {
    clock.set(monday('07:06'));
    const state = await send(topic('panic-liu'), JSON.stringify({ id: 'sos-1', ts: monday('07:06'), type: 'panic' }));
    expect(state).toMatchObject({ accepted: 2, rejected: 0, failed: 0 });
    const alerts = await db().selectFrom('care_alert').select(['kind', 'signal_key']).where('subject_id', '=', subject['刘桂芳']).execute();
    expect(alerts).toEqual([{ kind: 'panic', signal_key: 'panic-liu|sos-1' }]);
    expect(await countRows(server, 'inbox_message')).toBeGreaterThan(0); // the caretaker and everyone up the ladder at once
  });

  it('refuses bad messages, each counted by its reason and logged without personal data, changes nothing else, and keeps going', async () => {
    clock.set(monday('07:10'));
    const ts = monday('07:10');
    const before = [await snapshot(), await checkOf('刘桂芳'), await checkOf('陈玉兰')];
    await send(topic('meter-liu'), '{"id": "a", "ts": ');
    await send(topic('meter-liu'), '[1, 2]');
    await send(topic('nobody-42'), JSON.stringify({ id: 'b', ts, type: 'door' }));
    await send(topic('curtain-chen'), JSON.stringify({ id: 'c', ts: monday('07:16'), type: 'curtain' }));
    await send(topic('meter-liu'), JSON.stringify({ id: 'd', ts, type: 'water', value: -57.25, unit: 'L' }));
    // A topic level the broker allows but no device id has (a space, a bang): counted as malformed.
    const state = await send(topic('王秀英 13703910001!'), JSON.stringify({ id: 'e', ts, type: 'door' }));
    expect(state).toMatchObject({ rejected: 6, failed: 0, connected: 2 });
    expect([await snapshot(), await checkOf('刘桂芳'), await checkOf('陈玉兰')]).toEqual(before);

    const counts = await db()
      .selectFrom('care_signal_rejection')
      .select(['day', 'channel', 'reason', 'count'])
      .orderBy('channel')
      .orderBy('reason')
      .execute();
    expect(counts.map((c) => [c.day, c.channel, c.reason, Number(c.count)])).toEqual([
      ['2026-03-02', 'mqtt', 'future_timestamp', 1],
      ['2026-03-02', 'mqtt', 'malformed', 3],
      ['2026-03-02', 'mqtt', 'negative_reading', 1],
      ['2026-03-02', 'mqtt', 'unknown_device', 1],
    ]);
    const logged = logs.lines();
    expect(logged.match(/check-in signal rejected/g)).toHaveLength(6);
    expect(logged).toContain('"reason":"negative_reading","channel":"mqtt","device":"meter-liu"');
    for (const secret of ['王秀英', '刘桂芳', '13703910001', '1370391', '"id": "a"', '[1, 2]', '-57.25']) {
      expect({ secret, logged: logged.includes(secret) }).toEqual({ secret, logged: false });
    }

    // Still running: the next good message is taken.
    await send(topic('curtain-chen'), JSON.stringify({ id: 'f', ts, type: 'curtain' }));
    expect(await checkOf('陈玉兰')).toMatchObject({ state: 'safe', safe_via: 'curtain' });
  });

  it('shows the subscriber’s connections and figures to the district administrator', async () => {
    const call = await checkinCallers(server, world);
    const report = await call('admin')('GET', '/api/checkins/rejections?from=2026-03-02&to=2026-03-02');
    expect(report.statusCode).toBe(200);
    expect(report.json().mqtt).toEqual({
      connections: 2,
      connected: 2,
      received: 10,
      accepted: 3,
      duplicates: 1,
      rejected: 6,
      failed: 0,
      batches: expect.any(Number),
      lastError: null,
    });
  });

  it('reconnects after the broker restarts, and takes what was sent while the app was away', async () => {
    const broker = await ownBroker();
    const mqtt = { ...server.platform.config.mqtt!, url: broker.url, clientId: `${root}-own`, connections: 1 };
    let subscriber = new DeviceSubscriber(server.platform, mqtt);
    const own = await mqttDevice(broker.url);
    try {
      await subscriber.start();
      expect(subscriber.state()).toMatchObject({ connected: 1 });
      clock.set(monday('07:20'));

      // The broker goes away (SIGTERM) and comes back on the same port.
      await broker.stop();
      await untilSubscriber(server.platform, (state) => state.connected === 0);
      await sleep(2500); // a few reconnection attempts, logged once for the outage
      const ownLines = () =>
        logs
          .lines()
          .split('\n')
          .filter((line) => line.includes(`"client":"${root}-own-1"`));
      expect(ownLines().filter((line) => line.includes('mqtt disconnected; reconnecting'))).toHaveLength(1);
      expect(ownLines().filter((line) => line.includes('"msg":"mqtt error"')).length).toBeLessThanOrEqual(1);
      await broker.start();
      await untilSubscriber(server.platform, (state) => state.connected === 1);
      await own.publish(topic('door-zhao'), JSON.stringify({ id: 'after-restart', ts: monday('07:20'), type: 'door' }));
      await untilSubscriber(server.platform, (state) => state.accepted === 1);
      expect(await checkOf('赵淑珍')).toMatchObject({ state: 'safe', safe_via: 'door' });

      // The app stops (its session stays at the broker); a meter reports meanwhile; the app returns.
      await subscriber.stop();
      await own.publish(
        topic('meter-liu'),
        JSON.stringify({ id: 'while-away', ts: monday('07:21'), type: 'water', value: 120, unit: 'L' }),
      );
      expect(await db().selectFrom('care_signal').select('message_id').where('message_id', '=', 'while-away').execute()).toEqual([]);
      subscriber = new DeviceSubscriber(server.platform, mqtt);
      await subscriber.start();
      await untilSubscriber(server.platform, (state) => state.accepted === 1);
      const signal = await db()
        .selectFrom('care_signal')
        .select(['origin', 'value', 'effect'])
        .where('message_id', '=', 'while-away')
        .execute();
      expect(signal).toEqual([{ origin: 'meter-liu', value: 120, effect: expect.any(String) }]);
    } finally {
      await subscriber.stop();
      await own.close();
      await broker.dispose();
    }
  });

  it('acknowledges nothing it could not commit: the broker delivers it again until it is stored', async () => {
    const broker = await ownBroker();
    const mqtt = { ...server.platform.config.mqtt!, url: broker.url, clientId: `${root}-fail`, connections: 1 };
    const subscriber = new DeviceSubscriber(server.platform, mqtt);
    const own = await mqttDevice(broker.url);
    try {
      await subscriber.start();
      clock.set(monday('07:30'));
      // The signals table is away for a moment (a database in trouble): every commit fails.
      await sql`alter table care_signal rename to care_signal_away`.execute(db());
      await own.publish(topic('door-wang'), JSON.stringify({ id: 'retried', ts: monday('07:30'), type: 'door' }));
      const failing = await untilSubscriber(server.platform, (state) => state.failed >= 2);
      expect(failing).toMatchObject({ accepted: 0, duplicates: 0, rejected: 0 });
      expect(failing.lastError?.message).toMatch(/care_signal/);
      await sql`alter table care_signal_away rename to care_signal`.execute(db());
      await untilSubscriber(server.platform, (state) => state.accepted === 1);
      const signal = await db().selectFrom('care_signal').select(['origin', 'effect']).where('message_id', '=', 'retried').execute();
      expect(signal).toEqual([{ origin: 'door-wang', effect: 'already_safe' }]);
      expect(logs.lines()).toContain('mqtt error');
    } finally {
      await subscriber.stop();
      await own.close();
      await broker.dispose();
    }
  });
});
