import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { lockForTransaction } from '../db/dialect.ts';
import { GENESIS_HASH, hashRecord } from './audit.record.ts';

/**
 * Sealing and verifying the audit chain. The hash chain alone shows an edited record; a seal (an
 * HMAC of the chain head under AUDIT_KEY, which lives outside the database) also shows a chain
 * that was rewritten and re-hashed after the edit, since the rewriter cannot recompute the seal.
 */
const SEAL_LOCK = 'wangge.audit.seal';
const VERIFY_PAGE = 5000;

export function sealMac(auditKey: string, uptoSeq: number, headHash: string): string {
  return createHmac('sha256', auditKey).update(`${uptoSeq}:${headHash}`).digest('hex');
}

/** Seals the current head if anything was appended since the last seal. Returns the sealed seq. */
export async function sealAuditChain(database: Database, clock: Clock, auditKey: string): Promise<number | null> {
  return database.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, database.kind, SEAL_LOCK);
    const head = await trx.selectFrom('audit_record').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!head) return null;
    const lastSeal = await trx.selectFrom('audit_seal').select(['seq', 'upto_seq']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (lastSeal && lastSeal.upto_seq >= head.seq) return null;
    await trx
      .insertInto('audit_seal')
      .values({
        seq: (lastSeal?.seq ?? 0) + 1,
        upto_seq: head.seq,
        head_hash: head.hash,
        at: clock.now().toISOString(),
        hmac: sealMac(auditKey, head.seq, head.hash),
      })
      .execute();
    return head.seq;
  });
}

export type VerifyResult =
  | { ok: true; records: number; seals: number; unsealedTail: number }
  | { ok: false; records: number; seals: number; problem: string; place: { kind: 'record' | 'seal'; seq: number } };

/** Walks the whole chain and every seal; stops at the first problem and names it. */
export async function verifyAuditChain(database: Database, auditKey: string): Promise<VerifyResult> {
  const seals = await database.db.selectFrom('audit_seal').selectAll().orderBy('seq').execute();
  const sealsByUpto = new Map<number, typeof seals>();
  for (const [i, seal] of seals.entries()) {
    if (seal.seq !== i + 1) return fail(0, seals.length, `seal ${i + 1} is missing`, 'seal', i + 1);
    if (!safeEqualHex(seal.hmac, sealMac(auditKey, seal.upto_seq, seal.head_hash))) {
      return fail(0, seals.length, `seal ${seal.seq} does not match AUDIT_KEY (forged or altered seal)`, 'seal', seal.seq);
    }
    sealsByUpto.set(seal.upto_seq, [...(sealsByUpto.get(seal.upto_seq) ?? []), seal]);
  }

  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let lastSealedSeq = 0;
  for (;;) {
    const page = await database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(VERIFY_PAGE)
      .execute();
    for (const record of page) {
      const seq = record.seq;
      if (seq !== expectedSeq) return fail(expectedSeq - 1, seals.length, `record ${expectedSeq} is missing`, 'record', expectedSeq);
      if (record.prev_hash !== prevHash)
        return fail(seq - 1, seals.length, `record ${seq} does not link to record ${seq - 1}`, 'record', seq);
      const { hash, ...rest } = record;
      if (hashRecord(rest) !== hash) return fail(seq - 1, seals.length, `record ${seq} was altered (hash mismatch)`, 'record', seq);
      for (const seal of sealsByUpto.get(seq) ?? []) {
        if (seal.head_hash !== hash) {
          return fail(
            seq,
            seals.length,
            `seal ${seal.seq} covers records up to ${seq} but the chain there was rewritten`,
            'seal',
            seal.seq,
          );
        }
        lastSealedSeq = seq;
      }
      prevHash = hash;
      expectedSeq = seq + 1;
    }
    if (page.length < VERIFY_PAGE) break;
  }
  const records = expectedSeq - 1;
  const beyond = seals.find((seal) => seal.upto_seq > records);
  if (beyond)
    return fail(records, seals.length, `seal ${beyond.seq} covers record ${beyond.upto_seq}, which no longer exists`, 'seal', beyond.seq);
  return { ok: true, records, seals: seals.length, unsealedTail: records - lastSealedSeq };
}

function fail(records: number, seals: number, problem: string, kind: 'record' | 'seal', seq: number): VerifyResult {
  return { ok: false, records, seals, problem, place: { kind, seq } };
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
