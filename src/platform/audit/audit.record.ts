import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Actor } from '../authz/actor.ts';
import type { Clock } from '../clock.ts';
import type { DbKind, Tables } from '../db/database.ts';
import { lockForTransaction } from '../db/dialect.ts';
import { insertReusable, selectReusable } from '../db/reusable.ts';
import type { AuditRecordTable } from './audit.tables.ts';
import './audit.tables.ts';

/** Who did it, and in which request: what every audited command receives from its route. */
export interface AuditContext {
  actorId: string | null;
  /** A readable label ("user:admin", "apikey:3F2A", "cli", "system"), never a person's name. */
  actorLabel: string;
  requestId: string | null;
}

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  /** Before/after summary. Mask personal data before it gets here. */
  summary?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 'wangge.audit.chain';

/**
 * Appends one record to the audit chain inside the caller's transaction, so the record exists
 * exactly when the change it describes does. Appends are serialised (advisory lock on PostgreSQL,
 * the single writer on SQLite) because each record hashes the one before it.
 */
export async function recordAudit(
  trx: Transaction<Tables>,
  kind: DbKind,
  clock: Clock,
  context: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  let last = tips.get(trx);
  if (!last) {
    await lockForTransaction(trx, kind, CHAIN_LOCK);
    [last] = await selectReusable(trx, 'audit chain tip', [1], () =>
      trx.selectFrom('audit_record').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1),
    );
  }
  const record: Omit<AuditRecordTable, 'hash'> = {
    seq: (last?.seq ?? 0) + 1,
    at: clock.now().toISOString(),
    actor_id: context.actorId,
    actor_label: context.actorLabel,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId ?? null,
    summary: JSON.stringify(entry.summary ?? {}),
    request_id: context.requestId,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const hash = hashRecord(record);
  await insertReusable(trx, 'audit_record', { ...record, hash });
  tips.set(trx, { seq: record.seq, hash });
}

/**
 * The chain's tip as a transaction left it. Once a transaction has appended a record it holds the
 * chain (the lock on PostgreSQL, the single writer on SQLite) until it ends, so its next record follows
 * that one without reading it back: a group commit appends dozens of records in one transaction.
 */
const tips = new WeakMap<Transaction<Tables>, { seq: number; hash: string }>();

/** After a rollback to a savepoint: the records appended since may be gone, so read the tip again. */
export function forgetAuditTip(trx: Transaction<Tables>): void {
  tips.delete(trx);
}

/** The hash of a record covers every field and the previous hash, in a fixed order. */
export function hashRecord(record: Omit<AuditRecordTable, 'hash'>): string {
  const fields = [
    record.seq,
    record.at,
    record.actor_id,
    record.actor_label,
    record.action,
    record.object_type,
    record.object_id,
    record.summary,
    record.request_id,
    record.prev_hash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The audit context of an actor acting in a request (or at the command line, without one). */
export function auditContextOf(actor: Actor, requestId: string | null): AuditContext {
  return { actorId: actor.type === 'user' ? actor.id : null, actorLabel: `${actor.type}:${actor.label}`, requestId };
}
