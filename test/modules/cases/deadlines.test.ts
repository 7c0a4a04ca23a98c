import { afterEach, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../../src/modules/cases/commands/sweepDeadlines.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { caseCallers, EXPOSED_RUBBISH, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES, HAS_POSTGRES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/**
 * The case clock (DOMAIN.md §4): when a stage's limit passes, the case is overdue and the whistle is
 * blown one level up — once per rung, however many sweepers run and whenever they run.
 */
const MONDAY_9AM = '2026-03-02T01:00:00.000Z';
const TUESDAY_9AM = '2026-03-03T01:00:00.000Z'; // one working day after dispatch at Monday 09:00
const WEDNESDAY_9AM = '2026-03-04T01:00:00.000Z';

async function dispatchedCase(server: TestServer, world: CaseWorld): Promise<string> {
  const callers = await caseCallers(server, world);
  const { id } = await callers.report();
  for (const [who, action, fields] of [
    ['gridStaff', 'verify', {}],
    ['gridStaff', 'file', { conditionCode: EXPOSED_RUBBISH.condition }],
    ['homeCommunity', 'dispatch', { leadDepartment: world.codes.department }],
  ] as const) {
    const response = await callers.act(who, id, action, fields);
    if (response.statusCode !== 200) throw new Error(response.body);
  }
  return id;
}

function escalations(server: RunningServer, caseId: string) {
  return server.platform.database.db
    .selectFrom('case_escalation')
    .select(['stage_seq', 'rung', 'state', 'to_unit', 'due_at'])
    .where('case_id', '=', caseId)
    .orderBy('stage_seq')
    .orderBy('rung')
    .execute();
}

function escalateEvents(server: RunningServer, caseId: string) {
  return server.platform.database.db
    .selectFrom('case_event')
    .select(['unit_code', 'details'])
    .where('case_id', '=', caseId)
    .where('action', '=', 'escalate')
    .orderBy('id')
    .execute();
}

describe.each(DATABASES)('case deadlines on %s', (kind) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
  });

  async function start(clock: FakeClock) {
    const server = await startTestServer(kind, {}, { clock });
    servers.push(server);
    const world = await makeCaseWorld(server.platform);
    return { server, world };
  }

  it('an overdue case escalates to the subdistrict, then the district, once per rung', async () => {
    const clock = fakeClock(MONDAY_9AM);
    const { server, world } = await start(clock);
    const id = await dispatchedCase(server, world);

    clock.set('2026-03-03T00:59:00.000Z');
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 0 }); // a minute early: nothing

    clock.set('2026-03-03T01:01:00.000Z');
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 1 });
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 0 }); // the same rung never twice
    expect(await escalations(server, id)).toEqual([expect.objectContaining({ rung: 1, state: 'dispatched', to_unit: world.codes.home, due_at: TUESDAY_9AM })]);

    const overdue = await (await caseCallers(server, world)).call('admin')('GET', '/api/cases?overdue=true');
    expect(overdue.json().items.map((c: { id: string }) => c.id)).toEqual([id]);

    clock.set('2026-03-04T01:00:00.000Z'); // another working day without handling: the district command centre
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 1 });
    clock.set('2026-03-10T01:00:00.000Z'); // the top of the ladder: nothing left to climb
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 0 });
    expect((await escalations(server, id)).map((e) => [e.rung, e.to_unit, e.due_at])).toEqual([
      [1, world.codes.home, TUESDAY_9AM],
      [2, world.codes.district, WEDNESDAY_9AM],
    ]);
    const row = await server.platform.database.db.selectFrom('dispatch_case').select(['due_at', 'rung']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ due_at: null, rung: 2 });

    // Each climb is on the timeline, in the units' inboxes and in the audit trail.
    expect((await escalateEvents(server, id)).map((e) => e.unit_code)).toEqual([world.codes.home, world.codes.district]);
    const inbox = await server.platform.database.db
      .selectFrom('inbox_message')
      .select('unit_code')
      .where('title', '=', '案件超时升级')
      .orderBy('created_at')
      .execute();
    expect(inbox.map((m) => m.unit_code)).toEqual([world.codes.home, world.codes.district]);
    const audits = await server.platform.database.db.selectFrom('audit_record').select('action').where('object_id', '=', id).where('action', '=', 'case.escalate').execute();
    expect(audits).toHaveLength(2);
  });

  it('handling the case in time stops the clock; a new stage starts its own ladder', async () => {
    const clock = fakeClock(MONDAY_9AM);
    const { server, world } = await start(clock);
    const callers = await caseCallers(server, world);
    const id = await dispatchedCase(server, world);
    clock.set('2026-03-02T08:00:00.000Z'); // Monday 16:00
    expect((await callers.act('department', id, 'feedback', { note: '已清运' })).statusCode).toBe(200);
    clock.set('2026-03-02T08:45:00.000Z'); // 16:45
    // Handled in time; but the check (30 working minutes from 16:00) is now overdue: the community hears.
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 1 });
    expect(await escalations(server, id)).toEqual([expect.objectContaining({ state: 'fed_back', rung: 1, to_unit: world.codes.homeCommunity })]);
    clock.set(TUESDAY_9AM); // rungs fall every 30 working minutes: the subdistrict at 17:00, the district at 09:00
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 2 });
    expect((await escalations(server, id)).map((e) => e.to_unit)).toEqual([world.codes.homeCommunity, world.codes.home, world.codes.district]);
  });

  it('a report nobody verifies climbs from the grid to the community', async () => {
    const clock = fakeClock(MONDAY_9AM);
    const { server, world } = await start(clock);
    const { id } = await (await caseCallers(server, world)).report();
    clock.advance(31 * 60);
    expect(await sweepDeadlines(server.platform)).toEqual({ escalated: 1 });
    expect((await escalations(server, id))[0]).toMatchObject({ state: 'reported', to_unit: world.codes.homeCommunity });
  });

  it('a deadline that passed while the server was stopped escalates in the first sweep after start, marked late', async () => {
    const clock = fakeClock(MONDAY_9AM);
    const { server, world } = await start(clock);
    const id = await dispatchedCase(server, world);
    await server.close();

    clock.set('2026-03-05T02:00:00.000Z'); // Thursday 10:00: both rungs fell due while it was down
    const config = loadConfig({ ...server.scratch.env, WANGGE_DEMO: '0' });
    const restarted = await startServer(config, { clock, webDir: '/nonexistent' }); // jobs on: the first sweep runs at start
    try {
      await waitFor(async () => (await escalations(restarted, id)).length === 2);
      const events = await escalateEvents(restarted, id);
      expect(events.map((e) => JSON.parse(e.details))).toEqual([
        expect.objectContaining({ rung: 1, dueAt: TUESDAY_9AM, lateMinutes: 2 * 24 * 60 + 60 }),
        expect.objectContaining({ rung: 2, dueAt: WEDNESDAY_9AM, lateMinutes: 24 * 60 + 60 }),
      ]);
    } finally {
      await restarted.close();
    }
  });
});

