import type { FastifyInstance, FastifyRequest, RawServerDefault, FastifyBaseLogger } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from './authz/actor.ts';
import type { Policies } from './authz/policy.ts';
import type { Platform } from './context.ts';
import type { Job } from './jobs/scheduler.ts';

export type ApiApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** How a request proved who it is; cookie sessions must also carry the CSRF token. */
export interface Authentication {
  actor: Actor;
  via: 'cookie' | 'bearer' | 'apikey';
  /** For `cookie`: the CSRF token this session must present on unsafe requests. */
  expectedCsrfToken?: string;
}

/**
 * A module declares itself once; the core mounts it (DESIGN.md "Layout"). Adding a module is a
 * folder and one line in `src/modules/index.ts`.
 */
export interface ModuleManifest {
  name: string;
  policies?: Policies;
  routes?: (app: ApiApp, platform: Platform) => void;
  jobs?: (platform: Platform) => Job[];
  /** At most one module (accounts) turns credentials into an actor. */
  authenticate?: (platform: Platform, request: FastifyRequest) => Promise<Authentication | null>;
}
