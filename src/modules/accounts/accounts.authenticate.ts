import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/authz/actor.ts';
import type { Platform } from '../../platform/context.ts';
import type { Authentication } from '../../platform/module.ts';
import { findActiveApiKey, findSessionUser, scopeOfUser, touchApiKey } from './accounts.repository.ts';
import { API_KEY_PREFIX, csrfTokenFor, sha256 } from './accounts.secrets.ts';

export const SESSION_COOKIE = 'wg_session';
export const CSRF_COOKIE = 'wg_csrf';

/**
 * Turns the credentials on a request into an actor: an API key (`X-Api-Key`, or a Bearer token
 * starting `wgk_`), a Bearer session token, or the session cookie. Wrong or expired credentials
 * are simply no actor; the platform then answers 401 where an account is needed.
 */
export async function authenticate(platform: Platform, request: FastifyRequest): Promise<Authentication | null> {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string') return byApiKey(platform, apiKey);
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    const token = authorization.slice('Bearer '.length).trim();
    return token.startsWith(API_KEY_PREFIX) ? byApiKey(platform, token) : bySession(platform, token, 'bearer');
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? bySession(platform, cookie, 'cookie') : null;
}

async function bySession(platform: Platform, token: string, via: 'cookie' | 'bearer'): Promise<Authentication | null> {
  const { db } = platform.database;
  const user = await findSessionUser(db, sha256(token), platform.clock.now().toISOString());
  if (!user || user.disabled) return null;
  const actor: Actor = { type: 'user', id: user.id, label: user.username, role: user.role, scope: await scopeOfUser(db, user) };
  return { actor, via, expectedCsrfToken: via === 'cookie' ? csrfTokenFor(platform.secrets.sessionSecret, token) : undefined };
}

async function byApiKey(platform: Platform, key: string): Promise<Authentication | null> {
  const row = await findActiveApiKey(platform.database.db, sha256(key));
  if (!row) return null;
  await touchApiKey(platform.database.db, row, platform.clock.now());
  return {
    actor: { type: 'apikey', id: row.id, label: row.key_prefix, role: row.purpose, scope: { kind: 'unit', code: row.scope_code } },
    via: 'apikey',
  };
}
