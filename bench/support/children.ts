import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The servers a benchmark starts as child processes of its own (a bare Fastify baseline, a wangge
 * server), with the last lines of their output kept for when one fails to start or dies.
 */

export class Child {
  private readonly tail: string[] = [];
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.tail.splice(0, Math.max(0, this.tail.length - 40));
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  describeExit(): string {
    const how = this.proc.signalCode ? `signal ${this.proc.signalCode}` : `code ${this.proc.exitCode}`;
    return `${this.name} exited (${how}); its last output:\n${this.output()}`;
  }

  output(): string {
    return this.tail.map((line) => `  | ${line}`).join('\n') || '  | (none)';
  }

  /** SIGTERM (both servers finish in-flight requests and exit), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000))),
    ]);
    clearTimeout(timer);
    if (!graceful) {
      process.stderr.write(`${this.name} did not stop within 10 s of SIGTERM; killing it\n`);
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Child(name, proc);
}

/** A port nobody listens on at `host` right now. */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; fails at once, with its output, if the child exits. */
export async function waitFor200(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(child.describeExit());
    try {
      const response = await fetch(url);
      last = `HTTP ${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${child.name}: ${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})\n${child.output()}`);
}

/** A bare Fastify baseline and a `wangge serve` on a data dir (or a PostgreSQL database), both answering. */
export interface BenchServers {
  bareBase: string;
  base: string;
  /** The bare server first, then wangge. */
  children: Child[];
  stop(): Promise<void>;
}

/**
 * Starts both servers of an HTTP benchmark on free ports of `host`: the demo never loads, logins are
 * not throttled, and `BENCH_SERVER_NODE_OPTIONS` reaches wangge's node (e.g. `--cpu-prof`).
 */
export async function startBenchServers(root: string, host: string, dataDir: string, databaseUrl?: string): Promise<BenchServers> {
  const [barePort, serverPort] = [await freePort(host), await freePort(host)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(serverPort),
    HOST: host,
    LOG_LEVEL: 'warn',
    WANGGE_DEMO: '0',
    LOGIN_RATE_PER_IP: '1000',
  };
  delete env.DATABASE_URL;
  delete env.PUBLIC_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const nodeOptions = (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const children = [
    startChild(
      'bare Fastify server',
      ['--import', 'tsx', 'bench/bareServer.ts'],
      { ...process.env, PORT: String(barePort), HOST: host },
      root,
    ),
    startChild('wangge server', [...nodeOptions, 'bin/wangge.js', 'serve'], env, root),
  ];
  const servers: BenchServers = {
    bareBase: `http://${host}:${barePort}`,
    base: `http://${host}:${serverPort}`,
    children,
    stop: () => Promise.all(children.map((child) => child.stop())).then(() => undefined),
  };
  try {
    await Promise.all([
      waitFor200(children[0], `${servers.bareBase}/bare`, 300_000),
      waitFor200(children[1], `${servers.base}/api/health`, 300_000),
    ]);
  } catch (error) {
    await servers.stop();
    throw error;
  }
  return servers;
}
