import { fileURLToPath } from 'node:url';
import { sealAuditChain } from './platform/audit/audit.seal.ts';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Platform } from './platform/context.ts';
import { buildApp } from './platform/http/app.ts';
import type { Readiness } from './platform/http/health.ts';
import { startScheduler, type Job, type Scheduler } from './platform/jobs/scheduler.ts';
import type { Log } from './platform/log.ts';
import type { ApiApp, Service } from './platform/module.ts';
import { forgetAnswersJob } from './platform/idempotency.ts';
import { openPlatform } from './platform/open.ts';
import { migrateToLatest } from './schema.ts';
import { loadDemoOnFirstStart } from './demo/firstStart.ts';
import { withDemoDay } from './demo/careDayJob.ts';
import { modules } from './modules/index.ts';
import { installedDistrict } from './modules/org/org.queries.ts';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface ServerOptions {
  clock?: Clock;
  log?: Log;
  /** Built web app; defaults to web/dist. */
  webDir?: string;
  /** Run periodic jobs (audit sealing, session expiry); tests may turn them off. */
  jobs?: boolean;
  /** Run the modules' long-running services (the MQTT subscriber when MQTT_URL is set); default on. */
  services?: boolean;
}

export interface RunningServer {
  app: ApiApp;
  platform: Platform;
  url: string;
  /** Stops taking requests, lets in-flight ones finish, seals the audit chain, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the platform: listens at once (health answers "starting"), migrates, runs the first-start
 * demo, then reports ready. Instances on one PostgreSQL may start together: migrations queue on an
 * advisory lock.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const platform = openPlatform(config, options);
  let started = false;
  let initialised = false;
  const readiness: Readiness = {
    started: () => started,
    initialised: async () => (initialised ||= (await installedDistrict(platform.database.db)) !== undefined),
  };
  const app = await buildApp({ platform, modules, readiness, webDir: options.webDir ?? DEFAULT_WEB_DIR });
  const address = await app.listen({ port: config.port, host: config.host });

  try {
    await migrateToLatest(platform);
    const first = await loadDemoOnFirstStart(platform);
    // Ready only now: a client that waits for health must find the demo accounts in place.
    started = true;
    if (first.loaded) announceDemo(platform, address);
    else if (!(await readiness.initialised())) platform.log.warn(`no district yet (${first.reason}); /api/health answers 503 until then`);
  } catch (error) {
    await app.close();
    await platform.database.close();
    throw error;
  }

  const scheduler = options.jobs === false ? null : startScheduler(platformJobs(platform), platform.log);
  const services = options.services === false ? [] : modules.flatMap((module) => module.services?.(platform) ?? []);
  for (const service of services) await service.start();
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= shutdown(app, platform, scheduler, services));
  return { app, platform, url: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'), close };
}

function platformJobs(platform: Platform): Job[] {
  const seal: Job = {
    name: 'audit.seal',
    everySeconds: platform.config.auditSealIntervalSeconds,
    run: async () => {
      await sealAuditChain(platform.database, platform.clock, platform.secrets.auditKey);
    },
  };
  // The demo district's simulated day plays before the check-in sweep (src/demo/careDayJob.ts).
  return withDemoDay(platform, [seal, forgetAnswersJob(platform), ...modules.flatMap((module) => module.jobs?.(platform) ?? [])]);
}

async function shutdown(app: ApiApp, platform: Platform, scheduler: Scheduler | null, services: Service[]): Promise<void> {
  await scheduler?.stop();
  // Work in hand (a batch of signals and its acknowledgements) finishes while the database is open.
  for (const service of services) {
    try {
      await service.stop();
    } catch (error) {
      platform.log.warn({ service: service.name, err: (error as Error).message }, 'service did not stop cleanly');
    }
  }
  await app.close();
  try {
    await sealAuditChain(platform.database, platform.clock, platform.secrets.auditKey);
  } catch (error) {
    platform.log.warn({ err: (error as Error).message }, 'could not seal the audit chain on shutdown');
  }
  await platform.database.close();
}

function announceDemo(platform: Platform, address: string): void {
  const lines = [
    '',
    '  网格 Wangge: demo district 马村区 (410804) loaded into the embedded database.',
    `  Sign in at ${platform.config.publicUrl ?? address.replace('0.0.0.0', 'localhost')} as admin / ${platform.config.demoPassword}`,
    '  (evaluation only: set WANGGE_DEMO=0 and run `wangge init` for a real district)',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
