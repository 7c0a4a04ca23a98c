import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { HAS_POSTGRES, scratch, type Scratch } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, signIn } from '../../support/server.ts';

/**
 * The machine's PostgreSQL is shared with every other test, so it is never stopped. Instead the
 * app reaches it through this TCP relay: stopping the relay is the database going away (every
 * connection cut, new ones refused), starting it again on the same port is the database returning.
 */
class DatabaseLink {
  private listener: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    const listener = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (listener.address() as { port: number }).port;
    this.listener = listener;
  }

  /**
   * The database stops answering (a hung server, a dead network path): replies are held back.
   * Resolves once the app has sent something new, i.e. a query is now in flight.
   */
  stall(): Promise<void> {
    return new Promise((resolve) => {
      for (const { client, upstream } of this.pairs) {
        upstream.unpipe(client);
        client.once('data', () => resolve());
      }
    });
  }

  async down(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pairs.clear();
    if (listener) await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

describe.skipIf(!HAS_POSTGRES)('with the database stopped', () => {
  let space: Scratch;
  let link: DatabaseLink;
  let server: RunningServer;
  let world: World;
  let token: string;
  /** What would have ended a real `wangge serve` process. */
  const crashes: string[] = [];
  const recordCrash = (error: unknown) => crashes.push((error as Error)?.message ?? String(error));

  beforeAll(async () => {
    process.on('uncaughtException', recordCrash);
    process.on('unhandledRejection', recordCrash);
    space = await scratch('postgres');
    const real = new URL(space.databaseUrl!);
    link = new DatabaseLink(real.hostname, Number(real.port || 5432));
    await link.up();
    const viaLink = new URL(space.databaseUrl!);
    viaLink.host = `127.0.0.1:${link.port}`;
    const config = loadConfig({ ...space.env, DATABASE_URL: viaLink.toString(), WANGGE_DEMO: '0', LOGIN_RATE_PER_IP: '10000' });
    server = await startServer(config, { jobs: false, webDir: '/nonexistent' });
    world = await makeWorld(server.platform);
    token = await signIn(server, world.users.home.username);
  });
  afterAll(async () => {
    process.off('uncaughtException', recordCrash);
    process.off('unhandledRejection', recordCrash);
    await link?.up().catch(() => undefined); // so the shutdown seal can reach the database
    await server?.close();
    await link?.down();
    await space?.dispose();
  });
  beforeEach(() => {
    crashes.length = 0;
  });

  const health = () => server.app.inject({ method: 'GET', url: '/api/health' });
  const tree = () => as(server, token)('GET', '/api/org/tree');

  /** Asks until the answer is the expected one; the pg pool needs a moment to notice and to reconnect. */
  async function eventually<R extends { statusCode: number }>(ask: () => Promise<R>, status: number, attempts = 50): Promise<R> {
    let last = await ask();
    for (let i = 1; i < attempts && last.statusCode !== status; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await ask();
    }
    return last;
  }

  it('answers normally while the database is up', async () => {
    expect((await health()).json()).toMatchObject({ status: 'ok', db: 'postgres' });
    expect((await tree()).statusCode).toBe(200);
  });

  it('a request in flight when the database goes away gets 503, and the server lives on', async () => {
    const inFlight = link.stall();
    const pending = tree();
    await inFlight;
    await link.down();

    const answer = await pending;
    expect({ status: answer.statusCode, body: answer.json() }).toMatchObject({ status: 503, body: { error: { code: 'db.unavailable' } } });
    expect(crashes).toEqual([]);
  });

  it('requests get 503, never 500, while the database is down', async () => {
    await link.down();

    const down = await eventually(health, 503);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unavailable', db: 'postgres' });

    for (let i = 0; i < 3; i += 1) {
      const refused = await tree();
      expect({ status: refused.statusCode, body: refused.json() }).toMatchObject({
        status: 503,
        body: { error: { code: 'db.unavailable' } },
      });
      expect(refused.body).not.toMatch(/stack|ECONNREFUSED|at \w+ \(/);
    }
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: world.users.admin.username, password: 'whatever-it-is' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.json().error.code).toBe('db.unavailable');
    expect(crashes).toEqual([]);
  });

  it('recovers when the database returns', async () => {
    await link.up();

    const healthy = await eventually(health, 200);
    expect(healthy.json()).toMatchObject({ status: 'ok', db: 'postgres' });
    const back = await eventually(tree, 200);
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain(world.codes.home);
    expect(crashes).toEqual([]);
  });
});
