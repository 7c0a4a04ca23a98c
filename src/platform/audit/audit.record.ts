import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Actor } from '../authz/actor.ts';
import type { Clock } from '../clock.ts';
import type { DbKind, Tables } from '../db/database.ts';
import { lockForTransaction } from '../db/dialect.ts';
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
  await lockForTransaction(trx, kind, CHAIN_LOCK);
  const last = await trx.selectFrom('audit_record').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
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
  await trx
    .insertInto('audit_record')
    .values({ ...record, hash: hashRecord(record) })
    .execute();
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
