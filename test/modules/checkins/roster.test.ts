import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { checkinCallers, makeCheckinWorld, monday, MONDAY_5AM, outbox, type CheckinWorld } from '../../support/checkins.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * The roster (DOMAIN.md §5): who is under care, their plan, contacts and health notes encrypted and
 * masked, reveals audited, away periods, the personal link, devices, the district's settings — and
 * who may do each.
 */
describe.each(DATABASES)('the care roster on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: CheckinWorld;
  let call: Awaited<ReturnType<typeof checkinCallers>>;

  beforeAll(async () => {
    clock = fakeClock(MONDAY_5AM);
    server = await startTestServer(kind, {}, { clock });
    world = await makeCheckinWorld(server.platform);
    call = await checkinCallers(server, world);
  });
  afterAll(() => server?.dispose());

  const db = () => server.platform.database.db;
  const subjectOf = async (name: string) =>
    await db().selectFrom('care_subject').selectAll().where('resident_id', '=', world.elders[name].id).executeTakeFirstOrThrow();

  it('enrols the people tagged living alone, elderly, disabled or orphan of a unit, once', async () => {
    expect((await call('worker')('POST', '/api/checkins/subjects/enrol', { unitCode: world.codes.homeMicrogrid })).statusCode).toBe(403);
    const first = await call('gridStaff')('POST', '/api/checkins/subjects/enrol', { unitCode: world.codes.homeGrid });
    expect(first.statusCode, first.body).toBe(200);
    // Eight elders living alone and 张桂兰 (elderly, with her son).
    expect(first.json()).toEqual({ enrolled: 9, alreadyEnrolled: 0, removedBefore: 0 });
    expect((await call('gridStaff')('POST', '/api/checkins/subjects/enrol', { unitCode: world.codes.homeGrid })).json()).toEqual({
      enrolled: 0,
      alreadyEnrolled: 9,
      removedBefore: 0,
    });
    const list = (await call('worker')('GET', '/api/checkins/subjects')).json();
    expect(list.items).toHaveLength(8); // the worker's micro-grid only
    expect(list.items[0]).toMatchObject({
      name: expect.stringMatching(/^.\*.$/),
      enrolledVia: 'tags',
      plan: { signals: ['tick', 'link', 'sms', 'door', 'curtain', 'water', 'power'] },
    });
    // Today's and tomorrow's checks are planned at once.
    expect(await db().selectFrom('care_check').select('day').where('subject_id', '=', list.items[0].id).orderBy('day').execute()).toEqual([
      { day: '2026-03-02' },
      { day: '2026-03-03' },
    ]);
  });

  it('keeps contacts and health notes encrypted, shows them masked, reveals them audited and only to who needs them', async () => {
    const wu = await subjectOf('吴桂英');
    const changed = await call('gridStaff')('PATCH', `/api/checkins/subjects/${wu.id}`, {
      version: wu.version,
      contacts: [{ name: '吴小红', phone: '138 1234 0001', relation: '女儿' }],
      healthNotes: '心脏支架术后，独居',
      eveningWindow: { start: '17:00', end: '20:00' },
      waterLitres: 20,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      contacts: [{ name: '吴*红', phone: '138****0001', relation: '女儿', channel: 'sms' }],
      hasHealthNotes: true,
      plan: { eveningWindow: { start: '17:00', end: '20:00' }, waterLitres: 20 },
    });
    const row = await subjectOf('吴桂英');
    expect(JSON.stringify(row)).not.toMatch(/吴小红|13812340001|心脏/);
    // The evening window applies from now: today's evening and tomorrow's are planned.
    expect(
      (
        await db()
          .selectFrom('care_check')
          .select(['day', 'window_name'])
          .where('subject_id', '=', wu.id)
          .orderBy('day')
          .orderBy('window_name')
          .execute()
      ).map((c) => `${c.day} ${c.window_name}`),
    ).toEqual(['2026-03-02 evening', '2026-03-02 morning', '2026-03-03 evening', '2026-03-03 morning']);
    // A stale version changes nothing.
    expect((await call('gridStaff')('PATCH', `/api/checkins/subjects/${wu.id}`, { version: wu.version, waterLitres: 30 })).statusCode).toBe(
      409,
    );

    // The worker may reveal the contacts (to call the family), not the health notes.
    const audits = await countRows(server, 'audit_record');
    expect(
      (await call('worker')('POST', `/api/checkins/subjects/${wu.id}/reveal`, { fields: ['healthNotes'], reason: '上门' })).statusCode,
    ).toBe(403);
    expect(await countRows(server, 'audit_record')).toBe(audits);
    const contacts = await call('worker')('POST', `/api/checkins/subjects/${wu.id}/reveal`, {
      fields: ['contacts'],
      reason: '电话联系家属',
    });
    expect(contacts.json()).toEqual({ contacts: [{ name: '吴小红', phone: '13812340001', relation: '女儿', channel: 'sms' }] });
    const notes = await call('gridStaff')('POST', `/api/checkins/subjects/${wu.id}/reveal`, {
      fields: ['healthNotes'],
      reason: '入户评估',
    });
    expect(notes.json()).toEqual({ healthNotes: '心脏支架术后，独居' });
    const trail = await db()
      .selectFrom('audit_record')
      .select(['action', 'summary'])
      .where('object_id', '=', wu.id)
      .orderBy('seq')
      .execute();
    expect(trail.map((a) => a.action)).toEqual(['checkin.plan', 'checkin.reveal', 'checkin.reveal']);
    expect(JSON.parse(trail[1].summary)).toEqual({ fields: ['contacts'], reason: '电话联系家属' });
    const everything = JSON.stringify(await db().selectFrom('audit_record').select('summary').execute());
    expect(everything).not.toMatch(/吴小红|13812340001|心脏|吴桂英/);

    // Outside the scope: 404, as if it did not exist.
    expect((await call('foreign')('GET', `/api/checkins/subjects/${wu.id}`)).statusCode).toBe(404);
    expect(
      (await call('foreign')('POST', `/api/checkins/subjects/${wu.id}/reveal`, { fields: ['contacts'], reason: '越权' })).statusCode,
    ).toBe(404);
  });

  it('pauses the plan while someone is away, and resumes it when the away period is called off', async () => {
    const sun = await subjectOf('孙凤英');
    const away = await call('worker')('POST', `/api/checkins/subjects/${sun.id}/away`, {
      startsAt: monday('05:00'),
      endsAt: '2026-03-04T00:00:00+08:00',
      reason: 'hospital',
      note: '住院观察',
    });
    expect(away.statusCode, away.body).toBe(201);
    const states = () => db().selectFrom('care_check').select(['day', 'state']).where('subject_id', '=', sun.id).orderBy('day').execute();
    expect(await states()).toEqual([
      { day: '2026-03-02', state: 'away' },
      { day: '2026-03-03', state: 'away' },
    ]);
    expect((await call('gridStaff')('GET', `/api/checkins/subjects/${sun.id}`)).json().away).toEqual([
      expect.objectContaining({ reason: 'hospital', note: '住院观察' }),
    ]);
    expect((await call('worker')('DELETE', `/api/checkins/subjects/${sun.id}/away/${away.json().id}`)).statusCode).toBe(204);
    expect(await states()).toEqual([
      { day: '2026-03-02', state: 'waiting' },
      { day: '2026-03-03', state: 'waiting' },
    ]);
    expect(
      (
        await call('worker')('POST', `/api/checkins/subjects/${sun.id}/away`, {
          startsAt: monday('08:00'),
          endsAt: monday('07:00'),
          reason: 'other',
        })
      ).json().error.code,
    ).toBe('checkin.away_backwards');
  });

  it('issues a personal link that works every day until it is replaced, and texts it when asked', async () => {
    const liu = await subjectOf('刘桂芳');
    const first = (await call('gridStaff')('POST', `/api/checkins/subjects/${liu.id}/link`, { sendSms: true })).json();
    expect(first.smsQueued).toBe(true);
    expect((await outbox(server.platform)).filter((m) => m.title === '平安打卡链接').map((m) => m.to)).toEqual(['+8613703910002']);
    clock.set(monday('06:30'));
    const tap = (path: string) =>
      server.app.inject({
        method: 'POST',
        url: path,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        payload: '{}',
      });
    expect((await tap(first.path)).json()).toEqual({ checkedIn: true, at: '06:30' });
    const second = (await call('gridStaff')('POST', `/api/checkins/subjects/${liu.id}/link`, {})).json();
    expect((await tap(first.path)).statusCode).toBe(404);
    const page = await server.app.inject({ method: 'GET', url: first.path, headers: { accept: 'text/html' } });
    expect(page.body).toContain('data-code="checkin.link_not_found"');
    const state = await server.app.inject({ method: 'GET', url: second.path, headers: { accept: 'application/json' } });
    expect(state.json()).toEqual({ checkedIn: true, at: '06:30' });
    // The next day the same link is the next day's sign of life.
    clock.set('2026-03-02T23:15:00.000Z'); // Tuesday 07:15
    expect((await tap(second.path)).json()).toEqual({ checkedIn: true, at: '07:15' });
    expect(
      await db().selectFrom('care_check').select(['day', 'state', 'safe_via']).where('subject_id', '=', liu.id).orderBy('day').execute(),
    ).toEqual([
      { day: '2026-03-02', state: 'safe', safe_via: 'link' },
      { day: '2026-03-03', state: 'safe', safe_via: 'link' },
    ]);
    // Nobody guesses links: a scanner is slowed down.
    for (let i = 0; i < 20; i++) await server.app.inject({ method: 'GET', url: `/c/${'x'.repeat(43)}`, remoteAddress: '10.9.9.9' });
    expect((await server.app.inject({ method: 'GET', url: second.path, remoteAddress: '10.9.9.9' })).statusCode).toBe(429);
  });

  it('takes someone off the roster: their checks ahead and their link go, and they can come back', async () => {
    clock.set('2026-03-03T02:00:00.000Z'); // Tuesday 10:00
    call = await checkinCallers(server, world); // sessions last 12 hours
    const liu = await subjectOf('刘桂芳');
    const removed = await call('gridStaff')('DELETE', `/api/checkins/subjects/${liu.id}?version=${liu.version}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().removedAt).toBe('2026-03-03T02:00:00.000Z');
    expect((await call('worker')('GET', '/api/checkins/subjects')).json().items.map((s: { id: string }) => s.id)).not.toContain(liu.id);
    const back = await call('gridStaff')('POST', '/api/checkins/subjects', { residentId: world.elders['刘桂芳'].id });
    expect(back.statusCode, back.body).toBe(201);
    expect(back.json()).toMatchObject({ id: liu.id, removedAt: null, linkIssuedAt: null });
    expect((await call('gridStaff')('POST', '/api/checkins/subjects', { residentId: world.elders['刘桂芳'].id })).json().error.code).toBe(
      'checkin.already_enrolled',
    );
  });

  it('registers devices with their own keys (the offices that issue keys), and retires them', async () => {
    const chen = await subjectOf('陈玉兰');
    expect(
      (await call('gridStaff')('POST', '/api/checkins/devices', { subjectId: chen.id, deviceId: 'door-77', kind: 'door' })).statusCode,
    ).toBe(403);
    const made = await call('home')('POST', '/api/checkins/devices', {
      subjectId: chen.id,
      deviceId: 'door-77',
      kind: 'door',
      name: '入户门',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().key).toMatch(/^wgk_/);
    expect(
      (await call('home')('POST', '/api/checkins/devices', { subjectId: chen.id, deviceId: 'door-77', kind: 'door' })).json().error.code,
    ).toBe('checkin.device_taken');
    const send = () =>
      server.app.inject({
        method: 'POST',
        url: '/api/checkins/devices/events',
        headers: { 'x-api-key': made.json().key, 'content-type': 'application/json' },
        payload: JSON.stringify({ id: `e-${Math.random()}`, ts: clock.now().toISOString(), type: 'door' }),
      });
    expect((await send()).statusCode).toBe(200);
    expect((await call('home')('DELETE', `/api/checkins/subjects/${chen.id}/devices/door-77`)).json()).toMatchObject({
      id: 'door-77',
      retiredAt: expect.any(String),
    });
    expect((await send()).statusCode).toBe(401); // its key is revoked
    expect((await call('gridStaff')('GET', `/api/checkins/subjects/${chen.id}`)).json().devices).toEqual([
      expect.objectContaining({ id: 'door-77', name: '入户门', retiredAt: expect.any(String) }),
    ]);
  });

  it('lets the district administrators change the defaults and the ladder’s timing, with versions', async () => {
    expect((await call('home')('GET', '/api/checkins/settings')).statusCode).toBe(403);
    const current = (await call('admin')('GET', '/api/checkins/settings')).json();
    expect(current).toMatchObject({
      version: 0,
      settings: { morningWindow: { start: '06:00', end: '09:00' }, ackMinutes: 15, climbMinutes: 15, overdueMinutes: 60, waterLitres: 10 },
    });
    const saved = await call('admin')('PUT', '/api/checkins/settings', {
      version: 0,
      settings: { ackMinutes: 10, morningWindow: { start: '05:30', end: '08:30' } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      version: 1,
      settings: { ackMinutes: 10, climbMinutes: 15, morningWindow: { start: '05:30', end: '08:30' } },
    });
    expect((await call('admin')('PUT', '/api/checkins/settings', { version: 0, settings: { ackMinutes: 5 } })).statusCode).toBe(409);
    expect(
      (await call('admin')('PUT', '/api/checkins/settings', { version: 1, settings: { morningWindow: { start: '09:00', end: '08:00' } } }))
        .statusCode,
    ).toBe(400);
  });
});
