import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { byRequest } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { confirmByLink, errandByLink, linkNotFound } from './commands/confirmByLink.ts';
import { logErrand } from './commands/logErrand.ts';
import { cancelErrand, confirmErrand, markErrandDone, reissueErrandLink, type IssuedLink } from './commands/workErrand.ts';
import { KIND_NAMES } from './errands.kinds.ts';
import { linkGuard, sendLinkPage, wantsJson } from '../../platform/http/linkPage.ts';
import { LinkThrottle } from '../../platform/http/linkThrottle.ts';
import { confirmedPage, confirmPage, failurePage } from './errands.page.ts';
import { errandDetail, errandsFor, monthlyCounts, presentErrand } from './errands.queries.ts';
import type { ErrandRow } from './errands.repository.ts';
import {
  cancelBody,
  confirmBody,
  countsQuery,
  countsView,
  doneBody,
  errandListView,
  errandParams,
  errandsQuery,
  errandView,
  idempotencyHeaders,
  linkAnswer,
  newErrandBody,
  publicErrandView,
} from './errands.schemas.ts';

const tags = ['errands'];
/** Wrong links one address may try per minute before 429. */
const LINK_MISSES_PER_MINUTE = 20;
/** A token as it appears in a link: 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const tokenParams = z.strictObject({ token: z.string().max(200) });

export function errandsRoutes(app: ApiApp, platform: Platform): void {
  app.post(
    '/api/errands',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/errands',
          body: { householdId: '{foreignHousehold}', kind: 'medicine', what: '越权登记的帮办', promisedBy: '2099-01-01T00:00:00.000Z' },
          expect: 403,
        },
      },
      schema: {
        tags,
        summary: 'A worker logs an errand for a household of their micro-grids; retry with the same Idempotency-Key to get the same errand',
        headers: idempotencyHeaders,
        body: newErrandBody,
        response: { 201: errandView },
      },
    },
    async (request, reply) => {
      const { errand, replayed } = await logErrand(platform, byRequest(request), request.body, {
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(await presentErrand(platform, platform.database.db, errand));
    },
  );

  app.get(
    '/api/errands',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/errands?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'My errands (a worker), or those of my area (offices), newest first, with filters',
        querystring: errandsQuery,
        response: { 200: errandListView },
      },
    },
    async (request) => errandsFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/errands/counts',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/errands/counts?unit={foreignUnit}&month=2026-03', expect: 404 } },
      schema: {
        tags,
        summary: 'A unit’s errands of a month: logged, done, done on time, confirmed, cancelled; per unit below and per worker',
        querystring: countsQuery,
        response: { 200: countsView },
      },
    },
    async (request) => monthlyCounts(platform, request.actor!, request.query),
  );

  app.get(
    '/api/errands/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/errands/{foreignErrand}', expect: 404 } },
      schema: { tags, summary: 'One errand', params: errandParams, response: { 200: errandView } },
    },
    async (request) => errandDetail(platform, request.actor!, request.params.id),
  );

  const linkRoute = (path: 'done' | 'link', summary: string, command: typeof markErrandDone) =>
    app.post(
      `/api/errands/:id/${path}`,
      {
        config: { scopeProbe: { kind: 'target', url: `/api/errands/{foreignErrand}/${path}`, body: { version: 1 }, expect: 404 } },
        schema: { tags, summary, params: errandParams, body: doneBody, response: { 200: linkAnswer } },
      },
      async (request) => {
        const issued = await command(platform, byRequest(request), request.params.id, request.body, linkBase(platform, request));
        return presentLink(platform, issued);
      },
    );
  linkRoute('done', 'Mark done; answers the resident’s one-time confirmation link (shown once), optionally texted to them', markErrandDone);
  linkRoute('link', 'A fresh confirmation link for a done errand; the previous one stops working', reissueErrandLink);

  app.post(
    '/api/errands/:id/confirm',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/errands/{foreignErrand}/confirm', body: { version: 1 }, expect: 404 } },
      schema: {
        tags,
        summary: 'The worker records the resident’s confirmation',
        params: errandParams,
        body: confirmBody,
        response: { 200: errandView },
      },
    },
    async (request) =>
      presentErrand(platform, platform.database.db, await confirmErrand(platform, byRequest(request), request.params.id, request.body)),
  );

  app.post(
    '/api/errands/:id/cancel',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/errands/{foreignErrand}/cancel', body: { version: 1, reason: '越权取消' }, expect: 404 },
      },
      schema: {
        tags,
        summary: 'Call off an errand not done yet, with a reason',
        params: errandParams,
        body: cancelBody,
        response: { 200: errandView },
      },
    },
    async (request) =>
      presentErrand(platform, platform.database.db, await cancelErrand(platform, byRequest(request), request.params.id, request.body)),
  );

  publicRoutes(app, platform);
}

/**
 * The resident's link (DESIGN.md: "single-purpose signed links sent to residents" are public): the
 * page at /e/<token> and its form, and the same confirmation as JSON for other clients. Unknown
 * tokens count against the caller's address.
 */
function publicRoutes(app: ApiApp, platform: Platform): void {
  const guarded = linkGuard({
    throttle: new LinkThrottle(LINK_MISSES_PER_MINUTE, 'errand.link_rate_limited'),
    clock: platform.clock,
    token: TOKEN,
    notFound: linkNotFound,
  });
  const asPage = (reply: FastifyReply, render: () => Promise<string>) => sendLinkPage(reply, render, failurePage);

  app.get(
    '/e/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The resident’s confirmation page (HTML), or with Accept: application/json what the link confirms',
        params: tokenParams,
        response: { 200: publicErrandView },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const view = () => guarded(request, token, () => errandByLink(platform, platform.database.db, token));
      if (wantsJson(request)) return reply.header('cache-control', 'no-store').send(publicView(await view()));
      return asPage(reply, async () => confirmPage(await view(), token, platform.config.timeZone));
    },
  );

  app.post(
    '/api/errands/confirm/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The resident confirms by their link (once; 410 when used or expired)',
        params: tokenParams,
        response: { 200: publicErrandView },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const errand = await guarded(request, token, () => confirmByLink(platform, token, request.id));
      return reply.header('cache-control', 'no-store').send(publicView(errand));
    },
  );

  // The page's form posts here, form-encoded: a parser for this one route, not for the JSON API.
  void app.register(async (form) => {
    form.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));
    form.post(
      '/e/:token',
      { config: { access: 'public' }, schema: { tags, summary: 'The confirmation page’s form (HTML answer)', params: tokenParams } },
      async (request, reply) => {
        const { token } = request.params as { token: string };
        return asPage(reply, async () => confirmedPage(await guarded(request, token, () => confirmByLink(platform, token, request.id))));
      },
    );
  });
}

function publicView(errand: ErrandRow): z.infer<typeof publicErrandView> {
  return {
    kind: errand.kind,
    kindName: KIND_NAMES[errand.kind],
    what: errand.what,
    doneAt: errand.done_at,
    state: errand.state,
    confirmedAt: errand.confirmed_at,
  };
}

/** Where residents reach the platform: PUBLIC_URL, else the origin the worker's phone used. */
function linkBase(platform: Platform, request: FastifyRequest): string {
  return platform.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

async function presentLink(platform: Platform, issued: IssuedLink): Promise<z.infer<typeof linkAnswer>> {
  return {
    errand: await presentErrand(platform, platform.database.db, issued.errand),
    link: { path: issued.path, url: issued.url, expiresAt: issued.expiresAt },
    smsQueued: issued.smsQueued,
  };
}
