import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Log } from '../log.ts';

/**
 * Checkpoints of the embedded database, off the event loop. In WAL mode every commit appends pages to
 * the `-wal` file, and a checkpoint copies them back into the database file and syncs it. SQLite
 * does that by itself inside the commit that crosses 1,000 pages, on the connection that commits:
 * ours, on the event loop, so one request in fifty waited for a copy and two fsyncs (most of the
 * time all commits took, and the p99 of every write). Here the writing connection never checkpoints
 * (`wal_autocheckpoint = 0`); a worker thread with its own connection to the same file runs a
 * PASSIVE checkpoint every CHECKPOINT_INTERVAL_MS, which copies what no reader still needs and never
 * blocks the writer. Once the WAL is wholly copied the writer starts it over from the beginning, and
 * `journal_size_limit` keeps the file from staying large.
 *
 * Durability is SQLite's own either way: a commit is in the WAL when it is answered; a checkpoint
 * only moves pages.
 */
export interface Checkpointer {
  /** Stops the worker after its checkpoint in hand; the database's own close checkpoints the rest. */
  stop(): Promise<void>;
}

const CHECKPOINT_INTERVAL_MS = 200;

// A script, not a module: a worker of its own must not depend on the loader the sources run through.
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('wal_autocheckpoint = 0');
let failures = 0;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (error) {
    // Busy or locked is the next tick's business; anything else is told once until it clears.
    if (failures++ === 0) parentPort.postMessage({ error: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** `lost` is called if the worker ends before `stop`: the writer must then checkpoint for itself again. */
export function startCheckpointer(file: string, lost: () => void, log?: Log): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SCRIPT, { eval: true, workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // A command-line run ends when its work does, whatever the checkpointer is doing.
  worker.unref();
  worker.on('message', (message: { error?: string }) => log?.warn({ err: message.error }, 'background checkpoint failed'));
  worker.on('error', (error) => log?.warn({ err: error.message }, 'checkpoint worker stopped'));
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) lost();
      resolve();
    }),
  );
  return {
    stop: async () => {
      stopping = true;
      // Held again while it finishes: an unreferenced worker would let the process end under our feet.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