describe.runIf(HAS_POSTGRES)('case deadlines with two instances on one PostgreSQL', () => {
  it('each rung of each case is climbed exactly once however the sweeps interleave', async () => {
    const clock = fakeClock(MONDAY_9AM);
    const first = await startTestServer('postgres', {}, { clock });
    const second = await startServer(loadConfig({ ...first.scratch.env, WANGGE_DEMO: '0' }), { clock, jobs: false, webDir: '/nonexistent' });
    try {
      const world = await makeCaseWorld(first.platform);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await dispatchedCase(first, world));
      clock.set('2026-03-05T02:00:00.000Z');
      const results = await Promise.all([1, 2, 3].flatMap(() => [sweepDeadlines(first.platform), sweepDeadlines(second.platform)]));
      expect(results.reduce((sum, r) => sum + r.escalated, 0)).toBe(ids.length * 2);
      const db = first.platform.database.db;
      const rungs = await db.selectFrom('case_escalation').select(['case_id', 'rung']).execute();
      expect(rungs).toHaveLength(ids.length * 2);
      const events = await db.selectFrom('case_event').select('case_id').where('action', '=', 'escalate').execute();
      expect(events).toHaveLength(ids.length * 2);
      const messages = await db.selectFrom('inbox_message').select('id').where('title', '=', '案件超时升级').execute();
      expect(messages).toHaveLength(ids.length * 2);
    } finally {
      await second.close();
      await first.dispose();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
