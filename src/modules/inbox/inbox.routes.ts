import { z } from 'zod';
import { byRequest } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { createChannel } from './commands/createChannel.ts';
import { deleteChannel } from './commands/deleteChannel.ts';
import { markRead } from './commands/markRead.ts';
import { retryDeadLetter } from './commands/retryDeadLetter.ts';
import { updateChannel } from './commands/updateChannel.ts';
import { channelsOfUnit, deadLettersOf, myInbox, presentChannel, presentMessage } from './inbox.queries.ts';
import {
  channelChangesBody,
  channelsQuery,
  channelView,
  deadLettersQuery,
  deadLetterView,
  idParams,
  inboxMessageView,
  inboxPage,
  inboxQuery,
  newChannelBody,
  outboxStateView,
} from './inbox.schemas.ts';

/**
 * The world of the route-table test has no channels and no dead letters: the probes of routes taking
 * their ids ask for one that does not exist. test/modules/inbox/ asks for another unit's real ones.
 */
const NO_SUCH_ID = '01HZZZZZZZZZZZZZZZZZZZZZZZ';

export function inboxRoutes(app: ApiApp, platform: Platform): void {
  app.get(
    '/api/inbox',
    {
      config: { scopeProbe: { kind: 'self' } },
      schema: {
        tags: ['inbox'],
        summary: 'My messages (to my account and to my unit), newest first, with the unread count',
        querystring: inboxQuery,
        response: { 200: inboxPage },
      },
    },
    async (request) => myInbox(platform, request.actor!, request.query),
  );

  app.post(
    '/api/inbox/:id/read',
    {
      config: { scopeProbe: { kind: 'self' } },
      schema: {
        tags: ['inbox'],
        summary: 'Mark one of my messages read (a message to my unit: for the whole unit)',
        params: idParams,
        response: { 200: inboxMessageView },
      },
    },
    async (request) => presentMessage(await markRead(platform, byRequest(request), request.params.id)),
  );

  notifyAdminRoutes(app, platform);
}

/** Where a unit's notifications go, and what could not be delivered (admins, inside their scope). */
function notifyAdminRoutes(app: ApiApp, platform: Platform): void {
  const tags = ['notify'];

  app.get(
    '/api/notify/channels',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/notify/channels?unit={foreignUnit}', expect: 403 } },
      schema: {
        tags,
        summary: "A unit's external channels (WeCom, DingTalk, SMS), keys and numbers masked",
        querystring: channelsQuery,
        response: { 200: z.object({ items: z.array(channelView) }) },
      },
    },
    async (request) => ({ items: await channelsOfUnit(platform, request.actor!, request.query.unit) }),
  );

  app.post(
    '/api/notify/channels',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/notify/channels',
          body: { unitCode: '{foreignUnit}', kind: 'wecom', name: '越权', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' },
          expect: 403,
        },
      },
      schema: {
        tags,
        summary: 'Add a channel to a unit (audited, without its secret)',
        body: newChannelBody,
        response: { 201: channelView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(presentChannel(platform, await createChannel(platform, byRequest(request), request.body))),
  );

  app.patch(
    '/api/notify/channels/:id',
    {
      config: {
        scopeProbe: { kind: 'target', url: `/api/notify/channels/${NO_SUCH_ID}`, body: { version: 1, enabled: false }, expect: 404 },
      },
      schema: {
        tags,
        summary: 'Change a channel; send its version (409 when stale)',
        params: idParams,
        body: channelChangesBody,
        response: { 200: channelView },
      },
    },
    async (request) => presentChannel(platform, await updateChannel(platform, byRequest(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/notify/channels/:id',
    {
      config: { scopeProbe: { kind: 'target', url: `/api/notify/channels/${NO_SUCH_ID}`, expect: 404 } },
      schema: { tags, summary: 'Remove a channel', params: idParams },
    },
    async (request, reply) => {
      await deleteChannel(platform, byRequest(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/notify/dead-letters',
    {
      config: { scopeProbe: { kind: 'filtered' } },
      schema: {
        tags,
        summary: 'Messages that could not be delivered, newest first',
        querystring: deadLettersQuery,
        response: { 200: z.object({ items: z.array(deadLetterView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => deadLettersOf(platform, request.actor!, request.query),
  );

  app.post(
    '/api/notify/dead-letters/:id/retry',
    {
      config: { scopeProbe: { kind: 'target', url: `/api/notify/dead-letters/${NO_SUCH_ID}/retry`, expect: 404 } },
      schema: { tags, summary: 'Send a dead letter again (audited)', params: idParams, response: { 200: outboxStateView } },
    },
    async (request) => {
      const row = await retryDeadLetter(platform, byRequest(request), request.params.id);
      return { id: row.id, state: row.state, nextAttemptAt: row.next_attempt_at };
    },
  );
}
