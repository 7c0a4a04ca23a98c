import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize } from '../../platform/authz/policy.ts';
import { byRequest } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ApiApp } from '../../platform/module.ts';
import { checkInByLink, deviceForKey, ingestDeviceMessage, receiveSmsReply, tickSubjects } from './checkins.channels.ts';
import { linkGuard, sendLinkPage, wantsJson } from '../../platform/http/linkPage.ts';
import { LinkThrottle } from '../../platform/http/linkThrottle.ts';
import { checkedInPage, checkinPage, failurePage } from './checkins.page.ts';
import { checkedInToday } from './checkins.board.ts';
import { idempotencyHeaders, publicCheckinView, signalView, tickBody, tickView } from './checkins.schemas.ts';
import { linkNotFound, subjectByLink } from './commands/personalLink.ts';
import type { SignalResult } from './commands/recordSignal.ts';

const tags = ['checkins'];

/*
 * The routes through which signs of life arrive (窗帘之约): the worker's ticks, devices over HTTP, SMS
 * replies, and the person's own link page, public and throttled. The rest are in checkins.routes.ts.
 */

/** Wrong links one address may try per minute before 429. */
const LINK_MISSES_PER_MINUTE = 20;
/** A token as it appears in a link: 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const tokenParams = z.strictObject({ token: z.string().max(200) });

/** A signal's answer: accepted or a repeat, 200; refused, the reason as the error code (and it was counted). */
function answer(result: SignalResult): z.infer<typeof signalView> {
  if (result.status === 'rejected') {
    const status = result.reason === 'malformed' ? 400 : result.reason.startsWith('unknown_') ? 404 : 422;
    throw new AppError(status, `checkin.${result.reason}`, `The signal was refused: ${result.reason.replace(/_/g, ' ')}.`, {
      reason: result.reason,
    });
  }
  return { status: result.status, effect: result.status === 'accepted' ? result.effect : null };
}

export function signalRoutes(app: ApiApp, platform: Platform): void {
  app.post(
    '/api/checkins/ticks',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/ticks', body: { subjectIds: ['{foreignSubject}'] }, expect: 404 } },
      schema: {
        tags,
        summary: 'The worker ticks people off: one, or “all seen” for households or buildings; retry with the same Idempotency-Key',
        headers: idempotencyHeaders,
        body: tickBody,
        response: { 200: tickView },
      },
    },
    async (request, reply) => {
      const result = await tickSubjects(platform, byRequest(request), request.body, { idempotencyKey: request.headers['idempotency-key'] });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return result.body;
    },
  );

  // Devices and the SMS gateway send what they send: the body is read as text here so that a
  // malformed one is refused *and counted* by recordSignal, like every other bad signal.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const parse = (body: unknown) => {
      try {
        return typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
      } catch {
        return null;
      }
    };

    raw.post(
      '/api/checkins/devices/events',
      {
        config: {
          scopeProbe: {
            kind: 'target',
            url: '/api/checkins/devices/events',
            body: { id: 'probe', ts: '2026-03-02T00:00:00Z', type: 'door' },
            expect: 403,
          },
        },
        schema: {
          tags,
          summary:
            'A device’s event with its device API key: JSON {id, ts, type: door|curtain|water|power|panic, value, unit}; refused ones are counted',
          response: { 200: signalView },
        },
      },
      async (request) => {
        authorize(request.actor!, 'checkin.device_event');
        const device = await deviceForKey(platform.database.db, request.actor!.id);
        // A key with no device (or a retired one) is an unknown device, refused and counted like any.
        return answer(
          await ingestDeviceMessage(platform, {
            deviceId: device?.id ?? `apikey-${request.actor!.id}`,
            payload: request.body,
            channel: 'http',
          }),
        );
      },
    );

    raw.post(
      '/api/checkins/sms',
      {
        config: {
          scopeProbe: {
            kind: 'target',
            url: '/api/checkins/sms',
            body: { from: '13903910002', text: '好', receivedAt: '2026-03-02T00:00:00Z' },
            expect: 403,
          },
        },
        schema: {
          tags,
          summary:
            'A reply from the SMS gateway (integration API key): {from, text, receivedAt, id?}; the sender is matched to a person under care',
          response: { 200: signalView },
        },
      },
      async (request) => {
        authorize(request.actor!, 'checkin.sms');
        return answer(await receiveSmsReply(platform, byRequest(request), parse(request.body)));
      },
    );
  });
}

/**
 * The subject's personal link (DESIGN.md: signed links sent to residents are public): the page at
 * /c/<token> and its button, which posts back (form → a page; JSON → JSON). Wrong tokens count
 * against the caller's address.
 */
export function publicRoutes(app: ApiApp, platform: Platform): void {
  const guarded = linkGuard({
    throttle: new LinkThrottle(LINK_MISSES_PER_MINUTE, 'checkin.link_rate_limited'),
    clock: platform.clock,
    token: TOKEN,
    notFound: linkNotFound,
  });
  const asPage = (reply: FastifyReply, render: () => Promise<string>) => sendLinkPage(reply, render, failurePage);
  const checkIn = async (request: FastifyRequest, token: string) =>
    guarded(request, token, async () => {
      const result = await checkInByLink(platform, token);
      if (result.status === 'rejected') throw linkNotFound();
      const subject = await subjectByLink(platform.database.db, token);
      return (
        (await checkedInToday(platform, subject)) ??
        new Intl.DateTimeFormat('en-GB', { timeZone: platform.config.timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
          platform.clock.now(),
        )
      );
    });

  app.get(
    '/c/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The person’s “I’m fine” page (HTML), or with Accept: application/json whether today is reported',
        params: tokenParams,
        response: { 200: publicCheckinView },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const state = () => guarded(request, token, async () => checkedInToday(platform, await subjectByLink(platform.database.db, token)));
      if (wantsJson(request)) {
        const at = await state();
        return reply.header('cache-control', 'no-store').send({ checkedIn: at !== null, at });
      }
      return asPage(reply, async () => checkinPage(token, await state()));
    },
  );

  // The page's form posts here form-encoded; other clients may post JSON (or nothing).
  void app.register(async (form) => {
    form.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));
    form.post(
      '/c/:token',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'The person taps “我很好”: today’s sign of life (a page for the form, JSON otherwise)',
          params: tokenParams,
        },
      },
      async (request, reply) => {
        const { token } = request.params as { token: string };
        if (/application\/x-www-form-urlencoded/.test(request.headers['content-type'] ?? '') || !wantsJson(request)) {
          return asPage(reply, async () => checkedInPage(await checkIn(request, token)));
        }
        const at = await checkIn(request, token);
        return reply.header('cache-control', 'no-store').send({ checkedIn: true, at });
      },
    );
  });
}
