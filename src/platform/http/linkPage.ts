import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { AppError } from './errors.ts';
import type { LinkThrottle } from './linkThrottle.ts';
/**
 * The small server-rendered pages behind single-purpose links sent to residents (confirm an errand,
 * "I'm fine"): no script (the Content-Security-Policy allows none inline, and an old phone needs
 * none), Chinese, not indexed. Each module brings its own style and body.
 */
export function linkPage(title: string, body: string, style: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body><main><div class="card">${body}</div></main></body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Runs `use` for a well-formed token; a malformed or unknown one (`notFoundCode`) counts as a miss
 * against the caller's address, and an address with too many misses is refused first.
 */
export function linkGuard(options: { throttle: LinkThrottle; clock: Clock; token: RegExp; notFound: () => AppError }) {
  return async <T>(request: FastifyRequest, token: string, use: () => Promise<T>): Promise<T> => {
    const now = options.clock.now().getTime();
    options.throttle.check(request.ip, now);
    try {
      if (!options.token.test(token)) throw options.notFound();
      return await use();
    } catch (error) {
      if (error instanceof AppError && error.code === options.notFound().code) options.throttle.miss(request.ip, now);
      throw error;
    }
  };
}

/** Answers with a link's page, or with the module's failure page for a refusal (its status kept). */
export async function sendLinkPage(reply: FastifyReply, render: () => Promise<string>, failurePage: (code: string) => string) {
  reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').type('text/html; charset=utf-8');
  try {
    return reply.code(200).send(await render());
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.headers) reply.headers(error.headers);
    return reply.code(error.status).send(failurePage(error.code));
  }
}

/** A client asking for JSON rather than the page (an app, not a browser). */
export function wantsJson(request: FastifyRequest): boolean {
  return /application\/json/.test(request.headers.accept ?? '') && !/text\/html/.test(request.headers.accept ?? '');
}
