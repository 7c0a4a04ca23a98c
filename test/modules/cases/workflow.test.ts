import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseCallers, EXPOSED_RUBBISH, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { fakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { photo, upload } from '../../support/files.ts';
import { signIn, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * One case through every path of the loop (DOMAIN.md §4): normal close, refusal, return and second
 * dispatch, extension, rework after a failed check, co-handling, parking — each step on the timeline
 * and in the audit trail.
 */
describe.each(DATABASES)('the case workflow on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let callers: Awaited<ReturnType<typeof caseCallers>>;
  const clock = fakeClock(); // Monday 2 March 2026, 09:00 in Jiaozuo

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock });
    world = await makeCaseWorld(server.platform);
    callers = await caseCallers(server, world);
  });
  afterAll(() => server?.dispose());

  const detail = async (id: string) => (await callers.call('admin')('GET', `/api/cases/${id}`)).json();
  const ok = async (response: Promise<{ statusCode: number; body: string }>) => {
    const answer = await response;
    expect(answer.statusCode, answer.body).toBe(200);
    return JSON.parse(answer.body);
  };
  const auditActions = async (id: string) =>
    (
      await server.platform.database.db.selectFrom('audit_record').select('action').where('object_id', '=', id).orderBy('seq').execute()
    ).map((r) => r.action);
  const toDispatch = async (departments: { leadDepartment: string; coHandlers?: string[] }) => {
    const { id } = await callers.report();
    await ok(callers.act('gridStaff', id, 'verify'));
    await ok(callers.act('gridStaff', id, 'file', { conditionCode: EXPOSED_RUBBISH.condition }));
    await ok(callers.act('homeCommunity', id, 'dispatch', departments));
    return id;
  };

  it('a report is closed the normal way and the reporter rates it', async () => {
    const { id } = await callers.report();
    let kase = await detail(id);
    expect(kase).toMatchObject({ state: 'reported', source: 'worker', areaCode: world.codes.homeMicrogrid, stageDueAt: '2026-03-02T01:30:00.000Z' });

    kase = await ok(callers.act('gridStaff', id, 'verify', { note: '现场核实属实' }));
    expect(kase.state).toBe('verified');
    kase = await ok(callers.act('gridStaff', id, 'file', { conditionCode: EXPOSED_RUBBISH.condition }));
    expect(kase).toMatchObject({ state: 'filed', conditionCode: EXPOSED_RUBBISH.condition });
    kase = await ok(callers.act('homeCommunity', id, 'dispatch', { leadDepartment: world.codes.department }));
    // One working day from Monday 09:00 is Tuesday 09:00 (8 working hours across the lunch break and the night).
    expect(kase).toMatchObject({ state: 'dispatched', leadDepartment: world.codes.department, handlingDueAt: '2026-03-03T01:00:00.000Z' });
    expect(kase.allowedActions).toEqual([]); // the community has done its part
    expect((await detail(id)).allowedActions).toEqual(['close_special', 'supervise']); // the district may still step in

    const departmentView = await ok(callers.call('department')('GET', `/api/cases/${id}`));
    expect(departmentView.allowedActions).toEqual(['return', 'contact', 'feedback', 'request_extension', 'request_parking']);
    await ok(callers.act('department', id, 'contact', { note: '已电话联系上报人' }));
    clock.advance(3600);
    const { ref } = (await upload(server, await signIn(server, world.users.department.username), photo())).json();
    kase = await ok(callers.act('department', id, 'feedback', { note: '已清运完毕', attachments: [ref] }));
    expect(kase.state).toBe('fed_back');
    kase = await ok(callers.act('gridStaff', id, 'pass_check', { note: '现场已清理' }));
    expect(kase).toMatchObject({ state: 'closed', closureType: 'normal' });
    kase = await ok(callers.act('worker', id, 'evaluate', { solved: true, satisfied: true }));
    expect(kase).toMatchObject({ state: 'evaluated', solved: true, satisfied: true });

    expect(kase.events.map((e: { action: string }) => e.action)).toEqual([
      'report',
      'verify',
      'file',
      'dispatch',
      'contact',
      'feedback',
      'pass_check',
      'evaluate',
    ]);
    const feedback = kase.events.find((e: { action: string }) => e.action === 'feedback');
    expect(feedback).toMatchObject({ actorRole: 'department_staff', unitCode: world.codes.department, note: '已清运完毕', details: { attachments: [ref] } });
    expect(await auditActions(id)).toEqual([
      'case.report',
      'case.verify',
      'case.file',
      'case.dispatch',
      'case.contact',
      'case.feedback',
      'case.pass_check',
      'case.evaluate',
    ]);
  });

  it('a refusal needs a reason and ends the case; nothing can follow it', async () => {
    const { id } = await callers.report();
    const bare = await callers.act('gridStaff', id, 'refuse');
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.code).toBe('case.note_required');
    await ok(callers.act('gridStaff', id, 'refuse', { note: '重复上报，已有案件处理中' }));
    const after = await callers.act('gridStaff', id, 'verify');
    expect(after.statusCode).toBe(409);
    expect(after.json().error).toMatchObject({ code: 'case.invalid_transition', details: { state: 'refused', action: 'verify', allowed: [] } });
    expect(await auditActions(id)).toEqual(['case.report', 'case.refuse']);
  });

  it('an invalid transition is refused with the actions allowed now', async () => {
    const { id } = await callers.report();
    const early = await callers.act('gridStaff', id, 'dispatch', { leadDepartment: world.codes.department });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.details.allowed).toEqual(['verify', 'refuse']);
    // Someone with no part in a stage is refused outright.
    const worker = await callers.act('worker', id, 'verify');
    expect(worker.statusCode).toBe(403);
    expect((await detail(id)).state).toBe('reported');
  });

  it('a misrouted case comes back and goes out again to the right department', async () => {
    const id = await toDispatch({ leadDepartment: world.codes.otherDepartment });
    const noReason = await callers.act('otherDepartment', id, 'return');
    expect(noReason.statusCode).toBe(400);
    const returned = await ok(callers.act('otherDepartment', id, 'return', { note: '不属于本单位职责' }));
    expect(returned).toMatchObject({ state: 'returned', allowedActions: [] });
    expect((await detail(id)).state).toBe('returned');
    // The returning department no longer sees it.
    expect((await callers.call('otherDepartment')('GET', `/api/cases/${id}`)).statusCode).toBe(404);
    const again = await ok(callers.act('homeCommunity', id, 'dispatch', { leadDepartment: world.codes.department }));
    expect(again).toMatchObject({ state: 'dispatched', leadDepartment: world.codes.department });
    expect(again.events.at(-1)).toMatchObject({ action: 'dispatch', details: { second: true } });
    expect(await auditActions(id)).toEqual(['case.report', 'case.verify', 'case.file', 'case.dispatch', 'case.return', 'case.dispatch']);
  });

  it('an extension asked for by the department and approved by the subdistrict moves the handling deadline', async () => {
    const id = await toDispatch({ leadDepartment: world.codes.department });
    const before = await detail(id);
    await ok(callers.act('department', id, 'request_extension', { note: '需协调物业', extension: { amount: 2, unit: 'working_days' } }));
    expect((await detail(id)).stageDueAt).toBe(before.stageDueAt); // asking does not stop the clock
    expect((await callers.act('homeCommunity', id, 'approve_extension')).statusCode).toBe(403); // a community does not approve
    const approved = await ok(callers.act('home', id, 'approve_extension'));
    expect(approved.state).toBe('dispatched');
    expect(Date.parse(approved.handlingDueAt) - Date.parse(before.handlingDueAt)).toBe(2 * 24 * 3600 * 1000); // two working days on, a Thursday
    expect(approved.stageDueAt).toBe(approved.handlingDueAt);
    await ok(callers.act('department', id, 'request_extension', { note: '再延', extension: { amount: 1, unit: 'working_days' } }));
    const rejected = await ok(callers.act('home', id, 'reject_extension', { note: '不予延期' }));
    expect(rejected.handlingDueAt).toBe(approved.handlingDueAt);
  });

  it('a failed check sends the case back to the department to rework', async () => {
    const id = await toDispatch({ leadDepartment: world.codes.department });
    await ok(callers.act('department', id, 'feedback', { note: '已处理' }));
    await ok(callers.act('gridStaff', id, 'fail_check', { note: '现场仍有垃圾' }));
    const reworking = await detail(id);
    expect(reworking).toMatchObject({ state: 'dispatched', handledAt: null });
    expect(reworking.events.at(-1)).toMatchObject({ action: 'fail_check', details: { rework: true } });
    await ok(callers.act('department', id, 'feedback', { note: '已彻底清理' }));
    const closed = await ok(callers.act('gridStaff', id, 'pass_check'));
    expect(closed).toMatchObject({ state: 'closed', closureType: 'normal' });
  });

  it('co-handling departments each report their part before the lead reports the whole', async () => {
    const id = await toDispatch({ leadDepartment: world.codes.department, coHandlers: [world.codes.otherDepartment] });
    const kase = await detail(id);
    expect(kase.handlers).toEqual([
      expect.objectContaining({ departmentCode: world.codes.department, role: 'lead', doneAt: null }),
      expect.objectContaining({ departmentCode: world.codes.otherDepartment, role: 'co', doneAt: null }),
    ]);
    const tooEarly = await callers.act('department', id, 'feedback', { note: '牵头单位已处理' });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().error.code).toBe('case.transition_blocked');
    await ok(callers.act('otherDepartment', id, 'co_feedback', { note: '协办部分完成' }));
    expect((await callers.act('otherDepartment', id, 'co_feedback', { note: '再报' })).statusCode).toBe(403);
    const fed = await ok(callers.act('department', id, 'feedback', { note: '牵头单位已处理' }));
    expect(fed.state).toBe('fed_back');
    expect(fed.handlers.every((h: { doneAt: string | null }) => h.doneAt !== null)).toBe(true);
  });

  it('a long-term problem is parked with approval, off the clock, and resumed later', async () => {
    const id = await toDispatch({ leadDepartment: world.codes.department });
    await ok(callers.act('department', id, 'request_parking', { note: '需纳入明年改造计划' }));
    const parked = await ok(callers.act('admin', id, 'approve_parking'));
    expect(parked).toMatchObject({ state: 'parked', stageDueAt: null, overdue: false });
    const row = await server.platform.database.db.selectFrom('dispatch_case').select('due_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.due_at).toBeNull();
    const resumed = await ok(callers.act('home', id, 'resume', { note: '改造资金到位' }));
    expect(resumed.state).toBe('dispatched');
    expect(resumed.stageDueAt).not.toBeNull();
    expect(await auditActions(id)).toEqual([
      'case.report',
      'case.verify',
      'case.file',
      'case.dispatch',
      'case.request_parking',
      'case.approve_parking',
      'case.resume',
    ]);
  });

  it('supervision notes and special closures come from above', async () => {
    const id = await toDispatch({ leadDepartment: world.codes.department });
    expect((await callers.act('homeCommunity', id, 'supervise', { note: '请加快' })).statusCode).toBe(403);
    await ok(callers.act('leader', id, 'supervise', { note: '请三日内办结' }));
    const closed = await ok(callers.act('admin', id, 'close_special', { note: '上报有误', closureType: 'error' }));
    expect(closed).toMatchObject({ state: 'closed', closureType: 'error' });
    expect(closed.handlers).toEqual([]);
  });
});
