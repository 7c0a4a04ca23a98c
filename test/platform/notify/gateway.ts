import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a WeCom / DingTalk robot or an SMS gateway: it records every request it gets
 * and answers from a script (then the default: HTTP 200 `{"errcode":0,"errmsg":"ok"}`). It can also
 * stop listening, so connections are refused, and listen again on the same port.
 */
export interface Received {
  method: string;
  path: string;
  /** The query string exactly as sent, without the `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export interface Gateway {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; then `fallback`. */
  script(...answers: Answer[]): void;
  fallback: Answer;
  refuse(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export const OK: Answer = { status: 200, body: { errcode: 0, errmsg: 'ok' } };

export async function startGateway(): Promise<Gateway> {
  const received: Received[] = [];
  const queue: Answer[] = [];
  let server: Server;
  let port = 0;
  const gateway: Gateway = {
    url: '',
    received,
    script: (...answers) => queue.push(...answers),
    fallback: OK,
    refuse: () => close(server),
    resume: async () => {
      server = await listen(port);
    },
    stop: () => close(server),
  };

  function listen(on: number): Promise<Server> {
    const http = createServer((request, response) => {
      let raw = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (raw += chunk));
      request.on('end', () => {
        const [path, rawQuery = ''] = (request.url ?? '').split('?');
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          // kept as text
        }
        received.push({
          method: request.method ?? '',
          path,
          rawQuery,
          query: new URLSearchParams(rawQuery),
          headers: request.headers,
          body,
        });
        const answer = queue.shift() ?? gateway.fallback;
        if (answer.hang) return;
        setTimeout(() => {
          // No keep-alive: a test that stops the gateway then sees a refused connection, not a stale socket.
          response.writeHead(answer.status, { 'content-type': 'application/json', connection: 'close' });
          response.end(JSON.stringify(answer.body ?? {}));
        }, answer.delayMs ?? 0);
      });
    });
    return new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(on, '127.0.0.1', () => resolve(http));
    });
  }

  server = await listen(0);
  port = (server.address() as AddressInfo).port;
  gateway.url = `http://127.0.0.1:${port}`;
  return gateway;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A clock the test moves by hand. */
export function fakeClock(start = '2026-03-02T01:00:00.000Z') {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
    at: (offsetSeconds: number) => new Date(new Date(start).getTime() + offsetSeconds * 1000).toISOString(),
  };
}
