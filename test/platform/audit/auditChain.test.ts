import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modules } from '../../../src/modules/index.ts';
import { hashRecord } from '../../../src/platform/audit/audit.record.ts';
import { sealAuditChain, sealMac, verifyAuditChain } from '../../../src/platform/audit/audit.seal.ts';
import { registerPolicies } from '../../../src/platform/authz/policy.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { openPlatform } from '../../../src/platform/open.ts';
import { migrateToLatest } from '../../../src/schema.ts';
import { DATABASES, scratch, type Scratch } from '../../support/databases.ts';
import { makeUnit, makeWorld, type World } from '../../support/factories.ts';
import { runCli } from '../../support/cli.ts';

/**
 * The platform without its HTTP front, as a job or a command sees it. The policies are the
 * modules' own, registered as the app registers them.
 */
async function openMigrated(env: Record<string, string>): Promise<Platform> {
  for (const module of modules) if (module.policies) registerPolicies(module.policies);
  const platform = openPlatform(loadConfig({ ...env, WANGGE_DEMO: '0' }));
  await migrateToLatest(platform);
  return platform;
}

/**
 * What someone with write access to the database but without AUDIT_KEY can do: first drop the
 * triggers that keep the audit tables append-only, then change history.
 */
async function liftAppendOnlyGuard(platform: Platform): Promise<void> {
  const statements =
    platform.database.kind === 'postgres'
      ? ['drop trigger audit_record_append_only on audit_record', 'drop trigger audit_seal_append_only on audit_seal']
      : ['audit_record_no_update', 'audit_record_no_delete', 'audit_seal_no_update', 'audit_seal_no_delete'].map(
          (t) => `drop trigger ${t}`,
        );
  for (const statement of statements) await sql.raw(statement).execute(platform.database.db);
}

const tamper = (platform: Platform) => {
  const { db } = platform.database;
  const record = (seq: number) => db.selectFrom('audit_record').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  return {
    record,
    async editSummary(seq: number, summary: string) {
      await db.updateTable('audit_record').set({ summary }).where('seq', '=', seq).execute();
    },
    async deleteRecord(seq: number) {
      await db.deleteFrom('audit_record').where('seq', '=', seq).execute();
    },
    /** Edits record `seq`, then re-hashes it and every later record so the chain links perfectly. */
    async rewriteChainFrom(seq: number, summary: string) {
      const later = await db.selectFrom('audit_record').selectAll().where('seq', '>=', seq).orderBy('seq').execute();
      let prevHash = later[0].prev_hash;
      for (const row of later) {
        const { hash: _old, ...rest } = row;
        const rewritten = { ...rest, prev_hash: prevHash, summary: row.seq === seq ? summary : row.summary };
        const hash = hashRecord(rewritten);
        await db
          .updateTable('audit_record')
          .set({ summary: rewritten.summary, prev_hash: prevHash, hash })
          .where('seq', '=', row.seq)
          .execute();
        prevHash = hash;
      }
    },
    async forgeSeal(sealSeq: number, key: string) {
      const seal = await db.selectFrom('audit_seal').selectAll().where('seq', '=', sealSeq).executeTakeFirstOrThrow();
      await db
        .updateTable('audit_seal')
        .set({ hmac: sealMac(key, seal.upto_seq, seal.head_hash) })
        .where('seq', '=', sealSeq)
        .execute();
    },
  };
};

