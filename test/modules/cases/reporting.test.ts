import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseCallers, EXPOSED_RUBBISH, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { forgetAnswersJob } from '../../../src/platform/idempotency.ts';
import { DATABASES } from '../../support/databases.ts';
import { countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';

/** Reporting a problem from a phone that may retry, and two parties acting on one case at once. */
describe.each(DATABASES)('reporting cases on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let callers: Awaited<ReturnType<typeof caseCallers>>;
  let workerToken: string;

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock: fakeClock() });
    world = await makeCaseWorld(server.platform);
    callers = await caseCallers(server, world);
    workerToken = await signIn(server, world.users.worker.username);
  });
  afterAll(() => server?.dispose());

  const report = {
    categoryCode: EXPOSED_RUBBISH.category,
    description: '路口井盖旁垃圾成堆',
    areaCode: '41080400100100101',
    address: '建设路口',
  };
  const post = (key: string | null, body: unknown = report) =>
    server.app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: body as object,
      headers: { authorization: `Bearer ${workerToken}`, ...(key ? { 'idempotency-key': key } : {}) },
    });

  it('a report retried with the same Idempotency-Key creates one case', async () => {
    const before = await countRows(server, 'dispatch_case');
    const first = await post('phone-7f3a-0001');
    const retry = await post('phone-7f3a-0001');
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().id).toBe(first.json().id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await countRows(server, 'dispatch_case')).toBe(before + 1);
  });

  it('retries racing each other still create one case', async () => {
    const before = await countRows(server, 'dispatch_case');
    const answers = await Promise.all(Array.from({ length: 6 }, () => post('phone-7f3a-0002')));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(await countRows(server, 'dispatch_case')).toBe(before + 1);
  });

  it('the same key with a different report is refused and creates nothing', async () => {
    await post('phone-7f3a-0003');
    const before = await countRows(server, 'dispatch_case');
    const reused = await post('phone-7f3a-0003', { ...report, description: '另一件事' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('request.idempotency_key_reused');
    expect(await countRows(server, 'dispatch_case')).toBe(before);
  });

  it('without a key, each report is a new case', async () => {
    const a = await post(null);
    const b = await post(null);
    expect(a.json().id).not.toBe(b.json().id);
  });

  it('two departments acting on the same version: one succeeds, the other gets 409', async () => {
    const { id } = await callers.report();
    for (const [who, action, fields] of [
      ['gridStaff', 'verify', {}],
      ['gridStaff', 'file', { conditionCode: EXPOSED_RUBBISH.condition }],
      ['homeCommunity', 'dispatch', { leadDepartment: world.codes.department, coHandlers: [world.codes.otherDepartment] }],
    ] as const) {
      expect((await callers.act(who, id, action, fields)).statusCode).toBe(200);
    }
    const { version } = (await callers.call('admin')('GET', `/api/cases/${id}`)).json();
    const auditBefore = await countRows(server, 'audit_record');
    const answers = await Promise.all([
      callers.call('department')('POST', `/api/cases/${id}/actions`, { action: 'contact', version, note: '已联系上报人' }),
      callers.call('otherDepartment')('POST', `/api/cases/${id}/actions`, { action: 'co_feedback', version, note: '协办完成' }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json().error.code).toBe('request.stale_version');
    expect(await countRows(server, 'audit_record')).toBe(auditBefore + 1);
    expect((await callers.call('admin')('GET', `/api/cases/${id}`)).json().version).toBe(version + 1);
  });

  it('bad reports get a clear error and change nothing', async () => {
    const cases = await countRows(server, 'dispatch_case');
    const audit = await countRows(server, 'audit_record');
    const expectations: [unknown, number, string][] = [
      [{ ...report, categoryCode: '9999' }, 422, 'case.unknown_category'],
      [{ ...report, categoryCode: '01' }, 400, 'request.invalid'],
      [{ categoryCode: '0101', description: '没有位置' }, 422, 'case.place_required'],
      [{ ...report, areaCode: world.codes.department }, 422, 'case.place_required'],
      [{ ...report, areaCode: undefined, location: { lng: 100, lat: 20 } }, 422, 'case.outside_area'],
      [{ ...report, description: '' }, 400, 'request.invalid'],
      [{ ...report, extra: 1 }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of expectations) {
      const answer = await post(null, body);
      expect({ body, status: answer.statusCode, code: answer.json().error?.code }).toEqual({ body, status, code });
    }
    const badKey = await post('has spaces in it');
    expect(badKey.statusCode).toBe(400);
    // An office outside the place may not report there.
    const foreign = await callers.call('foreign')('POST', '/api/cases', report);
    expect(foreign.statusCode).toBe(403);
    expect(await countRows(server, 'dispatch_case')).toBe(cases);
    expect(await countRows(server, 'audit_record')).toBe(audit);
  });

  it('a hotline order is dated by its call and held to its own deadline when that is sooner', async () => {
    const { reportCase } = await import('../../../src/modules/cases/commands/reportCase.ts');
    const admin = {
      actor: {
        type: 'user' as const,
        id: world.users.admin.id,
        label: 'admin',
        role: 'district_admin' as const,
        scope: { kind: 'unit' as const, code: world.codes.district },
      },
      requestId: null,
    };
    const now = server.platform.clock.now();
    const { kase } = await reportCase(
      server.platform,
      admin,
      { ...report, reporter: { name: '张三', contact: '13900000001' } },
      {
        source: 'hotline',
        externalRef: '12345:GD20260302001',
        reportedAt: new Date(now.getTime() - 3600_000),
        externalDeadline: new Date(now.getTime() + 2 * 3600_000),
      },
    );
    expect(kase.created_at).toBe(new Date(now.getTime() - 3600_000).toISOString());
    for (const [who, action, fields] of [
      ['gridStaff', 'verify', {}],
      ['gridStaff', 'file', { conditionCode: EXPOSED_RUBBISH.condition }],
      ['homeCommunity', 'dispatch', { leadDepartment: world.codes.department }],
    ] as const) {
      expect((await callers.act(who, kase.id, action, fields)).statusCode).toBe(200);
    }
    const shown = (await callers.call('admin')('GET', `/api/cases/${kase.id}`)).json();
    // The catalogue gives a working day; the hotline gave two hours.
    expect(shown).toMatchObject({
      source: 'hotline',
      externalRef: '12345:GD20260302001',
      handlingDueAt: new Date(now.getTime() + 2 * 3600_000).toISOString(),
    });
    expect(shown.reporterName).toBe('张*');
    expect(shown.reporterContact).toBe('139****0001');
  });

  it('a worker lists their own reports; a department only what is dispatched to it', async () => {
    const mine = await callers.call('worker')('GET', '/api/cases?mine=true&limit=200');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.length).toBeGreaterThan(3);
    expect(mine.json().items.every((c: { reporterUserId: string }) => c.reporterUserId === world.users.worker.id)).toBe(true);
    const inbox = await callers.call('otherDepartment')('GET', '/api/cases?limit=200');
    expect(inbox.json().items.map((c: { leadDepartment: string }) => c.leadDepartment)).toEqual([world.codes.department]);
    expect((await callers.call('foreign')('GET', '/api/cases')).json().items).toEqual([]);
    const page = await callers.call('admin')('GET', '/api/cases?limit=2');
    const next = await callers.call('admin')(`GET`, `/api/cases?limit=2&after=${page.json().nextCursor}`);
    expect(next.json().items[0].id < page.json().items[1].id).toBe(true);
  });
  // Last: it moves this server's clock a week on.
  it('remembers a key for a week: after that the hourly job forgets it and the key makes a new case', async () => {
    const first = await post('phone-7f3a-0004');
    const clock = server.platform.clock as FakeClock;
    clock.advance(6 * 24 * 3600);
    workerToken = await signIn(server, world.users.worker.username); // the phone's session has expired meanwhile
    await forgetAnswersJob(server.platform).run();
    expect((await post('phone-7f3a-0004')).json().id).toBe(first.json().id);
    clock.advance(24 * 3600 + 1);
    workerToken = await signIn(server, world.users.worker.username);
    await forgetAnswersJob(server.platform).run();
    const later = await post('phone-7f3a-0004');
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.json().id);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });
});
