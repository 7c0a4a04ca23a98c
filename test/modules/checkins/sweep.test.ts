import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { addAway } from '../../../src/modules/checkins/commands/awayPeriods.ts';
import { enrolSubject } from '../../../src/modules/checkins/commands/manageRoster.ts';
import { recordSignal } from '../../../src/modules/checkins/commands/recordSignal.ts';
import { sweepCheckins } from '../../../src/modules/checkins/commands/sweepCheckins.ts';
import { updateHousehold } from '../../../src/modules/people/commands/updateHousehold.ts';
import { fakeClock } from '../../support/clock.ts';
import { DATABASES, HAS_POSTGRES } from '../../support/databases.ts';
import { inbox, makeCheckinWorld, makeElder, monday, MONDAY_5AM, outbox } from '../../support/checkins.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Never silent (issue 5 §4): a deadline that passed while the server was down is raised at the next
 * start with the gap recorded, and with several instances on one PostgreSQL every alert and every
 * rung happens exactly once.
 */
const by = { actor: systemActor('test'), requestId: null };

async function enrol(platform: Platform, residentId: string, contactPhone?: string) {
  const plan = contactPhone ? { contacts: [{ name: '家属', phone: contactPhone, channel: 'sms' as const }] } : undefined;
  return (await enrolSubject(platform, by, { residentId, plan })).id;
}

function steps(server: RunningServer) {
  return server.platform.database.db
    .selectFrom('care_alert_event')
    .select(['alert_id', 'step', 'details'])
    .orderBy('alert_id')
    .orderBy('step')
    .execute();
}

describe.each(DATABASES)('the curtain pact’s clock on %s', (kind) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
  });

  it('raises, at the next start, the deadlines missed while the server was down: once each, with the gap', async () => {
    const clock = fakeClock(MONDAY_5AM);
    const server = await startTestServer(kind, {}, { clock });
    servers.push(server);
    const world = await makeCheckinWorld(server.platform);
    const fine = await enrol(server.platform, world.elders['王秀英'].id);
    const missed = await enrol(server.platform, world.elders['吴桂英'].id, '13812340001');
    const alsoMissed = await enrol(server.platform, world.elders['郑玉珍'].id);
    clock.set(monday('07:00'));
    expect(
      await recordSignal(server.platform, { id: 'm-1', subjectId: fine, ts: monday('07:00'), type: 'link', source: 'link' }),
    ).toMatchObject({ effect: 'safe' });

    clock.set(monday('08:50'));
    await server.close(); // down before the deadline...
    clock.set(monday('09:50')); // ...up again 50 minutes after it: three rungs fell due meanwhile

    const restarted = await startServer(loadConfig({ ...server.scratch.env, WANGGE_DEMO: '0' }), { clock, webDir: '/nonexistent' }); // jobs on
    try {
      await waitFor(async () => (await steps(restarted)).filter((s) => s.step === 'rung:3').length === 2);
      const db = restarted.platform.database.db;
      const alerts = await db.selectFrom('care_alert').selectAll().orderBy('subject_id').execute();
      expect(alerts.map((a) => [a.subject_id, a.late_minutes, a.rung, a.raised_at])).toEqual(
        [
          [missed, 50, 3, monday('09:50')],
          [alsoMissed, 50, 3, monday('09:50')],
        ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
      );
      const byStep = (await steps(restarted)).filter((s) => alerts.find((a) => a.subject_id === missed)!.id === s.alert_id);
      expect(byStep.map((s) => [s.step, JSON.parse(s.details).lateMinutes])).toEqual([
        ['raise', 50],
        ['rung:1', 35],
        ['rung:2', 20],
        ['rung:3', 5],
      ]);
      // 郑玉珍's micro-grid has no worker: the grid staff hear first.
      const raised = (await inbox(restarted.platform)).filter((m) => m.title === '关爱对象未报平安');
      expect(raised.map((m) => m.user_id ?? m.unit_code).sort()).toEqual(
        [world.codes.homeGrid, world.codes.homeMicrogrid, world.users.worker.id].sort(),
      );
      expect(raised[0].body).toContain('系统恢复后补发，已超过截止时间50分钟');
      // Sweeping again (any instance, any time) adds nothing until the overdue time.
      expect(await sweepCheckins(restarted.platform)).toMatchObject({ raised: 0, climbed: 0, overdue: 0 });
      expect((await outbox(restarted.platform)).filter((m) => m.channel === 'sms').map((m) => m.to)).toEqual(['+8613812340001']);
      clock.set(monday('10:00', 1));
      expect(await sweepCheckins(restarted.platform)).toMatchObject({ raised: 0, climbed: 0, overdue: 2 });
    } finally {
      await restarted.close();
    }
  });

  it('follows a household that moves: the next planning puts its person’s checks in the new micro-grid', async () => {
    const clock = fakeClock(MONDAY_5AM);
    const server = await startTestServer(kind, {}, { clock });
    servers.push(server);
    const world = await makeCheckinWorld(server.platform);
    const subject = await enrol(server.platform, world.elders['王秀英'].id);
    const db = server.platform.database.db;
    const household = await db
      .selectFrom('resident')
      .innerJoin('household', 'household.id', 'resident.household_id')
      .select(['household.id', 'household.version'])
      .where('resident.id', '=', world.elders['王秀英'].id)
      .executeTakeFirstOrThrow();
    await updateHousehold(server.platform, by, household.id, { version: household.version, microgridCode: world.codes.otherMicrogrid });

    clock.set('2026-03-02T16:30:00.000Z'); // after midnight in Jiaozuo: Tuesday's planning
    await sweepCheckins(server.platform);
    const moved = await db.selectFrom('care_subject').select('microgrid_code').where('id', '=', subject).executeTakeFirstOrThrow();
    expect(moved.microgrid_code).toBe(world.codes.otherMicrogrid);
    const planned = await db
      .selectFrom('care_check')
      .select(['day', 'microgrid_code'])
      .where('subject_id', '=', subject)
      .where('day', '=', '2026-03-04')
      .execute();
    expect(planned).toEqual([{ day: '2026-03-04', microgrid_code: world.codes.otherMicrogrid }]);
  });

  it('plans no alert for a deadline from before someone joined, and none while they are away', async () => {
    const clock = fakeClock(monday('10:00'));
    const server = await startTestServer(kind, {}, { clock });
    servers.push(server);
    const world = await makeCheckinWorld(server.platform);
    const late = await enrol(server.platform, world.elders['王秀英'].id); // joins after today's 09:00 deadline
    expect(await sweepCheckins(server.platform)).toMatchObject({ raised: 0 });
    const checks = await server.platform.database.db
      .selectFrom('care_check')
      .select(['day', 'state'])
      .where('subject_id', '=', late)
      .orderBy('day')
      .execute();
    expect(checks).toEqual([{ day: '2026-03-03', state: 'waiting' }]);

    // Away tomorrow from 08:00 to the day after: tomorrow's check is paused, the day after's planned as away.
    const away = await enrol(server.platform, world.elders['刘桂芳'].id);
    await addAway(server.platform, by, away, {
      startsAt: '2026-03-03T00:00:00.000Z',
      endsAt: '2026-03-05T00:00:00.000Z',
      reason: 'hospital',
    });
    clock.set('2026-03-03T01:00:30.000Z'); // Tuesday 09:00:30
    expect(await sweepCheckins(server.platform)).toMatchObject({ raised: 1 }); // the first one only
    const states = await server.platform.database.db
      .selectFrom('care_check')
      .select(['day', 'state'])
      .where('subject_id', '=', away)
      .orderBy('day')
      .execute();
    expect(states).toEqual([
      { day: '2026-03-03', state: 'away' },
      { day: '2026-03-04', state: 'away' },
    ]);
    expect(await server.platform.database.db.selectFrom('care_alert').select('subject_id').execute()).toEqual([{ subject_id: late }]);
  });
});

