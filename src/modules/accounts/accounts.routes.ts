import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from './accounts.authenticate.ts';
import { LoginThrottle } from './accounts.loginThrottle.ts';
import { presentApiKey, presentUser } from './accounts.present.ts';
import { listVisibleApiKeys, listVisibleUsers } from './accounts.queries.ts';
import { findUserById } from './accounts.repository.ts';
import {
  apiKeyView,
  changePasswordBody,
  createApiKeyBody,
  createUserBody,
  listUsersQuery,
  loginBody,
  loginView,
  meView,
  resetPasswordBody,
  updateUserBody,
  userIdParams,
  userView,
} from './accounts.schemas.ts';
import { csrfTokenFor } from './accounts.secrets.ts';
import { getVisibleUser } from './accounts.subjects.ts';
import { createApiKey, revokeApiKey } from './commands/apiKeys.ts';
import { createUser } from './commands/createUser.ts';
import { login } from './commands/login.ts';
import { logout } from './commands/logout.ts';
import { changeOwnPassword, resetPassword } from './commands/setPassword.ts';
import { updateUser } from './commands/updateUser.ts';

const authTags = ['auth'];
const userTags = ['users'];
const keyTags = ['api keys'];

export function accountsRoutes(app: ApiApp, platform: Platform): void {
  const { db } = platform.database;
  const throttle = new LoginThrottle(platform.config.loginRatePerIp);
  const secureCookies = platform.config.publicUrl?.startsWith('https://') ?? false;

  const setSessionCookies = (reply: FastifyReply, token: string, csrfToken: string, expiresAt: string) => {
    const common = { path: '/', sameSite: 'strict' as const, secure: secureCookies, expires: new Date(expiresAt) };
    reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
  };

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: authTags,
        summary: 'Sign in: sets the session cookie and returns a Bearer token',
        body: loginBody,
        response: { 200: loginView },
      },
    },
    async (request, reply) => {
      const result = await login(platform, throttle, { ...request.body, ip: request.ip, requestId: request.id });
      setSessionCookies(reply, result.token, result.csrfToken, result.expiresAt);
      const { user } = result;
      return {
        token: result.token,
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt,
        user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role },
      };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { scopeProbe: { kind: 'self' } }, schema: { tags: authTags, response: { 204: z.null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE] ?? request.headers.authorization?.replace(/^Bearer /, '');
      if (token && request.actor!.type === 'user') await logout(platform, { actor: request.actor!, requestId: request.id }, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { scopeProbe: { kind: 'self' } },
      schema: { tags: authTags, summary: 'Who I am, my role and scope', response: { 200: meView } },
    },
    async (request) => {
      const actor = request.actor!;
      const user = actor.type === 'user' ? await findUserById(db, actor.id) : undefined;
      const cookie = request.cookies[SESSION_COOKIE];
      return {
        user: {
          id: actor.id,
          username: user?.username ?? actor.label,
          displayName: user?.display_name ?? actor.label,
          role: actor.role,
        },
        scope: actor.scope,
        ...(cookie && !request.headers.authorization ? { csrfToken: csrfTokenFor(platform.secrets.sessionSecret, cookie) } : {}),
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { scopeProbe: { kind: 'self' } },
      schema: {
        tags: authTags,
        summary: 'Change my own password (signs out everywhere)',
        body: changePasswordBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await changeOwnPassword(
        platform,
        { actor: request.actor!, requestId: request.id },
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/users',
    {
      config: { scopeProbe: { kind: 'filtered' } },
      schema: {
        tags: userTags,
        querystring: listUsersQuery,
        response: { 200: z.object({ items: z.array(userView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const page = await listVisibleUsers(db, request.actor!, request.query);
      const now = platform.clock.now();
      return { items: page.users.map((u) => presentUser(u, page.microgrids.get(u.id) ?? [], now)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/users/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/users/{foreignUser}', expect: 404 } },
      schema: { tags: userTags, params: userIdParams, response: { 200: userView } },
    },
    async (request) => {
      const { user, subject } = await getVisibleUser(db, request.actor!, request.params.id);
      return presentUser(user, subject.microgrids, platform.clock.now());
    },
  );

  app.post(
    '/api/users',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/users',
          body: {
            username: 'intruder',
            displayName: '越权',
            password: 'long-enough-1',
            role: 'community_admin',
            scopeCode: '{foreignUnit}',
          },
          expect: 403,
        },
      },
      schema: { tags: userTags, body: createUserBody, response: { 201: userView } },
    },
    async (request, reply) => {
      const user = await createUser(platform, { actor: request.actor!, requestId: request.id }, request.body);
      return reply
        .code(201)
        .send(presentUser(user, request.body.role === 'microgrid_worker' ? request.body.microgrids : [], platform.clock.now()));
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/users/{foreignUser}', body: { version: 1, disabled: true }, expect: 404 } },
      schema: { tags: userTags, params: userIdParams, body: updateUserBody, response: { 200: userView } },
    },
    async (request) => {
      const user = await updateUser(platform, { actor: request.actor!, requestId: request.id }, request.params.id, request.body);
      const { subject } = await getVisibleUser(db, request.actor!, user.id);
      return presentUser(user, subject.microgrids, platform.clock.now());
    },
  );

  app.post(
    '/api/users/:id/password',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/users/{foreignUser}/password', body: { password: 'long-enough-1' }, expect: 404 },
      },
      schema: {
        tags: userTags,
        summary: "Set someone's password (ends their sessions)",
        params: userIdParams,
        body: resetPasswordBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await resetPassword(platform, { actor: request.actor!, requestId: request.id }, request.params.id, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/apikeys',
    {
      config: { scopeProbe: { kind: 'filtered' } },
      schema: { tags: keyTags, response: { 200: z.object({ items: z.array(apiKeyView) }) } },
    },
    async (request) => ({ items: (await listVisibleApiKeys(db, request.actor!)).map(presentApiKey) }),
  );

  app.post(
    '/api/apikeys',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/apikeys',
          body: { name: '越权', purpose: 'device', scopeCode: '{foreignUnit}' },
          expect: 403,
        },
      },
      schema: {
        tags: keyTags,
        summary: 'Create a key; the key itself is shown only in this answer',
        body: createApiKeyBody,
        response: { 201: apiKeyView.extend({ key: z.string() }) },
      },
    },
    async (request, reply) => {
      const { key, row } = await createApiKey(platform, { actor: request.actor!, requestId: request.id }, request.body);
      return reply.code(201).send({ ...presentApiKey(row), key });
    },
  );

  app.delete(
    '/api/apikeys/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/apikeys/{foreignApiKey}', expect: 404 } },
      schema: { tags: keyTags, summary: 'Revoke a key', params: userIdParams, response: { 200: apiKeyView } },
    },
    async (request) => presentApiKey(await revokeApiKey(platform, { actor: request.actor!, requestId: request.id }, request.params.id)),
  );
}
