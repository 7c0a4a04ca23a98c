import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { registerPolicies } from '../authz/policy.ts';
import type { Platform } from '../context.ts';
import type { ApiApp, Authentication, ModuleManifest } from '../module.ts';
import { installErrorHandler } from './errorHandler.ts';
import { AppError, errorBody, unauthenticated } from './errors.ts';
import { registerHealth, type Readiness } from './health.ts';
import { addSecurityHeaders } from './security.ts';
import type { RouteEntry, ScopeProbe } from './scopeProbe.ts';
import { VERSION } from '../version.ts';
import './fastify.d.ts';

export interface AppOptions {
  platform: Platform;
  modules: ModuleManifest[];
  readiness: Readiness;
  /** Built web app (console at /, worker H5 at /m); absent in API-only tests. */
  webDir?: string;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp(options: AppOptions): Promise<ApiApp> {
  const { platform, modules } = options;
  const fastify = Fastify({
    loggerInstance: platform.log as FastifyBaseLogger,
    bodyLimit: platform.config.bodyLimitBytes,
    trustProxy: platform.config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
  });
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  // Kept as the route objects themselves: hooks of inner plugins (docs, static files) may still
  // mark their routes public after this hook has seen them.
  const routes: { method: string | string[]; url: string; config?: unknown }[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.decorate('routeTable', {
    getter: (): RouteEntry[] =>
      routes.flatMap((route) => {
        const config = (route.config ?? {}) as { access?: 'public' | 'signed-in'; scopeProbe?: ScopeProbe };
        return [route.method]
          .flat()
          .filter((method) => method !== 'HEAD')
          .map((method) => ({ method, url: route.url, access: config.access ?? 'signed-in', scopeProbe: config.scopeProbe }));
      }),
  });
  installErrorHandler(app);
  addSecurityHeaders(app, platform.config.publicUrl?.startsWith('https://') ?? false);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Once shutdown has begun, answers close their connection: a kept-alive client would otherwise
  // hold app.close() open until its idle timeout (72 s), past a supervisor's kill deadline.
  app.addHook('onSend', async (_request, reply) => {
    if (!fastify.server.listening) reply.header('connection', 'close');
  });
  await app.register(fastifyCookie);
  await registerDocs(app);

  const authenticator = modules.find((m) => m.authenticate)?.authenticate;
  app.addHook('onRequest', async (request) => {
    // Public routes (health, sign-in, docs, the web app's files) never look at credentials.
    if (request.is404 || (request.routeOptions.config.access ?? 'signed-in') === 'public') return;
    const authentication = authenticator ? await authenticator(platform, request) : null;
    if (!authentication) throw unauthenticated();
    request.actor = authentication.actor;
    checkCsrf(request, authentication);
  });

  for (const module of modules) if (module.policies) registerPolicies(module.policies);
  registerHealth(app, platform, options.readiness);
  for (const module of modules) module.routes?.(app, platform);
  await registerWeb(app, options.webDir);
  return app;
}

/** Cookie sessions must echo their CSRF token on unsafe requests; Bearer and API keys are exempt. */
function checkCsrf(request: FastifyRequest, authentication: Authentication): void {
  if (authentication.via !== 'cookie' || !UNSAFE_METHODS.has(request.method)) return;
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || sent !== authentication.expectedCsrfToken) {
    throw new AppError(403, 'auth.csrf', 'Missing or wrong X-CSRF-Token header for a cookie session.');
  }
}

/** OpenAPI from the same zod schemas, UI at /api/docs; public like the API description it is. */
async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Wangge 网格 API', version: VERSION },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'wg_session' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), access: 'public' };
    });
    // Our own security headers (security.ts) cover the docs too.
    await docs.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  });
}

/**
 * The built web app: the console at `/`, the worker H5 pages at `/m`. Unknown paths outside /api get
 * the right index.html so client-side routes survive a reload; unknown /api paths get a JSON 404.
 */
async function registerWeb(app: FastifyInstance, webDir: string | undefined): Promise<void> {
  const hasWeb = webDir !== undefined && existsSync(join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(async (web) => {
      web.addHook('onRoute', (route) => {
        route.config = { ...(route.config as object), access: 'public' };
      });
      await web.register(fastifyStatic, { root: webDir, wildcard: false, index: false, cacheControl: false });
    });
  }
  const consoleIndex = hasWeb ? readFileSync(join(webDir, 'index.html')) : null;
  const mobileIndex = hasWeb && existsSync(join(webDir, 'm', 'index.html')) ? readFileSync(join(webDir, 'm', 'index.html')) : null;
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const wantsPage = request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/open311/');
    if (wantsPage && consoleIndex) {
      const page = (path === '/m' || path.startsWith('/m/')) && mobileIndex ? mobileIndex : consoleIndex;
      return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    }
    return reply.code(404).send(errorBody(new AppError(404, 'route.not_found', `No route ${request.method} ${path}.`)));
  });
}
