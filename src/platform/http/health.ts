import { z } from 'zod';
import type { Platform } from '../context.ts';
import type { ApiApp } from '../module.ts';
import { VERSION } from '../version.ts';

/**
 * Readiness beyond "the database answers": migrated, and the district set up (by the demo on first
 * start, or by `wangge init`). Composed in server.ts from the modules that know.
 */
export interface Readiness {
  /** Migrated and past the first-start work (the demo, when it loads). */
  started(): boolean;
  initialised(): Promise<boolean>;
}

const healthBody = z.object({
  status: z.enum(['ok', 'starting', 'uninitialised', 'unavailable']),
  db: z.enum(['sqlite', 'postgres']),
  version: z.string(),
});

export function registerHealth(app: ApiApp, platform: Platform, readiness: Readiness): void {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: '200 only once migrated, set up (demo or `wangge init`) and the database answers',
        response: { 200: healthBody, 503: healthBody },
      },
    },
    async (_request, reply) => {
      const db = platform.database.kind;
      const answer = (status: z.infer<typeof healthBody>['status']) =>
        reply.code(status === 'ok' ? 200 : 503).send({ status, db, version: VERSION });
      if (!readiness.started()) return answer('starting');
      try {
        await platform.database.ping();
        return answer((await readiness.initialised()) ? 'ok' : 'uninitialised');
      } catch {
        return answer('unavailable');
      }
    },
  );
}
