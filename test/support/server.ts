import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { DbKind, Tables } from '../../src/platform/db/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.ts';
import { scratch, type Scratch } from './databases.ts';
import { PASSWORD } from './factories.ts';

export interface TestServer extends RunningServer {
  scratch: Scratch;
  /** Stops the server and throws its scratch data away. */
  dispose(): Promise<void>;
}

/**
 * A real server on a fresh database of the given kind, no demo (tests build their own world),
 * no periodic jobs, generous per-IP login limit unless a test sets its own.
 */
export async function startTestServer(kind: DbKind, env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const space = await scratch(kind);
  const config = loadConfig({ ...space.env, WANGGE_DEMO: '0', LOGIN_RATE_PER_IP: '10000', ...env });
  const server = await startServer(config, { jobs: false, webDir: '/nonexistent', ...options });
  let disposed = false;
  return {
    ...server,
    scratch: space,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await server.close();
      await space.dispose();
    },
  };
}

export async function signIn(server: RunningServer, username: string, password = PASSWORD): Promise<string> {
  const response = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${response.statusCode} ${response.body}`);
  return response.json().token;
}

/** Requests as a signed-in caller (Bearer), through the whole Fastify pipeline. */
export function as(server: RunningServer, token: string | null) {
  return (method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    server.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
}

/** Counts rows of a table, to prove a refused request changed nothing. */
export async function countRows(server: RunningServer, table: keyof Tables): Promise<number> {
  const row = await server.platform.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
