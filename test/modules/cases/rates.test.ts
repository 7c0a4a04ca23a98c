import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCase } from '../../../src/modules/cases/commands/actOnCase.ts';
import { recountTallies } from '../../../src/modules/cases/commands/recountTallies.ts';
import { reportCase } from '../../../src/modules/cases/commands/reportCase.ts';
import { sweepDeadlines } from '../../../src/modules/cases/commands/sweepDeadlines.ts';
import { tallyRules } from '../../../src/modules/cases/cases.deadlines.ts';
import { allTallies, findCase, handlersOf, timelinesOf } from '../../../src/modules/cases/cases.repository.ts';
import { recountCase } from '../../../src/modules/cases/cases.tally.ts';
import { caseContext } from '../../../src/modules/cases/cases.access.ts';
import { caseWorkflow, type CaseState } from '../../../src/modules/cases/cases.workflow.ts';
import type { Actor } from '../../../src/platform/authz/actor.ts';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { allowedActions } from '../../../src/platform/workflow/workflow.ts';
import { caseCallers, EXPOSED_RUBBISH, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/** Monday 2 March 2026 in Jiaozuo; UTC+8 all year. */
const local = (day: string, time: string) => new Date(`${day}T${time}:00+08:00`).toISOString();

/**
 * The rates and ranking of a hand-built month (March 2026) in the home community, with the figures
 * worked out by hand, and a February to compare against.
 */
describe.each(DATABASES)('monthly rates and rankings on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let callers: Awaited<ReturnType<typeof caseCallers>>;
  const clock = fakeClock(local('2026-02-10', '09:00'));
  const ids: Record<string, string> = {};

  const step = async (who: keyof CaseWorld['users'], id: string, action: string, fields: Record<string, unknown> = {}) => {
    const answer = await callers.act(who, id, action, { note: '处理说明', ...fields });
    if (answer.statusCode !== 200) throw new Error(`${action}: ${answer.body}`);
  };
  const dispatched = async (department: string) => {
    const { id } = await callers.report();
    await step('gridStaff', id, 'verify');
    await step('gridStaff', id, 'file', { conditionCode: EXPOSED_RUBBISH.condition }); // 1 working day to handle
    await step('homeCommunity', id, 'dispatch', { leadDepartment: department });
    return id;
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { SESSION_TTL_HOURS: '10000' }, { clock });
    world = await makeCaseWorld(server.platform);
    callers = await caseCallers(server, world);
    const { department: d1, otherDepartment: d2 } = world.codes;

    // February: one case handled perfectly (score 100).
    ids.F = await dispatched(d1);
    await step('department', ids.F, 'contact');
    await step('department', ids.F, 'feedback');
    await step('gridStaff', ids.F, 'pass_check');
    await step('worker', ids.F, 'evaluate', { solved: true, satisfied: true });

    clock.set(local('2026-03-02', '09:00'));
    // A: contacted, handled and closed in time, rated solved and satisfied.
    ids.A = await dispatched(d1);
    clock.set(local('2026-03-02', '10:00'));
    await step('department', ids.A, 'contact');
    clock.set(local('2026-03-02', '14:00'));
    await step('department', ids.A, 'feedback');
    await step('gridStaff', ids.A, 'pass_check');
    await step('worker', ids.A, 'evaluate', { solved: true, satisfied: true });
    // B: misrouted to the second department, returned, re-dispatched; its deadline passes (Tue 3rd 14:00); handled late.
    ids.B = await dispatched(d2);
    await step('otherDepartment', ids.B, 'return');
    await step('homeCommunity', ids.B, 'dispatch', { leadDepartment: d1 });
    // C: handled in time, fails the check, reworked in time, closed.
    ids.C = await dispatched(d1);
    await step('department', ids.C, 'feedback');
    await step('gridStaff', ids.C, 'fail_check');
    await step('department', ids.C, 'feedback');
    await step('gridStaff', ids.C, 'pass_check');
    // D: falls due, then parked with approval.
    ids.D = await dispatched(d1);
    // E: refused at verification.
    ids.E = (await callers.report()).id;
    await step('gridStaff', ids.E, 'refuse');

    clock.set(local('2026-03-03', '15:00'));
    await sweepDeadlines(server.platform); // B and D fall due on the 3rd
    await step('department', ids.D, 'request_parking');
    await step('admin', ids.D, 'approve_parking');
    clock.set(local('2026-03-04', '10:00'));
    await step('department', ids.B, 'feedback');
    await step('gridStaff', ids.B, 'pass_check');
    await step('worker', ids.B, 'evaluate', { solved: false, satisfied: false });
  });
  afterAll(() => server?.dispose());

  const ranking = async (query: string) => {
    const answer = await callers.call('admin')('GET', `/api/cases/rankings?${query}`);
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json();
  };

  it('counts the month of the community as worked out by hand', async () => {
    const { units } = await ranking(`month=2026-03&level=community&within=${world.codes.home}`);
    const community = units.find((u: { code: string }) => u.code === world.codes.homeCommunity);
    expect(community.counts).toEqual({
      reported: 5,
      dispatched: 4,
      returned: 1,
      contacted_on_time: 1,
      due_handling: 4,
      handled: 3,
      handled_on_time: 2,
      closed: 3,
      closed_on_time: 2,
      reworked: 1,
      parked: 1,
      evaluated: 2,
      solved: 1,
      satisfied: 1,
    });
    const value = (name: string) => community.rates[name].value;
    expect(value('handling')).toBe(3 / 4);
    expect(value('on_time_handling')).toBe(2 / 4);
    expect(value('closure')).toBe(3 / 4);
    expect(value('on_time_closure')).toBe(2 / 3); // the parked case leaves the denominator
    expect(value('accurate_dispatch')).toBe(3 / 4);
    expect(value('rework')).toBe(1 / 4);
    expect(value('response')).toBe(1 / 4);
    expect(value('resolution')).toBe(1 / 2);
    expect(value('satisfaction')).toBe(1 / 2);
    // (10·.75 + 15·.5 + 10·.75 + 10·⅔ + 5·.75 + 5·(1−.25) + 15·.25 + 15·.5 + 15·.5) / 100
    expect(community.score).toBe(55.42);
    expect(community).toMatchObject({ lastMonthScore: 100, trend: -44.58, rank: 1 });
  });

  it('ranks departments and the subdistricts, units without cases last and unranked', async () => {
    const departments = await ranking('month=2026-03&level=department');
    expect(departments.units.map((u: { code: string; rank: number | null }) => [u.code, u.rank])).toEqual([
      [world.codes.department, 1],
      [world.codes.otherDepartment, 2],
    ]);
    const second = departments.units[1];
    expect(second.counts).toEqual({ dispatched: 1, returned: 1 });
    expect(second.score).toBe(0);
    const subdistricts = await ranking('month=2026-03&level=subdistrict');
    expect(subdistricts.units.map((u: { code: string; rank: number | null }) => [u.code, u.rank])).toEqual([
      [world.codes.home, 1],
      [world.codes.foreign, null],
    ]);
    expect(subdistricts).toMatchObject({ top: [world.codes.home], bottom: [] });
  });

  it('opens every figure to the cases behind it', async () => {
    const behind = async (measure: string, unit = world.codes.homeCommunity) => {
      const answer = await callers.call('admin')('GET', `/api/cases/figures?unit=${unit}&month=2026-03&measure=${measure}`);
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json().items.map((c: { id: string }) => c.id).sort();
    };
    expect(await behind('handled_on_time')).toEqual([ids.A, ids.C].sort());
    expect(await behind('due_handling')).toEqual([ids.A, ids.B, ids.C, ids.D].sort());
    expect(await behind('returned')).toEqual([ids.B]);
    expect(await behind('returned', world.codes.otherDepartment)).toEqual([ids.B]);
    expect(await behind('parked')).toEqual([ids.D]);
    expect(await behind('reported')).toEqual([ids.A, ids.B, ids.C, ids.D, ids.E].sort());
    expect(await behind('solved')).toEqual([ids.A]);
  });

  it('exports the ranking as a spreadsheet', async () => {
    const answer = await callers.call('admin')('GET', `/api/cases/rankings.xlsx?month=2026-03&level=community&within=${world.codes.home}`);
    expect(answer.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(answer.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, '排名', '单位代码', '单位', '得分', '上月得分', '变化', '处置率', '按期处置率', '结案率', '按期结案率', '准确派遣率', '返工率', '响应率', '解决率', '满意率']);
    expect((sheet.getRow(2).values as unknown[]).slice(1, 8)).toEqual([1, world.codes.homeCommunity, `单位${world.codes.homeCommunity}`, 55.42, 100, -44.58, '75.0%']);
  });

  it('keeps rankings to the caller’s area', async () => {
    const foreign = await callers.call('foreign')('GET', `/api/cases/rankings?month=2026-03&level=community&within=${world.codes.home}`);
    expect(foreign.statusCode).toBe(404);
    const departments = await callers.call('home')('GET', '/api/cases/rankings?month=2026-03&level=department');
    expect(departments.statusCode).toBe(404); // a subdistrict does not rank the district's departments
    expect((await callers.call('worker')('GET', '/api/cases/rankings?month=2026-03&level=grid')).statusCode).toBe(403);
  });

  it('the weights are the district’s to change, with the version', async () => {
    const change = await callers.call('admin')('PUT', '/api/cases/rate-settings', { version: 0, weights: { response: 0 } });
    expect(change.statusCode, change.body).toBe(200);
    expect((await callers.call('admin')('PUT', '/api/cases/rate-settings', { version: 0, weights: { response: 5 } })).statusCode).toBe(409);
    expect((await callers.call('home')('PUT', '/api/cases/rate-settings', { version: 1, weights: { response: 5 } })).statusCode).toBe(403);
    const { units } = await ranking(`month=2026-03&level=community&within=${world.codes.home}`);
    // Without the response rate: (7.5 + 7.5 + 7.5 + 6.667 + 3.75 + 3.75 + 7.5 + 7.5) / 85
    expect(units[0].score).toBe(60.78);
    await callers.call('admin')('PUT', '/api/cases/rate-settings', { version: 1, weights: { response: 15 } });
  });
});