const recordCount = async (platform: Platform) =>
  Number(
    (
      await platform.database.db
        .selectFrom('audit_record')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(DATABASES)('the audit chain on %s', (kind) => {
  let space: Scratch;
  let platform: Platform;
  let world: World;
  const verify = () => verifyAuditChain(platform.database, platform.secrets.auditKey);
  const seal = () => sealAuditChain(platform.database, platform.clock, platform.secrets.auditKey);

  beforeEach(async () => {
    space = await scratch(kind);
    platform = await openMigrated(space.env);
    world = await makeWorld(platform);
  });

  it('the database itself refuses to change or remove an audit record or seal', async () => {
    await seal();
    const { db } = platform.database;
    await expect(db.updateTable('audit_record').set({ summary: '{}' }).where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_record').where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_seal').execute()).rejects.toThrow(/append-only/);
    expect(await verify()).toMatchObject({ ok: true });
  });

  describe('once the append-only triggers are dropped', () => {
    beforeEach(() => liftAppendOnlyGuard(platform));

    afterEach(async () => {
      await platform?.database.close();
      await space?.dispose();
    });

    it('is intact after audited changes, sealed or not', async () => {
      const records = await recordCount(platform);
      expect(records).toBeGreaterThan(10);
      expect(await verify()).toEqual({ ok: true, records, seals: 0, unsealedTail: records });

      expect(await seal()).toBe(records);
      expect(await seal()).toBeNull(); // nothing new since
      await makeUnit(platform, `${world.codes.homeCommunity}002`);
      await makeUnit(platform, `${world.codes.homeCommunity}003`);

      expect(await verify()).toEqual({ ok: true, records: records + 2, seals: 1, unsealedTail: 2 });
      expect(await seal()).toBe(records + 2);
      expect(await verify()).toEqual({ ok: true, records: records + 2, seals: 2, unsealedTail: 0 });
    });

    it('names a record whose summary was edited in SQL', async () => {
      await seal();
      const victim = await tamper(platform).record(5);
      await tamper(platform).editSummary(5, victim.summary.replace('}', ',"note":"edited"}'));

      expect(await verify()).toMatchObject({ ok: false, place: { kind: 'record', seq: 5 }, problem: expect.stringContaining('record 5') });
    });

    it('names the seal when the chain after record k is rewritten and re-hashed without AUDIT_KEY', async () => {
      const sealedUpTo = (await seal())!;
      await makeUnit(platform, `${world.codes.homeCommunity}002`); // an unsealed tail, rewritten too
      await tamper(platform).rewriteChainFrom(4, '{"after":{"name":"从未发生"}}');

      const result = await verify();
      expect(result).toMatchObject({ ok: false, place: { kind: 'seal', seq: 1 } });
      expect(result.ok === false && result.problem).toContain(`covers records up to ${sealedUpTo}`);
    });

    it('names a seal forged with another key', async () => {
      await seal();
      await tamper(platform).rewriteChainFrom(4, '{"after":{"name":"从未发生"}}');
      await platform.database.db.deleteFrom('audit_seal').execute();
      await seal(); // a seal over the rewritten head, re-done below under a key that is not AUDIT_KEY
      const sealSeq = (await platform.database.db.selectFrom('audit_seal').select('seq').executeTakeFirstOrThrow()).seq as number;
      await tamper(platform).forgeSeal(sealSeq, 'a-guessed-key-that-is-not-the-audit-key-0123');

      expect(await verify()).toMatchObject({
        ok: false,
        place: { kind: 'seal', seq: sealSeq },
        problem: expect.stringContaining('AUDIT_KEY'),
      });
    });

    it('names a record deleted from the middle', async () => {
      await seal();
      await tamper(platform).deleteRecord(6);

      expect(await verify()).toMatchObject({ ok: false, place: { kind: 'record', seq: 6 }, problem: 'record 6 is missing' });
    });

    it('names a seal deleted from the middle of the seal sequence', async () => {
      await seal();
      await makeUnit(platform, `${world.codes.homeCommunity}002`);
      await seal();
      await platform.database.db.deleteFrom('audit_seal').where('seq', '=', 1).execute();

      expect(await verify()).toMatchObject({ ok: false, place: { kind: 'seal', seq: 1 }, problem: 'seal 1 is missing' });
    });

    it('names a sealed record deleted from the end', async () => {
      const head = (await seal())!;
      await tamper(platform).deleteRecord(head);

      expect(await verify()).toMatchObject({ ok: false, place: { kind: 'seal', seq: 1 } });
    });
  });
});

describe('`wangge audit verify` on an embedded database', () => {
  let space: Scratch;

  beforeEach(async () => {
    space = await scratch('sqlite');
    const platform = await openMigrated(space.env); // generates DATA_DIR/secrets/audit.key
    try {
      await makeWorld(platform);
      await sealAuditChain(platform.database, platform.clock, platform.secrets.auditKey);
      await liftAppendOnlyGuard(platform);
    } finally {
      await platform.database.close();
    }
  });
  afterEach(() => space?.dispose());

  const auditVerify = () => runCli(['audit', 'verify'], { DATA_DIR: space.dataDir });
  const withPlatform = async (run: (platform: Platform) => Promise<void>) => {
    const platform = await openMigrated(space.env);
    try {
      await run(platform);
    } finally {
      await platform.database.close();
    }
  };

  it('says the chain is ok and exits 0 on a clean data dir, then names an edited record', async () => {
    const clean = await auditVerify();
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    expect(clean.stdout).toMatch(/^audit chain ok: \d+ records, 1 seals, 0 records after the last seal/);

    await withPlatform((platform) => tamper(platform).editSummary(3, '{"after":{"name":"改过"}}'));

    const broken = await auditVerify();
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('audit chain BROKEN at record 3');
  });

  it('names the seal after a rewrite of the chain', async () => {
    await withPlatform((platform) => tamper(platform).rewriteChainFrom(2, '{"after":{"name":"改过"}}'));

    const broken = await auditVerify();
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('audit chain BROKEN at seal 1');
  });
});
