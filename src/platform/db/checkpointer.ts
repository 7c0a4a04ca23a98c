import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's write-ahead log is copied back into the database file by a checkpoint. Left to SQLite, the
 * connection that commits past `wal_autocheckpoint` pages runs it there and then: the commit that
 * crosses the line copies every page the log holds and syncs the file, so a deadline sweep or a
 * report waits for the writes of everyone before it (a third of a 3,000-alert sweep, measured).
 *
 * Here a worker thread with a connection of its own runs a PASSIVE checkpoint every INTERVAL_MS,
 * on the other core, while the writer goes on appending: a passive checkpoint takes no lock a writer
 * or reader waits on, and copies only frames every reader has moved past. Once it has copied
 * everything, the next writer starts the log again from its beginning, so the log stays small.
 *
 * The writer keeps a backstop, WRITER_CHECKPOINT_PAGES, for when this thread cannot keep up or has
 * died: then it checkpoints itself as before (copying only what the worker has not). Nothing about
 * durability changes: a commit is in the log when it returns, wherever the checkpoint runs.
 */
export const WRITER_CHECKPOINT_PAGES = 16_000;
const INTERVAL_MS = 100;

export interface CheckpointResult {
  /** 1 when a reader or writer kept the checkpoint from finishing (it finishes next time). */
  busy: number;
  /** Frames in the log. */
  log: number;
  /** Frames of the log copied into the database file. */
  checkpointed: number;
}

export interface Checkpointer {
  /** Runs a checkpoint now and answers what it did (tests and operations; the timer runs them anyway). */
  checkpointNow(): Promise<CheckpointResult>;
  /** Stops the thread and closes its connection; the writer's own close then checkpoints the rest. */
  stop(): Promise<void>;
}

// The worker is plain JavaScript evaluated from this string: it runs outside tsx's and Vitest's loaders.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
const timer = setInterval(() => {
  try { checkpoint(); } catch (error) { parentPort.postMessage({ error: String(error && error.message) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'checkpoint') {
    try { parentPort.postMessage({ id: message.id, result: checkpoint() }); }
    catch (error) { parentPort.postMessage({ id: message.id, error: String(error && error.message) }); }
  } else if (message.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ id: message.id, result: null });
    parentPort.close();
  }
});
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Starts the checkpoint thread for the SQLite database at `file` (already in WAL mode). `onError`
 * hears a checkpoint that failed (the writer's backstop takes over meanwhile).
 */
export function startCheckpointer(file: string, onError: (message: string) => void = () => {}): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs: INTERVAL_MS } });
  // Never what keeps a process alive: a database left open at exit is the writer's to close.
  worker.unref();
  const waiting = new Map<number, { resolve: (value: CheckpointResult | null) => void; reject: (error: Error) => void }>();
  let next = 0;
  let exited = false;
  worker.on('message', (message: { id?: number; result?: CheckpointResult | null; error?: string }) => {
    const caller = message.id === undefined ? undefined : waiting.get(message.id);
    if (!caller) return void (message.error && onError(message.error));
    waiting.delete(message.id!);
    if (message.error) caller.reject(new Error(message.error));
    else caller.resolve(message.result ?? null);
  });
  worker.on('error', (error) => onError(error.message));
  worker.on('exit', () => {
    exited = true;
    for (const caller of waiting.values()) caller.resolve(null);
    waiting.clear();
  });
  const ask = (type: 'checkpoint' | 'stop') =>
    new Promise<CheckpointResult | null>((resolve, reject) => {
      if (exited) return resolve(null);
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ type, id });
    });
  return {
    checkpointNow: async () => {
      const result = await ask('checkpoint');
      if (!result) throw new Error('the checkpoint thread has stopped');
      return result;
    },
    stop: async () => {
      await ask('stop');
      await worker.terminate();
    },
  };
}
