import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { areaCounts } from '../org/org.queries.ts';
import { revealResident } from './commands/revealResident.ts';
import { findResidents, householdsUnder, peopleCounts, residentDetail } from './people.queries.ts';
import {
  householdsQuery,
  householdView,
  maskedResident,
  residentParams,
  residentsQuery,
  revealBody,
  revealView,
  summaryView,
} from './people.schemas.ts';

const tags = ['people'];

export function peopleRoutes(app: ApiApp, platform: Platform): void {
  // Under /api/org because it is the tree's own summary; it lives here because it counts people too.
  app.get(
    '/api/org/summary',
    {
      config: { scopeProbe: { kind: 'filtered' } },
      schema: { tags: ['org'], summary: 'Counts of units, households, residents and workers in my scope', response: { 200: summaryView } },
    },
    async (request) => {
      const actor = request.actor!;
      return { ...(await areaCounts(platform.database.db, actor)), ...(await peopleCounts(platform, actor)) };
    },
  );

  app.get(
    '/api/people/households',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/people/households?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'Households under a unit with their members, masked',
        querystring: householdsQuery,
        response: { 200: z.object({ items: z.array(householdView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { unit, after, limit } = request.query;
      return householdsUnder(platform, request.actor!, unit, { after, limit });
    },
  );

  app.get(
    '/api/people/residents',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/people/residents?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'Residents by name or address, or by exact ID number or phone; masked',
        querystring: residentsQuery,
        response: { 200: z.object({ items: z.array(maskedResident), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => findResidents(platform, request.actor!, request.query),
  );

  app.get(
    '/api/people/residents/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/people/residents/{foreignResident}', expect: 404 } },
      schema: { tags, params: residentParams, response: { 200: maskedResident } },
    },
    async (request) => residentDetail(platform, request.actor!, request.params.id),
  );

  app.post(
    '/api/people/residents/:id/reveal',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/people/residents/{foreignResident}/reveal',
          body: { fields: ['phone'], reason: '越权查看' },
          expect: 404,
        },
      },
      schema: {
        tags,
        summary: 'Show chosen personal data in clear (audited: who, whose, which fields, why)',
        params: residentParams,
        body: revealBody,
        response: { 200: revealView },
      },
    },
    async (request) => {
      const { fields, reason } = request.body;
      return revealResident(platform, { actor: request.actor!, requestId: request.id }, request.params.id, fields, reason);
    },
  );
}