describe.runIf(HAS_POSTGRES)('the curtain pact with two instances on one PostgreSQL', () => {
  it('raises each alert and climbs each rung exactly once however the sweeps interleave', async () => {
    const clock = fakeClock(MONDAY_5AM);
    const first = await startTestServer('postgres', {}, { clock });
    const second = await startServer(loadConfig({ ...first.scratch.env, WANGGE_DEMO: '0' }), {
      clock,
      jobs: false,
      webDir: '/nonexistent',
    });
    try {
      const world = await makeCheckinWorld(first.platform);
      const subjects: string[] = [];
      for (let n = 20; n < 44; n++) {
        const elder = await makeElder(first.platform, world.codes.homeMicrogrid, n, '测试老人');
        subjects.push(await enrol(first.platform, elder.id, `1391234${String(n).padStart(4, '0')}`));
      }
      const both = async () => {
        const results = await Promise.all([1, 2, 3].flatMap(() => [sweepCheckins(first.platform), sweepCheckins(second.platform)]));
        return results.reduce(
          (sum, r) => ({ raised: sum.raised + r.raised, climbed: sum.climbed + r.climbed, overdue: sum.overdue + r.overdue }),
          { raised: 0, climbed: 0, overdue: 0 },
        );
      };
      clock.set(monday('09:00', 10));
      expect(await both()).toEqual({ raised: subjects.length, climbed: 0, overdue: 0 });
      clock.set(monday('09:31'));
      expect(await both()).toEqual({ raised: 0, climbed: subjects.length * 2, overdue: 0 });
      clock.set(monday('10:30'));
      expect(await both()).toEqual({ raised: 0, climbed: subjects.length, overdue: subjects.length });

      const db = first.platform.database.db;
      expect(await db.selectFrom('care_alert').select('id').execute()).toHaveLength(subjects.length);
      const events = await steps(first);
      expect(events).toHaveLength(subjects.length * 5);
      for (const step of ['raise', 'rung:1', 'rung:2', 'rung:3', 'overdue'])
        expect(events.filter((e) => e.step === step)).toHaveLength(subjects.length);
      const messages = await inbox(first.platform);
      expect(messages.filter((m) => m.title === '关爱对象未报平安')).toHaveLength(subjects.length * 2);
      expect(messages.filter((m) => m.title === '关爱预警升级')).toHaveLength(subjects.length * 3);
      expect(messages.filter((m) => m.title === '关爱预警超时未处置')).toHaveLength(subjects.length);
      expect((await outbox(first.platform)).filter((m) => m.channel === 'sms')).toHaveLength(subjects.length);
      const audits = await db
        .selectFrom('audit_record')
        .select('action')
        .where('action', 'in', ['checkin.escalate', 'checkin.overdue'])
        .execute();
      expect(audits).toHaveLength(subjects.length * 4);
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
