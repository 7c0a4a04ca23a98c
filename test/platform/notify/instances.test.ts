import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.ts';
import { dispatchDue } from '../../../src/platform/notify/notify.dispatch.ts';
import { openPlatform } from '../../../src/platform/open.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { startServer } from '../../../src/server.ts';
import { DATABASES, scratch } from '../../support/databases.ts';
import { makeWorld } from '../../support/factories.ts';
import { startTestServer } from '../../support/server.ts';
import { fakeClock, startGateway } from './gateway.ts';
import { channel, enqueue } from './support.ts';

/**
 * Delivery that outlives a process: pending messages wait in the database for the next start, a
 * dispatcher that died mid-send leaves its rows to be claimed again when its lease ends, and two
 * instances on one database never send the same message twice.
 */
describe.each(DATABASES)('notifications across restarts and instances on %s', (kind) => {
  it('pending messages survive a server restart and are sent by the next start', async () => {
    const gateway = await startGateway();
    const space = await scratch(kind);
    const env = { ...space.env, WANGGE_DEMO: '0', NOTIFY_DISPATCH_INTERVAL_SECONDS: '1' };
    try {
      const first = await startServer(loadConfig(env), { jobs: false, webDir: '/nonexistent' });
      const world = await makeWorld(first.platform);
      await channel(first.platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=k` });
      await enqueue(first.platform, { recipient: { unit: world.codes.home }, title: '重启', body: '重启后发送', dedupeKey: 'restart:1' });
      await first.close();
      expect(gateway.received).toEqual([]);

      const second = await startServer(loadConfig(env), { webDir: '/nonexistent' });
      try {
        await expect.poll(() => gateway.received.length, { timeout: 10_000, interval: 100 }).toBe(1);
        expect(gateway.received[0].body).toMatchObject({ markdown: { content: '### 重启\n重启后发送' } });
        await expect
          .poll(async () => (await second.platform.database.db.selectFrom('notify_outbox').select('state').execute()).map((r) => r.state))
          .toEqual(['sent']);
      } finally {
        await second.close();
      }
    } finally {
      await space.dispose();
      await gateway.stop();
    }
  });

  it('a claim whose dispatcher died is taken again when its lease ends (at least once)', async () => {
    const clock = fakeClock();
    const gateway = await startGateway();
    const server = await startTestServer(kind, { NOTIFY_TIMEOUT_SECONDS: '10' }, { clock });
    try {
      const world = await makeWorld(server.platform);
      await channel(server.platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=k` });
      await enqueue(server.platform, { recipient: { unit: world.codes.home }, title: '租约', body: '崩溃后重发', dedupeKey: 'lease:1' });
      // What a claim writes, by a dispatcher that then died before sending or marking: 10 s × 7 rounds + 60 s.
      const leaseEnd = clock.at(130);
      await server.platform.database.db
        .updateTable('notify_outbox')
        .set({ attempts: 1, claimed_until: leaseEnd, next_attempt_at: leaseEnd })
        .execute();
      clock.advance(129);
      expect((await dispatchDue(server.platform)).claimed).toBe(0);
      clock.advance(1);
      expect(await dispatchDue(server.platform)).toMatchObject({ claimed: 1, sent: 1 });
      expect(gateway.received).toHaveLength(1);
    } finally {
      await server.dispose();
      await gateway.stop();
    }
  });

  it('two instances dispatching at the same time send every message exactly once', async () => {
    const gateway = await startGateway();
    gateway.fallback = { status: 200, body: { errcode: 0, errmsg: 'ok' }, delayMs: 15 };
    const server = await startTestServer(kind);
    const other = openPlatform(loadConfig({ ...server.scratch.env, WANGGE_DEMO: '0' }));
    try {
      const world = await makeWorld(server.platform);
      await channel(server.platform, { unitCode: world.codes.home, kind: 'wecom', url: `${gateway.url}/w?key=k` });
      const count = 60;
      for (let i = 0; i < count; i += 1) {
        await enqueue(server.platform, { recipient: { unit: world.codes.home }, title: `消息${i}`, body: '并发', dedupeKey: `many:${i}` });
      }
      const drain = async (platform: Platform) => {
        let sent = 0;
        for (;;) {
          const summary = await dispatchDue(platform, { limit: 7 });
          if (summary.claimed === 0) return sent;
          sent += summary.sent;
        }
      };
      const [one, two] = await Promise.all([drain(server.platform), drain(other)]);
      expect(one + two).toBe(count);
      expect(one).toBeGreaterThan(0);
      expect(two).toBeGreaterThan(0);
      const titles = gateway.received.map((r) => (r.body as { markdown: { content: string } }).markdown.content.split('\n')[0]);
      expect(titles).toHaveLength(count);
      expect(new Set(titles).size).toBe(count);
      const states = await server.platform.database.db.selectFrom('notify_outbox').select(['state', 'attempts']).execute();
      expect(states.every((row) => row.state === 'sent' && row.attempts === 1)).toBe(true);
    } finally {
      await other.database.close();
      await server.dispose();
      await gateway.stop();
    }
  });
});
