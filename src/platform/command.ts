import { sql, type Transaction } from 'kysely';
import { setImmediate as afterThisTurn } from 'node:timers';
import type { Actor } from './authz/actor.ts';
import { auditContextOf, forgetAuditTip, recordAudit, type AuditEntry } from './audit/audit.record.ts';
import type { Platform } from './context.ts';
import type { Database, Db, Tables } from './db/database.ts';

/** Who runs a command, and in which request (null at the command line). */
export interface By {
  actor: Actor;
  requestId: string | null;
}

/** Who acts for an authenticated request: its actor (set by the authentication hook) and its id. */
export const byRequest = (request: { actor?: Actor | null; id: string }): By => ({ actor: request.actor!, requestId: request.id });

export type Trx = Transaction<Tables>;

/**
 * Runs a business operation in one transaction and appends its audit record in that same
 * transaction: the change and its record commit together or not at all. `change` returns the
 * result and the audit entry describing what it did.
 *
 * On SQLite the operations that arrive while a transaction is running are committed together when it
 * is done (group commit, `GroupCommit` below); each is still answered only once its changes are
 * committed, and one that fails is undone alone.
 */
export async function runAudited<T>(
  platform: Platform,
  by: By,
  change: (trx: Trx) => Promise<{ result: T; audit: AuditEntry }>,
): Promise<T> {
  const work = async (trx: Trx): Promise<T> => {
    const { result, audit } = await change(trx);
    await recordAudit(trx, platform.database.kind, platform.clock, auditContextOf(by.actor, by.requestId), audit);
    return result;
  };
  if (platform.database.kind === 'sqlite') return groupCommitOf(platform.database).run(work);
  return platform.database.db.transaction().execute(work);
}

const MAX_GROUP = 64;
const groups = new WeakMap<Database, GroupCommit>();

function groupCommitOf(database: Database): GroupCommit {
  let group = groups.get(database);
  if (!group) groups.set(database, (group = new GroupCommit(database.db)));
  return group;
}

interface Pending {
  work: (trx: Trx) => Promise<unknown>;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit on SQLite. Its one connection runs one transaction at a time, and committing one is
 * the dearest step of a small write: the WAL receives every page the transaction touched (a case
 * report touches some twenty-five, in a dozen tables and indexes), whatever changed on them. So the
 * operations that queue up while a transaction runs are taken together, up to MAX_GROUP, into one
 * transaction: each in a savepoint of its own, in arrival order, seeing the ones before it exactly as
 * if they had committed; one that throws is rolled back to its savepoint and answered with its error,
 * and the others go on. The transaction then commits once, and only then is each operation answered:
 * a result is never given for changes that are not committed (durability is SQLite's, synchronous =
 * NORMAL in WAL, as for one operation), and if the commit fails every operation in it fails. Audit
 * records are appended in the same order, so the chain is the same as with one transaction each.
 *
 * A group starts one turn of the event loop after its first operation arrives (or after the group
 * before it committed), and a group of one is a plain transaction.
 */
class GroupCommit {
  private readonly waiting: Pending[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  run<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (result: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // One turn of the event loop first: the requests that can run now (reading what they need
        // before they write, on the same connection) reach their write and join this group.
        await new Promise((resolve) => afterThisTurn(resolve));
        if (this.waiting.length === 0) return;
        await this.commit(this.waiting.splice(0, MAX_GROUP));
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const [alone] = group;
      await this.db.transaction().execute(alone.work).then(alone.resolve, alone.reject);
      return;
    }
    const results = new Map<Pending, unknown>();
    const failed = new Set<Pending>();
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const pending of group) {
          await sql`savepoint group_commit`.execute(trx);
          try {
            results.set(pending, await pending.work(trx));
          } catch (error) {
            // Undo this operation alone. If even that fails, the transaction is lost, and every
            // operation in it with it (below).
            failed.add(pending);
            pending.reject(error);
            await sql`rollback to group_commit`.execute(trx);
            forgetAuditTip(trx);
          }
          await sql`release group_commit`.execute(trx);
        }
      });
    } catch (error) {
      for (const pending of group) if (!failed.has(pending)) pending.reject(error);
      return;
    }
    for (const [pending, result] of results) pending.resolve(result);
  }
}
