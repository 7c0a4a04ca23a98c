import type { Log } from '../log.ts';

/**
 * Periodic jobs inside the server (DESIGN.md "jobs and timers"). Every instance runs every job, so
 * a job must be safe to run on several at once (the audit seal takes an advisory lock and finds
 * nothing left to seal on the second instance; expiring sessions is an idempotent delete).
 *
 * Every job also runs once right after start: what fell due while the server was down (a case
 * deadline, a message to send) is handled at once, not one interval later.
 */
export interface Job {
  name: string;
  everySeconds: number;
  run(): Promise<void>;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(jobs: Job[], log: Log): Scheduler {
  const running = new Set<Promise<void>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const tick = () => {
      if (busy) return; // a slow run is never overlapped by the next tick
      busy = true;
      const run = job
        .run()
        .catch((error: Error) => log.error({ job: job.name, err: error.message }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    const timer = setInterval(tick, job.everySeconds * 1000);
    timer.unref();
    const first = setImmediate(tick);
    return { timer, first };
  });
  return {
    async stop() {
      timers.forEach(({ timer, first }) => {
        clearInterval(timer);
        clearImmediate(first);
      });
      await Promise.all(running);
    },
  };
}
