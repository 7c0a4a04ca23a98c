import type { Transaction } from 'kysely';
import type { Actor } from './authz/actor.ts';
import { auditContextOf, recordAudit, type AuditEntry } from './audit/audit.record.ts';
import type { Platform } from './context.ts';
import type { Tables } from './db/database.ts';

/** Who runs a command, and in which request (null at the command line). */
export interface By {
  actor: Actor;
  requestId: string | null;
}

export type Trx = Transaction<Tables>;

/**
 * Runs a business operation in one transaction and appends its audit record in that same
 * transaction: the change and its record commit together or not at all. `change` returns the
 * result and the audit entry describing what it did.
 */
export async function runAudited<T>(
  platform: Platform,
  by: By,
  change: (trx: Trx) => Promise<{ result: T; audit: AuditEntry }>,
): Promise<T> {
  return platform.database.db.transaction().execute(async (trx) => {
    const { result, audit } = await change(trx);
    await recordAudit(trx, platform.database.kind, platform.clock, auditContextOf(by.actor, by.requestId), audit);
    return result;
  });
}
