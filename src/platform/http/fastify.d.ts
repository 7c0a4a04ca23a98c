import type { Actor } from '../authz/actor.ts';
import type { RouteEntry, ScopeProbe } from './scopeProbe.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: no account needed. Anything else (the default) needs a signed-in actor. */
    access?: 'public' | 'signed-in';
    /** How the route-table test asks this route for something outside the caller's scope. */
    scopeProbe?: ScopeProbe;
  }
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyInstance {
    /** Every route as registered, for the route-table test and the docs. */
    routeTable: RouteEntry[];
  }
}
