import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../src/modules/cases/cases.tables.ts';
import { verifyAuditChain } from '../../../src/platform/audit/audit.seal.ts';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { runAudited, type Trx } from '../../../src/platform/command.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Audited commands that arrive together (on SQLite: committed together, each in its own savepoint):
 * every command that succeeds is committed and answered with its own result, one that fails is undone
 * alone and answered with its own error, and the audit chain stays whole.
 */
describe.each(DATABASES)('audited commands arriving together on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, {}, { jobs: false });
  });
  afterAll(() => server?.dispose());

  const by = { actor: systemActor('group-commit-test'), requestId: null };
  const day = (n: number) => `2031-01-${String(n).padStart(2, '0')}`;

  it('commits the ones that succeed, undoes only the ones that fail, and answers each with its own outcome', async () => {
    const platform = server.platform;
    const seen: Trx[] = [];
    const write = (n: number, fail?: 'throw' | 'duplicate') =>
      runAudited(platform, by, async (trx) => {
        seen.push(trx);
        await trx
          .insertInto('work_calendar_day')
          .values({ day: day(n), kind: 'holiday', name: `day ${n}` })
          .execute();
        // A second write of the same command: undone with the first when the command fails.
        if (fail === 'duplicate')
          await trx
            .insertInto('work_calendar_day')
            .values({ day: day(n), kind: 'holiday', name: 'again' })
            .execute();
        if (fail === 'throw') throw new Error(`command ${n} refused`);
        return { result: n * 10, audit: { action: 'test.group_commit', objectType: 'day', objectId: day(n) } };
      });
    const outcomes = await Promise.allSettled([write(1), write(2, 'throw'), write(3), write(4, 'duplicate'), write(5), write(6)]);

    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'))).toEqual([10, 'failed', 30, 'failed', 50, 60]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('command 2 refused');
    const days = await platform.database.db
      .selectFrom('work_calendar_day')
      .select('day')
      .where('day', 'like', '2031-01-%')
      .orderBy('day')
      .execute();
    expect(days.map((d) => d.day)).toEqual([day(1), day(3), day(5), day(6)]);
    const audited = await platform.database.db
      .selectFrom('audit_record')
      .select('object_id')
      .where('action', '=', 'test.group_commit')
      .orderBy('seq')
      .execute();
    // In arrival order on SQLite; PostgreSQL runs them side by side, in whatever order they take the chain's lock.
    const order = audited.map((a) => a.object_id);
    expect(kind === 'sqlite' ? order : [...order].sort()).toEqual([day(1), day(3), day(5), day(6)]);
    const chain = await verifyAuditChain(platform.database, platform.secrets.auditKey);
    expect(chain.ok).toBe(true);
    // On SQLite the commands shared transactions (fewer transactions than commands); on PostgreSQL each has its own.
    const transactions = new Set(seen).size;
    if (kind === 'sqlite') expect(transactions).toBeLessThan(6);
    else expect(transactions).toBe(6);
  });
});
