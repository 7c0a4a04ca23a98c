import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { toAppError } from '../../platform/http/errorHandler.ts';
import type { ApiApp } from '../../platform/module.ts';
import { open311Client, submitRequest } from './commands/submitRequest.ts';
import { CONTENT_TYPES, isFormat, Open311Error, refuse, render, type Format, type Problem, type Value } from './open311.format.ts';
import {
  checkJurisdiction,
  discovery,
  serviceDefinition,
  serviceList,
  serviceRequest,
  serviceRequests,
  tokenRequest,
} from './open311.queries.ts';
import { idempotencyKey, jurisdictionQuery, parseForm, requestsQuery, text } from './open311.schemas.ts';

const FORM = 'application/x-www-form-urlencoded';
const tags = ['open311'];
/** Open311 reads are public; its POST carries its own api_key, checked by the handler (DESIGN.md). */
const config = { access: 'public' as const };

/**
 * Open311 GeoReport v2 under /open311/v2 and Service Discovery at /open311/discovery.{xml,json}
 * (docs/open311.md). Everything under /open311 speaks the spec's formats, including its errors and
 * 404s; the format is the path's extension, XML when it has none.
 */
export function open311Routes(app: ApiApp, platform: Platform): void {
  void app.register(
    async (scope) => {
      // Only form-encoded bodies, and only here: /api keeps refusing them with 415. Any other body is
      // read as nothing, so that a missing api_key is still the first thing a client hears about.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => done(null, parseForm(body as string)));
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
      scope.setErrorHandler((error: Error, request, reply) => {
        const { status, problems } = asProblems(error);
        if (status >= 500)
          request.log.error({ err: { message: error.message, code: (error as { code?: string }).code, stack: error.stack } }, 'open311');
        return send(reply, formatOf(request), 'errors', problems as unknown as Value, status);
      });
      scope.setNotFoundHandler((request, reply) =>
        send(
          reply,
          formatOf(request),
          'errors',
          [{ code: 404, description: `No Open311 resource ${request.method} ${request.url.split('?')[0]}` }],
          404,
        ),
      );

      scope.get(
        '/discovery.:format',
        { config, schema: { tags, summary: 'Service Discovery: where the GeoReport v2 endpoint is and what it speaks' } },
        async (request, reply) => {
          const format = formatParam(request);
          const base = platform.config.publicUrl ?? `${request.protocol}://${request.host}`;
          return send(reply, format, 'discovery', await discovery(platform, base));
        },
      );

      scope.get(
        '/v2/services.:format',
        { config, schema: { tags, summary: 'GET Service List: the public categories (小类) open for reports' } },
        async (request, reply) => {
          const format = formatParam(request);
          await jurisdiction(platform, request);
          return send(reply, format, 'services', await serviceList(platform));
        },
      );

      scope.get(
        '/v2/services/:code.:format',
        { config, schema: { tags, summary: 'GET Service Definition (no custom attributes: an empty list)' } },
        async (request, reply) => {
          const format = formatParam(request);
          await jurisdiction(platform, request);
          return send(reply, format, 'service_definition', await serviceDefinition(platform, (request.params as { code: string }).code));
        },
      );

      scope.post(
        '/v2/requests.:format',
        {
          config,
          schema: { tags, summary: 'POST Service Request: form-encoded, with an Open311 api_key; creates a case', consumes: [FORM] },
        },
        async (request, reply) => {
          const format = formatParam(request);
          const form = (request.body ?? {}) as Record<string, unknown>;
          const client = await open311Client(platform, text(form.api_key) ?? text((request.query as Record<string, unknown>).api_key));
          if (!request.headers['content-type']?.toLowerCase().startsWith(FORM)) {
            throw refuse(400, `Send the request as ${FORM}`);
          }
          const key = request.headers['idempotency-key'];
          if (key !== undefined && !idempotencyKey.safeParse(key).success)
            throw refuse(400, 'Idempotency-Key: 1-200 printable ASCII characters');
          const answer = await submitRequest(platform, client, form, { requestId: request.id, idempotencyKey: key as string | undefined });
          return send(reply, format, 'service_requests', answer);
        },
      );

      scope.get(
        '/v2/requests.:format',
        { config, schema: { tags, summary: 'GET Service Requests: public cases, filtered; 90 days and 1000 requests at most' } },
        async (request, reply) => {
          const format = formatParam(request);
          const query = requestsQuery.safeParse(request.query);
          if (!query.success) throw refuse(400, ...query.error.issues.map((issue) => issue.message));
          await checkJurisdiction(platform, query.data.jurisdiction_id);
          return send(reply, format, 'service_requests', await serviceRequests(platform, query.data));
        },
      );

      scope.get(
        '/v2/requests/:id.:format',
        { config, schema: { tags, summary: 'GET Service Request: one public case' } },
        async (request, reply) => {
          const format = formatParam(request);
          await jurisdiction(platform, request);
          return send(reply, format, 'service_requests', await serviceRequest(platform, (request.params as { id: string }).id));
        },
      );

      scope.get(
        '/v2/tokens/:token.:format',
        { config, schema: { tags, summary: 'GET service_request_id from a token (a request id is its own token)' } },
        async (request, reply) => {
          const format = formatParam(request);
          await jurisdiction(platform, request);
          return send(reply, format, 'service_requests', await tokenRequest(platform, (request.params as { token: string }).token));
        },
      );
    },
    { prefix: '/open311' },
  );
}

function send(reply: FastifyReply, format: Format, root: string, value: Value, status = 200) {
  return reply
    .code(status)
    .type(CONTENT_TYPES[format])
    .send(render(format, root, value));
}

/** The format asked for by the extension; any other extension is a resource that does not exist. */
function formatParam(request: FastifyRequest): Format {
  const format = (request.params as { format?: string }).format;
  if (!isFormat(format)) throw refuse(404, `Unknown format .${format ?? ''}: use .xml or .json`);
  return format;
}

/** The format an error answers in: the extension's when it names one, XML (the spec's required format) otherwise. */
function formatOf(request: FastifyRequest): Format {
  const format = (request.params as { format?: string } | undefined)?.format;
  if (isFormat(format)) return format;
  return /\.json$/i.test(request.url.split('?')[0]) ? 'json' : 'xml';
}

async function jurisdiction(platform: Platform, request: FastifyRequest): Promise<void> {
  const query = jurisdictionQuery.safeParse(request.query);
  await checkJurisdiction(platform, query.success ? query.data.jurisdiction_id : undefined);
}

/**
 * Any failure as the spec's error list: 404 for what does not exist, 403 for a missing or wrong key,
 * 400 for any other fault of the request; 5xx (database down, a bug) keep their status, without detail.
 */
function asProblems(error: Error): { status: number; problems: Problem[] } {
  if (error instanceof Open311Error) return { status: error.status, problems: error.problems };
  const appError = toAppError(error);
  if (appError.status >= 500) return { status: appError.status, problems: [{ code: appError.status, description: appError.message }] };
  const status = appError.status === 403 || appError.status === 404 ? appError.status : 400;
  return { status, problems: [{ code: status, description: appError.message }] };
}
