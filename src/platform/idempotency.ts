import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './db/database.ts';
import { isUniqueViolation } from './db/dialect.ts';
import { insertReusable, selectReusable } from './db/reusable.ts';
import { z } from 'zod';
import { unprocessable } from './http/errors.ts';
import type { Platform } from './context.ts';
import type { Job } from './jobs/scheduler.ts';

/**
 * Writes that a phone may retry carry an `Idempotency-Key` (DESIGN.md "HTTP conventions"): the first
 * request does the work and remembers its answer in the same transaction; a retry with the same key
 * gets the same answer and changes nothing. The same key with a different request is refused.
 */
export interface IdempotentRequestTable {
  /** SHA-256 of who asked and their key: keys are the client's, so two callers' keys never meet. */
  key_hash: string;
  /** SHA-256 of the request, to tell a retry from a different request reusing the key. */
  fingerprint: string;
  status: number;
  /** JSON of the answer given the first time. */
  response: string;
  created_at: string;
}

declare module './db/database.ts' {
  interface Tables {
    idempotent_request: IdempotentRequestTable;
  }
}

/** The `Idempotency-Key` request header as routes declare it: printable ASCII, 1-200 characters. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII')
    .optional(),
});

export interface IdempotentCall {
  /** Who asks: a user or key id. */
  callerId: string;
  /** The client's key, 1-200 printable characters. */
  key: string;
  /** The request as received (body and target), to fingerprint. */
  request: unknown;
}

export interface Answer<T> {
  status: number;
  body: T;
  replayed: boolean;
}

type Remember = (trx: Transaction<Tables>, status: number, body: unknown) => Promise<void>;

/**
 * Runs `write` once per key. `write` must call `remember` inside its transaction, so the answer
 * commits with the change; if two retries race, the loser's transaction fails on the key and it
 * answers with the winner's result.
 */
export async function once<T>(
  db: Kysely<Tables>,
  call: IdempotentCall | null,
  now: Date,
  write: (remember: Remember) => Promise<Answer<T>>,
): Promise<Answer<T>> {
  if (!call) return write(async () => {});
  const keyHash = sha256(`${call.callerId}\n${call.key}`);
  const fingerprint = sha256(JSON.stringify(call.request));
  const earlier = await rememberedAnswer<T>(db, keyHash, fingerprint);
  if (earlier) return earlier;
  const remember: Remember = async (trx, status, body) => {
    await insertReusable(trx, 'idempotent_request', {
      key_hash: keyHash,
      fingerprint,
      status,
      response: JSON.stringify(body),
      created_at: now.toISOString(),
    });
  };
  try {
    return await write(remember);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await rememberedAnswer<T>(db, keyHash, fingerprint);
    if (winner) return winner;
    throw error;
  }
}

async function rememberedAnswer<T>(db: Kysely<Tables>, keyHash: string, fingerprint: string): Promise<Answer<T> | null> {
  const [row] = await selectReusable(db, 'idempotent request by key', [keyHash], () =>
    db.selectFrom('idempotent_request').selectAll().where('key_hash', '=', keyHash),
  );
  if (!row) return null;
  if (row.fingerprint !== fingerprint) {
    throw unprocessable('request.idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
  }
  return { status: row.status, body: JSON.parse(row.response) as T, replayed: true };
}

/** Answers are kept for a week: long enough for any phone to come back online, short enough to stay small. */
export async function forgetOldAnswers(db: Kysely<Tables>, now: Date): Promise<number> {
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3_600_000).toISOString();
  const result = await db.deleteFrom('idempotent_request').where('created_at', '<', weekAgo).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets the week-old answers every hour (and at start, as every job). */
export function forgetAnswersJob(platform: Platform): Job {
  return {
    name: 'idempotency.forget',
    everySeconds: 3600,
    run: async () => {
      await forgetOldAnswers(platform.database.db, platform.clock.now());
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
