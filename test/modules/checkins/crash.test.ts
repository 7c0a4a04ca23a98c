import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { enrolSubject } from '../../../src/modules/checkins/commands/manageRoster.ts';
import { recordSignal } from '../../../src/modules/checkins/commands/recordSignal.ts';
import { makeCheckinWorld } from '../../support/checkins.ts';
import { pollHealth, spawnServe, type ServeProcess } from '../../support/cli.ts';
import { DATABASES, scratch, type Scratch } from '../../support/databases.ts';

/**
 * Never silent (issue 5): a real `wangge serve`, sweeping every second on the system clock, is
 * killed with SIGKILL a moment before a deadline and started again after it. Every check that fell
 * due meanwhile is raised once, by the first sweep after the start, with the gap recorded; the
 * person who had signalled in time is not.
 *
 * The deadline is the fixture's: today's checks are planned as every enrolment plans them (a window
 * ending 23:59), then brought forward to a few seconds ahead, so the test waits seconds, not until a
 * window of the clock's own minutes ends. Nothing in the server knows it is being tested.
 */
const by = { actor: systemActor('test'), requestId: null };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long before its deadline the server dies, and how long after it the server is back. */
const AHEAD_MS = 4_000;
const DOWN_AFTER_DEADLINE_MS = 3_000;

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(100);
  }
}

/** Puts a resident under care with a window that ends late in the day, so today's check is planned now. */
async function enrol(platform: Platform, residentId: string): Promise<string> {
  return (await enrolSubject(platform, by, { residentId, plan: { morningWindow: { start: '00:00', end: '23:59' } } })).id;
}

/** The subjects' next waiting checks, opened an hour ago and due at `dueAt`. */
async function bringDeadlineTo(platform: Platform, subjectIds: string[], dueAt: Date): Promise<void> {
  const { db } = platform.database;
  for (const subjectId of subjectIds) {
    const next = await db
      .selectFrom('care_check')
      .select('id')
      .where('subject_id', '=', subjectId)
      .where('state', '=', 'waiting')
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('care_check')
      .set({ opens_at: new Date(dueAt.getTime() - 3_600_000).toISOString(), due_at: dueAt.toISOString() })
      .where('id', '=', next.id)
      .execute();
  }
}

describe.each(DATABASES)('a server killed before a deadline, on %s', (kind) => {
  let space: Scratch | undefined;
  let serve: ServeProcess | undefined;
  let restarted: RunningServer | undefined;
  afterEach(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await restarted?.close();
    await space?.dispose();
    [serve, restarted, space] = [undefined, undefined, undefined];
  });

  it('raises every alert that fell due while it was down once, at the next start, with the gap', async () => {
    space = await scratch(kind);
    const env = { ...space.env, WANGGE_DEMO: '0', CHECKIN_SWEEP_INTERVAL_SECONDS: '1' };
    const setup = await startServer(loadConfig(env), { jobs: false, webDir: '/nonexistent' });
    let deadline: Date;
    let subjects: { fine: string; missed: string; alsoMissed: string };
    try {
      const world = await makeCheckinWorld(setup.platform);
      subjects = {
        fine: await enrol(setup.platform, world.elders['王秀英'].id),
        missed: await enrol(setup.platform, world.elders['吴桂英'].id),
        alsoMissed: await enrol(setup.platform, world.elders['郑玉珍'].id), // the other micro-grid: no worker
      };
      serve = await spawnServe(env);
      await pollHealth(serve, (answer) => answer.status === 200);
      // The running server sweeps every second; the deadline comes a few seconds from now.
      deadline = new Date(Date.now() + AHEAD_MS + 1_000);
      await bringDeadlineTo(setup.platform, Object.values(subjects), deadline);
      const signal = { id: 'crash-1', subjectId: subjects.fine, ts: new Date().toISOString(), type: 'link' as const, source: 'link' };
      expect(await recordSignal(setup.platform, signal)).toMatchObject({ effect: 'safe' });
    } finally {
      await setup.close();
    }

    await sleep(deadline.getTime() - Date.now() - 1_000);
    expect(Date.now()).toBeLessThan(deadline.getTime()); // killed before the deadline, or the test proves nothing
    serve.child.kill('SIGKILL');
    await serve.exited;
    await sleep(deadline.getTime() + DOWN_AFTER_DEADLINE_MS - Date.now());

    const startedAt = Date.now();
    restarted = await startServer(loadConfig(env), { webDir: '/nonexistent' }); // jobs on: the first sweep runs at start
    const { db } = restarted.platform.database;
    const alerts = () => db.selectFrom('care_alert').selectAll().orderBy('subject_id').execute();
    await waitFor(async () => (await alerts()).length >= 2);
    await sleep(2_500); // a few more sweeps of the restarted server: nothing is raised twice

    const raised = await alerts();
    expect(raised.map((a) => a.subject_id)).toEqual([subjects.missed, subjects.alsoMissed].sort());
    for (const alert of raised) {
      expect(alert.due_at).toBe(deadline.toISOString());
      // The gap: raised by the restarted server, at least the downtime after the deadline.
      expect(Date.parse(alert.raised_at)).toBeGreaterThanOrEqual(Math.max(startedAt - 1_000, deadline.getTime() + DOWN_AFTER_DEADLINE_MS));
      expect(alert.late_minutes).toBe(Math.floor((Date.parse(alert.raised_at) - deadline.getTime()) / 60_000));
    }
    const steps = await db.selectFrom('care_alert_event').select(['alert_id', 'step', 'details']).execute();
    expect(steps.map((s) => s.step)).toEqual(['raise', 'raise']);
    for (const step of steps) expect(JSON.parse(step.details)).toMatchObject({ dueAt: deadline.toISOString() });
    const checks = await db.selectFrom('care_check').select(['subject_id', 'state']).where('due_at', '=', deadline.toISOString()).execute();
    expect(Object.fromEntries(checks.map((c) => [c.subject_id, c.state]))).toEqual({
      [subjects.fine]: 'safe',
      [subjects.missed]: 'alerted',
      [subjects.alsoMissed]: 'alerted',
    });
    // The caretakers heard once each: 吴桂英's worker and micro-grid, 郑玉珍's grid staff.
    const messages = await db.selectFrom('inbox_message').select('title').where('title', '=', '关爱对象未报平安').execute();
    expect(messages).toHaveLength(3);
  });
});
