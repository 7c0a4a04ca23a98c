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

/** Something that runs for the server's whole life; `stop` lets the work in hand finish. */
export interface Service {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
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
  /**
   * Long-running services (a broker subscriber...): started after migrations, stopped on shutdown
   * before the database closes. A module returns none when its configuration turns it off.
   */
  services?: (platform: Platform) => Service[];
  /** At most one module (accounts) turns credentials into an actor. */
  authenticate?: (platform: Platform, request: FastifyRequest) => Promise<Authentication | null>;
}