/**
 * After random case histories — every action any party may take, deadlines passing, sweeps — the
 * counters kept as cases moved equal a recount from the timelines.
 */
describe.each(DATABASES)('the rate counters on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  const clock: FakeClock = fakeClock(local('2026-03-02', '08:00'));

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock });
    world = await makeCaseWorld(server.platform);
  });
  afterAll(() => server?.dispose());

  it('equal a full recount after random histories', async () => {
    const random = seeded(20261129);
    const { users, codes } = world;
    const actor = (user: { id: string; username: string; role: string }, scope: Actor['scope']): Actor => ({
      type: 'user',
      id: user.id,
      label: user.username,
      role: user.role as Actor['role'],
      scope,
    });
    const parties: Actor[] = [
      actor(users.worker, { kind: 'microgrids', codes: [codes.homeMicrogrid] }),
      actor(users.gridStaff, { kind: 'unit', code: codes.homeGrid }),
      actor(users.homeCommunity, { kind: 'unit', code: codes.homeCommunity }),
      actor(users.home, { kind: 'unit', code: codes.home }),
      actor(users.admin, { kind: 'unit', code: codes.district }),
      actor(users.leader, { kind: 'unit', code: codes.district }),
      actor(users.department, { kind: 'department', code: codes.department }),
      actor(users.otherDepartment, { kind: 'department', code: codes.otherDepartment }),
    ];
    const by = (a: Actor) => ({ actor: a, requestId: null });
    const db = server.platform.database.db;
    const caseIds: string[] = [];
    for (let i = 0; i < 400; i++) {
      if (caseIds.length < 25 && random() < 0.3) {
        const { kase } = await reportCase(server.platform, by(parties[0]), {
          categoryCode: random() < 0.5 ? '0101' : '0201',
          description: `随机案件${i}`,
          areaCode: codes.homeMicrogrid,
        });
        caseIds.push(kase.id);
      }
      if (caseIds.length === 0) continue;
      const id = caseIds[Math.floor(random() * caseIds.length)];
      const kase = (await findCase(db, id))!;
      const handlers = await handlersOf(db, id);
      // Endings are rarer than work, or few cases would ever reach handling.
      const choices = parties
        .flatMap((party) => allowedActions(caseWorkflow, kase.state as CaseState, caseContext(party, kase, handlers)).map((action) => ({ party, action })))
        .filter(({ action }) => !['refuse', 'close_special', 'supervise'].includes(action) || random() < 0.1);
      if (choices.length > 0) {
        const { party, action } = choices[Math.floor(random() * choices.length)];
        const conditions = (await db.selectFrom('case_condition').select('code').where('category_code', '=', kase.category_code).execute()).map((c) => c.code);
        await actOnCase(server.platform, by(party), id, {
          action,
          version: kase.version,
          note: '随机',
          conditionCode: conditions[Math.floor(random() * conditions.length)],
          leadDepartment: random() < 0.7 ? codes.department : codes.otherDepartment,
          coHandlers: random() < 0.3 ? [codes.department, codes.otherDepartment] : [],
          extension: { amount: 1, unit: 'working_days' },
          closureType: random() < 0.5 ? 'error' : 'special',
          solved: random() < 0.6,
          satisfied: random() < 0.6,
        });
      }
      clock.advance(Math.floor(random() * 3 * 3600));
      if (random() < 0.3) await sweepDeadlines(server.platform);
    }

    const maintained = new Map((await allTallies(db)).map((t) => [`${t.unit_code}|${t.day}|${t.measure}`, t.count]));
    const timelines = await timelinesOf(db, caseIds);
    const recounted = new Map<string, number>();
    for (const id of caseIds) {
      for (const { unit, day, measure } of recountCase(tallyRules(server.platform), codes.homeMicrogrid, timelines.get(id)!)) {
        const key = `${unit}|${day}|${measure}`;
        recounted.set(key, (recounted.get(key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries([...maintained].sort())).toEqual(Object.fromEntries([...recounted].sort()));
    // The history reached the interesting corners.
    const measures = new Set([...maintained.keys()].map((key) => key.split('|')[2]));
    for (const measure of ['dispatched', 'returned', 'due_handling', 'handled', 'handled_on_time', 'closed', 'reworked', 'evaluated']) {
      expect(measures).toContain(measure);
    }

    // The repair tool writes back exactly the same counters.
    await recountTallies(server.platform, { actor: systemActor('test'), requestId: null });
    const rebuilt = new Map((await allTallies(db)).map((t) => [`${t.unit_code}|${t.day}|${t.measure}`, t.count]));
    expect(rebuilt).toEqual(maintained);
  });
});

/** A small deterministic generator (mulberry32), so a failing history can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
