import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { ingestDeviceMessage } from '../../../src/modules/checkins/checkins.channels.ts';
import { enrolSubject } from '../../../src/modules/checkins/commands/manageRoster.ts';
import { recordSignal } from '../../../src/modules/checkins/commands/recordSignal.ts';
import { sweepCheckins } from '../../../src/modules/checkins/commands/sweepCheckins.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeApiKey } from '../../support/factories.ts';
import {
  capturingLog,
  checkinCallers,
  inbox,
  makeCheckinWorld,
  monday,
  MONDAY_5AM,
  outbox,
  type CheckinWorld,
} from '../../support/checkins.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Signals from every channel go through one command: repeats change nothing, bad input is refused
 * with a stable reason, counted, logged without personal data, and changes nothing else; a panic is
 * urgent; meters count only above their thresholds.
 */
describe.each(DATABASES)('check-in signals on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: CheckinWorld;
  let call: Awaited<ReturnType<typeof checkinCallers>>;
  let logs: ReturnType<typeof capturingLog>;
  const subject: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const by = { actor: systemActor('test'), requestId: null };

  beforeAll(async () => {
    clock = fakeClock(MONDAY_5AM);
    logs = capturingLog();
    server = await startTestServer(kind, {}, { clock, log: logs.log });
    world = await makeCheckinWorld(server.platform);
    call = await checkinCallers(server, world);
    for (const name of ['王秀英', '刘桂芳', '陈玉兰', '赵淑珍', '孙凤英', '周秀兰']) {
      const plan =
        name === '陈玉兰' ? { contacts: [{ name: '陈小梅', phone: '13812349999', relation: '女儿', channel: 'sms' as const }] } : undefined;
      subject[name] = (await enrolSubject(server.platform, by, { residentId: world.elders[name].id, plan })).id;
    }
    for (const [id, name, deviceKind] of [
      ['door-1', '王秀英', 'door'],
      ['meter-1', '刘桂芳', 'water'],
      ['panic-1', '陈玉兰', 'panic'],
      ['power-1', '赵淑珍', 'power'],
    ] as const) {
      const response = await call('home')('POST', '/api/checkins/devices', { subjectId: subject[name], deviceId: id, kind: deviceKind });
      expect(response.statusCode, response.body).toBe(201);
      keys[id] = response.json().key;
    }
    keys.orphan = (await makeApiKey(server.platform, world.codes.homeMicrogrid, 'device')).key;
  });
  afterAll(() => server?.dispose());

  const db = () => server.platform.database.db;
  const device = (key: string, payload: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/checkins/devices/events',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      payload,
    });
  const sms = (payload: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/checkins/sms',
      headers: { 'x-api-key': world.smsGateway.key, 'content-type': 'application/json' },
      payload,
    });
  const refused = async (response: Promise<{ statusCode: number; json(): { error: { code: string } } }>, status: number, code: string) => {
    const answer = await response;
    expect({ status: answer.statusCode, code: answer.json().error.code }).toEqual({ status, code });
  };
  const snapshot = async () =>
    Promise.all(
      (['care_signal', 'care_alert', 'care_alert_event', 'audit_record', 'notify_outbox', 'inbox_message'] as const).map((t) =>
        countRows(server, t),
      ),
    );
  const checkStates = () => db().selectFrom('care_check').select(['subject_id', 'state', 'version']).orderBy('subject_id').execute();

  it('refuses bad input with a stable reason, counts it per day and reason, logs nothing personal, changes nothing', async () => {
    clock.set(monday('07:00'));
    const before = [await snapshot(), await checkStates()];
    const ts = monday('07:00');
    await refused(device(keys['door-1'], '{"id": "a", "ts": '), 400, 'checkin.malformed');
    await refused(device(keys['door-1'], '[1, 2]'), 400, 'checkin.malformed');
    await refused(device(keys['door-1'], JSON.stringify({ id: 'b', ts })), 400, 'checkin.malformed');
    await refused(device(keys['door-1'], JSON.stringify({ id: 'c', ts: 'yesterday', type: 'door' })), 400, 'checkin.malformed');
    await refused(device(keys['door-1'], JSON.stringify({ id: 'd', ts, type: 'water', value: 3 })), 422, 'checkin.type_not_supported');
    await refused(device(keys['door-1'], JSON.stringify({ id: 'e', ts: monday('07:06'), type: 'door' })), 422, 'checkin.future_timestamp');
    await refused(
      device(keys['meter-1'], JSON.stringify({ id: 'f', ts, type: 'water', value: -5, unit: 'L' })),
      422,
      'checkin.negative_reading',
    );
    await refused(
      device(keys['meter-1'], JSON.stringify({ id: 'g', ts, type: 'water', value: 5, unit: 'gallon' })),
      422,
      'checkin.bad_unit',
    );
    await refused(device(keys['meter-1'], JSON.stringify({ id: 'h', ts, type: 'water' })), 400, 'checkin.malformed');
    await refused(device(keys.orphan, JSON.stringify({ id: 'i', ts, type: 'door' })), 404, 'checkin.unknown_device');
    // The same command without HTTP, as the MQTT subscriber calls it.
    expect(
      await ingestDeviceMessage(server.platform, {
        deviceId: 'nobody-42',
        payload: Buffer.from(JSON.stringify({ id: 'j', ts, type: 'door' })),
        channel: 'mqtt',
      }),
    ).toEqual({ status: 'rejected', reason: 'unknown_device' });
    expect(
      await ingestDeviceMessage(server.platform, { deviceId: 'door-1', payload: Buffer.from('not json at all'), channel: 'mqtt' }),
    ).toEqual({ status: 'rejected', reason: 'malformed' });
    expect(await ingestDeviceMessage(server.platform, { deviceId: 'door/1/#', payload: '{}', channel: 'mqtt' })).toEqual({
      status: 'rejected',
      reason: 'malformed',
    });
    expect(await recordSignal(server.platform, { id: 'k', subjectId: 'no-such-subject', ts, type: 'link', source: 'link' })).toEqual({
      status: 'rejected',
      reason: 'unknown_subject',
    });
    expect(await recordSignal(server.platform, 'garbage')).toEqual({ status: 'rejected', reason: 'malformed' });
    // SMS from a number nobody under care has, and a body that is not JSON.
    await refused(sms(JSON.stringify({ from: '13900001111', text: '好', receivedAt: ts })), 404, 'checkin.unknown_sender');
    await refused(sms('from=13703910001'), 400, 'checkin.malformed');
    // 张桂兰 is not under care; her number is known to the registry but matches no subject.
    await refused(sms(JSON.stringify({ from: '13903910001', text: '好', receivedAt: ts })), 404, 'checkin.unknown_sender');

    expect([await snapshot(), await checkStates()]).toEqual(before);
    const counts = await db()
      .selectFrom('care_signal_rejection')
      .select(['day', 'channel', 'reason', 'count'])
      .orderBy('channel')
      .orderBy('reason')
      .execute();
    expect(counts.map((c) => [c.day, c.channel, c.reason, Number(c.count)])).toEqual([
      ['2026-03-02', 'http', 'bad_unit', 1],
      ['2026-03-02', 'http', 'future_timestamp', 1],
      ['2026-03-02', 'http', 'malformed', 5],
      ['2026-03-02', 'http', 'negative_reading', 1],
      ['2026-03-02', 'http', 'type_not_supported', 1],
      ['2026-03-02', 'http', 'unknown_device', 1],
      ['2026-03-02', 'link', 'unknown_subject', 1],
      ['2026-03-02', 'mqtt', 'malformed', 2],
      ['2026-03-02', 'mqtt', 'unknown_device', 1],
      ['2026-03-02', 'sms', 'malformed', 1],
      ['2026-03-02', 'sms', 'unknown_sender', 2],
      ['2026-03-02', 'unknown', 'malformed', 1],
    ]);
    const report = await call('admin')('GET', '/api/checkins/rejections?from=2026-03-01&to=2026-03-31');
    expect(report.json().rows).toHaveLength(counts.length);

    const logged = logs.lines();
    expect(logged).toContain('check-in signal rejected');
    expect(logged).toContain('"reason":"future_timestamp"');
    for (const secret of [
      '13900001111',
      '13903910001',
      '13703910001',
      '1370391',
      '王秀英',
      '张桂兰',
      keys['door-1'],
      keys.orphan,
      world.smsGateway.key,
      '好',
    ]) {
      expect({ secret, logged: logged.includes(secret) }).toEqual({ secret, logged: false });
    }
  });

  it('takes a repeated message once, and a retried tick answers the same without ticking twice', async () => {
    clock.set(monday('07:10'));
    const door = JSON.stringify({ id: 'door-event-1', ts: monday('07:10'), type: 'door', value: 1 });
    expect((await device(keys['door-1'], door)).json()).toEqual({ status: 'accepted', effect: 'safe' });
    const before = [await snapshot(), await checkStates()];
    expect((await device(keys['door-1'], door)).json()).toEqual({ status: 'duplicate', effect: null });
    expect(await ingestDeviceMessage(server.platform, { deviceId: 'door-1', payload: door, channel: 'mqtt' })).toEqual({
      status: 'duplicate',
      subjectId: subject['王秀英'],
    });
    expect([await snapshot(), await checkStates()]).toEqual(before);

    const household = await householdOf('孙凤英');
    const tick = () =>
      server.app.inject({
        method: 'POST',
        url: '/api/checkins/ticks',
        headers: { authorization: `Bearer ${call.token('worker')}`, 'idempotency-key': 'tick-0710-a' },
        payload: { householdIds: [household] },
      });
    const first = await tick();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ ticks: [{ subjectId: subject['孙凤英'], effect: 'safe' }] });
    const signals = await countRows(server, 'care_signal');
    const again = await tick();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await countRows(server, 'care_signal')).toBe(signals);
  });

  it('counts a water meter only above its threshold and electricity only above the night’s baseline', async () => {
    // 刘桂芳's meter: 3 L by 07:20 is not enough; 11 L by 07:40 is.
    for (const [id, hhmm, value, effect] of [
      ['w1', '05:00', 500, 'no_window'],
      ['w2', '07:20', 503, 'below_threshold'],
      ['w3', '07:40', 0.511, 'safe'],
    ] as const) {
      clock.set(monday(hhmm));
      const payload = { id, ts: monday(hhmm), type: 'water', value, unit: id === 'w3' ? 'm3' : 'L' };
      expect((await device(keys['meter-1'], JSON.stringify(payload))).json(), id).toEqual({ status: 'accepted', effect });
    }
    // 赵淑珍's electricity: 0.1 kWh an hour all night (a fridge); 0.25 kWh in the first hour of the window is the fridge plus 0.15: not enough.
    for (const [id, hhmm, value, effect] of [
      ['p1', '00:00', 100.0, 'no_window'],
      ['p2', '05:59', 100.6, 'no_window'],
      ['p3', '07:00', 100.85, 'below_threshold'],
      ['p4', '07:30', 101.3, 'safe'],
    ] as const) {
      clock.set(monday(hhmm));
      expect(
        (await device(keys['power-1'], JSON.stringify({ id, ts: monday(hhmm), type: 'power', value, unit: 'kWh' }))).json(),
        id,
      ).toEqual({ status: 'accepted', effect });
    }
  });

  it('raises a panic at once to everyone on the ladder, once per message, whatever the plan', async () => {
    clock.set(monday('07:45'));
    const press = JSON.stringify({ id: 'sos-1', ts: monday('07:45'), type: 'panic' });
    expect((await device(keys['panic-1'], press)).json()).toEqual({ status: 'accepted', effect: 'panic' });
    expect((await device(keys['panic-1'], press)).json()).toEqual({ status: 'duplicate', effect: null });
    const alerts = await db().selectFrom('care_alert').selectAll().where('kind', '=', 'panic').execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject_id: subject['陈玉兰'], rung: 3, next_rung_at: null, check_id: null });
    const urgent = (await inbox(server.platform)).filter((m) => m.title === '紧急求助');
    expect(urgent.map((m) => m.user_id ?? m.unit_code)).toEqual([
      world.users.worker.id,
      world.codes.homeMicrogrid,
      world.codes.homeGrid,
      world.codes.homeCommunity,
      world.codes.district,
    ]);
    expect((await outbox(server.platform)).filter((m) => m.title === '紧急求助').map((m) => m.to)).toEqual(['+8613812349999']);
    // The panic is not the day's sign of life unless the plan says so: her check still waits.
    const check = await db().selectFrom('care_check').select('state').where('subject_id', '=', subject['陈玉兰']).executeTakeFirstOrThrow();
    expect(check.state).toBe('waiting');
  });

  it('a late tick is the worker’s own confirmation; a signal sent in time but delivered late resolves the alert', async () => {
    clock.set(monday('09:00', 20));
    await sweepCheckins(server.platform); // 陈玉兰's check (no sign of life but the panic) is missed
    const missed = await db()
      .selectFrom('care_alert')
      .selectAll()
      .where('kind', '=', 'missed')
      .where('subject_id', '=', subject['陈玉兰'])
      .execute();
    expect(missed).toHaveLength(1);
    clock.set(monday('09:03'));
    const ticked = await call('worker')('POST', '/api/checkins/ticks', { subjectIds: [subject['陈玉兰']] });
    expect(ticked.json()).toEqual({ ticks: [{ subjectId: subject['陈玉兰'], effect: 'late_confirmed' }] });
    const resolved = await db().selectFrom('care_alert').selectAll().where('id', '=', missed[0].id).executeTakeFirstOrThrow();
    expect(resolved).toMatchObject({ outcome: 'safe', outcome_by: world.users.worker.id, signal_type: 'tick', next_rung_at: null });
    expect(
      await db().selectFrom('care_check').select('state').where('subject_id', '=', subject['陈玉兰']).executeTakeFirstOrThrow(),
    ).toEqual({ state: 'resolved' });

    // 周秀兰 tapped her link at 08:59 on a phone that was offline until 09:04: the tap arrives late.
    clock.set(monday('09:04'));
    expect(
      await recordSignal(server.platform, {
        id: 'offline-tap',
        subjectId: subject['周秀兰'],
        ts: monday('08:59'),
        type: 'link',
        source: 'link',
      }),
    ).toMatchObject({
      status: 'accepted',
      effect: 'late',
    });
    const zhou = await db().selectFrom('care_alert').selectAll().where('subject_id', '=', subject['周秀兰']).executeTakeFirstOrThrow();
    expect(zhou).toMatchObject({ signal_at: monday('08:59'), outcome: null, next_rung_at: null, overdue_due_at: null });
    clock.set(monday('09:20'));
    expect(await sweepCheckins(server.platform)).toMatchObject({ climbed: 0 });
  });

  async function householdOf(name: string): Promise<string> {
    const row = await db().selectFrom('resident').select('household_id').where('id', '=', world.elders[name].id).executeTakeFirstOrThrow();
    return row.household_id;
  }
});
