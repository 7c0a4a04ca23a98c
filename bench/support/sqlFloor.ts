import BetterSqlite3 from 'better-sqlite3';
import { encodeTime } from 'ulid';

/**
 * The floor under a request figure on SQLite: the statements some requests ran, recorded as the real
 * server ran them, then replayed on their own through better-sqlite3, again and again with fresh ids.
 * What the replay takes is SQLite's share of the work (the reads, the writes with their indexes, the
 * transactions and savepoints of the group commit) without HTTP, validation or any of the server's
 * JavaScript: no server on one SQLite writer can answer faster than this.
 *
 * Recording wraps better-sqlite3's statement methods for the length of `work`: the library has no
 * hook that sees a statement's parameters, and its own `verbose` callback sees only the SQL.
 */

export interface RecordedStatement {
  sql: string;
  values: unknown[];
}

const METHODS = ['run', 'all', 'get', 'iterate'] as const;

/** The statements every SQLite database of this process runs while `work` does. */
export async function recordStatements(work: () => Promise<void>): Promise<RecordedStatement[]> {
  const probe = new BetterSqlite3(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<(typeof METHODS)[number], (...values: unknown[]) => unknown>;
  probe.close();
  const originals = METHODS.map((method) => statement[method]);
  const recorded: RecordedStatement[] = [];
  METHODS.forEach((method, i) => {
    statement[method] = function (this: { source: string }, ...values: unknown[]) {
      recorded.push({ sql: this.source, values: values.flat() });
      return originals[i].apply(this, values);
    };
  });
  try {
    await work();
  } finally {
    METHODS.forEach((method, i) => (statement[method] = originals[i]));
  }
  return recorded;
}

export interface Replay {
  /** How many times the recorded statements ran. */
  times: number;
  /** Wall time of all of them. */
  ms: number;
  /** Wall time of each time, in order (a median of these shrugs off a moment of a busy machine). */
  passMs: number[];
  statements: number;
  transactions: number;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A digest or key: 32+ characters of hex or base64(url), no spaces (dedupe keys, hashes). */
const DIGEST = /^[A-Za-z0-9_+/=-]{32,}$/;

/**
 * Runs the recorded statements `times` times on `file`. Each time, every id (ULID) and digest the
 * statements wrote is made new (the ULID's time part counts on from `startsAt`, so new ids still
 * arrive in order; a digest gets a fresh prefix), and every `seq` column written moves on past
 * the last round's; a value some SELECT looked up (the caller's session, their user id, a unit or a
 * category) is kept as it was, since those rows exist once.
 */
export function replayStatements(file: string, recorded: RecordedStatement[], times: number, startsAt: number): Replay {
  const handle = new BetterSqlite3(file);
  try {
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    const looked = new Set(recorded.filter((s) => isRead(s.sql)).flatMap((s) => s.values));
    const plan = recorded.map((s) => ({
      statement: handle.prepare(s.sql),
      values: s.values,
      seqAt: new Set(seqPositions(s.sql, s.values.length)),
    }));
    const seqs = recorded.flatMap((s) => seqPositions(s.sql, s.values.length).map((i) => Number(s.values[i])));
    const seqStep = seqs.length > 0 ? Math.max(...seqs) - Math.min(...seqs) + 1 : 0;
    const passMs: number[] = [];
    const started = performance.now();
    for (let round = 0; round < times; round++) {
      const passStarted = performance.now();
      for (const step of plan) {
        const values = step.values.map((value, i) =>
          step.seqAt.has(i) ? Number(value) + (round + 1) * seqStep : fresh(value, round, startsAt, looked),
        );
        if (step.statement.reader) step.statement.all(...values);
        else step.statement.run(...values);
      }
      passMs.push(performance.now() - passStarted);
    }
    const ms = performance.now() - started;
    return { times, ms, passMs, statements: recorded.length, transactions: recorded.filter((s) => /^\s*begin/i.test(s.sql)).length };
  } finally {
    handle.close();
  }
}

function isRead(sql: string): boolean {
  return /^\s*select/i.test(sql);
}

function fresh(value: unknown, round: number, startsAt: number, looked: Set<unknown>): unknown {
  if (typeof value !== 'string' || looked.has(value)) return value;
  if (ULID.test(value)) return encodeTime(startsAt + round, 10) + value.slice(10);
  if (DIGEST.test(value)) return round.toString(36).padStart(8, '0') + value.slice(8);
  return value;
}

/** Where an INSERT's `seq` column takes its values (each row of a multi-row insert), else nowhere. */
function seqPositions(sql: string, count: number): number[] {
  const columns = /^\s*insert into "?\w+"? \(([^)]*)\)/i
    .exec(sql)?.[1]
    ?.split(',')
    .map((c) => c.trim().replace(/"/g, ''));
  const at = columns?.indexOf('seq') ?? -1;
  if (!columns || at < 0) return [];
  const positions: number[] = [];
  for (let row = 0; row * columns.length < count; row++) positions.push(row * columns.length + at);
  return positions;
}
