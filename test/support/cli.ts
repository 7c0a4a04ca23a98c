import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `wangge` command as an operator runs it: `node bin/wangge.js ...` in its own process. */
export const WANGGE_BIN = fileURLToPath(new URL('../../bin/wangge.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Configuration variables a child must not inherit from the test runner's own environment. */
const CONFIG_VARS =
  /^(PORT|HOST|PUBLIC_URL|DATA_DIR|DATABASE_URL|TZ_BUSINESS|LOG_LEVEL|SESSION_SECRET|AUDIT_KEY|AUDIT_SEAL_INTERVAL_SECONDS|WANGGE_.*|DEMO_PASSWORD|SESSION_TTL_HOURS|LOGIN_.*|BODY_LIMIT_BYTES|TRUST_PROXY|ORG_CODE_WIDTHS)$/;

/** The runner's environment (PATH, HOME...) without any Wangge setting, plus exactly `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CONFIG_VARS.test(key)));
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/** Runs one `wangge` command to its end; `input` is piped to its stdin (closed right away otherwise). */
export function runCli(args: string[], env: Record<string, string>, options: { input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WANGGE_BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Writes a password file (first line is the password), as an operator would for scripted setup. */
export function passwordFile(dir: string, password: string, name = `password-${Math.random().toString(36).slice(2)}.txt`): string {
  const file = join(dir, name);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A `wangge serve` process. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has ended (immediately if it already has). */
  exited: Promise<number | null>;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `wangge serve` on a free port of 127.0.0.1; does not wait for it to answer. */
export async function spawnServe(env: Record<string, string>): Promise<ServeProcess> {
  const port = await freePort();
  return spawnServeOn(port, env);
}

export function spawnServeOn(port: number, env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, [WANGGE_BIN, 'serve'], {
    cwd: ROOT,
    env: childEnv({ ...env, HOST: '127.0.0.1', PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => ({ stdout, stderr }),
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface HealthAnswer {
  status: number;
  body: { status: string; db: string; version?: string };
}

/**
 * Asks GET /api/health until `accept` likes the answer. A refused connection (not listening yet)
 * or an answer `accept` rejects means "ask again"; a process that exits first fails at once.
 */
export async function pollHealth(
  server: Pick<ServeProcess, 'url' | 'child' | 'output'>,
  accept: (answer: HealthAnswer) => boolean,
  attempts = 300,
): Promise<HealthAnswer> {
  let last: HealthAnswer | string = 'no answer';
  for (let i = 0; i < attempts; i += 1) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.url} exited (${server.child.exitCode ?? server.child.signalCode}) before it was healthy:\n${server.output().stderr}`,
      );
    }
    try {
      const response = await fetch(`${server.url}/api/health`);
      const answer: HealthAnswer = { status: response.status, body: (await response.json()) as HealthAnswer['body'] };
      if (accept(answer)) return answer;
      last = answer;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server.url}/api/health never gave the expected answer; last: ${JSON.stringify(last)}\n${server.output().stderr}`);
}
