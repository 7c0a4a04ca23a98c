import { Agent, get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { modules } from '../../../src/modules/index.ts';
import { sealAuditChain, verifyAuditChain } from '../../../src/platform/audit/audit.seal.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { buildApp } from '../../../src/platform/http/app.ts';
import type { ApiApp, ModuleManifest } from '../../../src/platform/module.ts';
import { openPlatform } from '../../../src/platform/open.ts';
import { migrateToLatest } from '../../../src/schema.ts';
import { DATABASES, scratch, type Scratch } from '../../support/databases.ts';
import { makeWorld } from '../../support/factories.ts';

/** A GET the way a browser makes it: over a kept-alive connection. */
function getKeptAlive(url: string, agent: Agent): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }));
    }).on('error', reject);
  });
}

/** A latch: the test decides when the slow request may go on. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * A module with one slow route: it announces that it has started, waits until the test lets it go
 * on, and only then reads the database, the way a report or an export does.
 */
function slowModule(started: () => void, goOn: Promise<void>): ModuleManifest {
  return {
    name: 'test-slow',
    routes: (app, platform) => {
      app.get('/api/test/slow', { config: { access: 'public' } }, async () => {
        started();
        await goOn;
        const units = await platform.database.db.selectFrom('org_unit').select('code').orderBy('code').execute();
        return { units: units.map((u) => u.code) };
      });
    },
  };
}

/**
 * The shutdown order of src/server.ts (its `shutdown` is not exported): stop taking requests and let
 * those in flight finish, seal the audit chain, then close the database. No scheduler here.
 */
async function shutdown(app: ApiApp, platform: Platform): Promise<void> {
  await app.close();
  await sealAuditChain(platform.database, platform.clock, platform.secrets.auditKey);
  await platform.database.close();
}

describe.each(DATABASES)('shutdown on %s', (kind) => {
  let space: Scratch;
  let platform: Platform | undefined;
  let app: ApiApp | undefined;
  let closing: Promise<void> | undefined;
  const browser = new Agent({ keepAlive: true });

  afterEach(async () => {
    browser.destroy(); // the browser goes away, which lets a shutdown still waiting for it end
    if (app && platform) await (closing ?? shutdown(app, platform));
    await space?.dispose();
  });

  it('shutdown during a slow request completes that request', async () => {
    space = await scratch(kind);
    platform = openPlatform(loadConfig({ ...space.env, WANGGE_DEMO: '0' }));
    await migrateToLatest(platform);
    const slowStarted = latch();
    const goOn = latch();
    app = await buildApp({
      platform,
      modules: [...modules, slowModule(slowStarted.open, goOn.opened)],
      readiness: { started: () => true, initialised: async () => true },
    });
    const world = await makeWorld(platform);
    const url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');

    const slow = getKeptAlive(`${url}/api/test/slow`, browser);
    await slowStarted.opened;
    closing = shutdown(app, platform);

    // Shutting down: once the listener is closed, a new caller is turned away (refused, or 503).
    for (let turn = 0; app.server.listening && turn < 1000; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(app.server.listening).toBe(false);
    const newcomer = await fetch(`${url}/api/health`).then(
      (response) => response.status,
      (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.message,
    );
    expect([503, 'ECONNREFUSED']).toContain(newcomer);

    goOn.open();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).units).toContain(world.codes.homeMicrogrid);
    // Answered while shutting down, so the connection must not be kept alive: otherwise
    // app.close() waits for the browser to drop it (Fastify's keepAliveTimeout, 72 s).
    expect(response.connection).toBe('close');
    await closing;

    // The chain was sealed on the way out and is intact.
    const check = openPlatform(loadConfig({ ...space.env, WANGGE_DEMO: '0' }));
    try {
      expect(await verifyAuditChain(check.database, check.secrets.auditKey)).toMatchObject({ ok: true, unsealedTail: 0 });
    } finally {
      await check.database.close();
    }
  });
});
