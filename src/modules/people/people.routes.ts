import { z } from 'zod';
import type { Actor } from '../../platform/authz/actor.ts';
import { byRequest } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { areaCounts, getVisibleUnit } from '../org/org.queries.ts';
import { addResident } from './commands/addResident.ts';
import { assignWorker } from './commands/assignWorker.ts';
import { registerHousehold } from './commands/registerHousehold.ts';
import { revealResident } from './commands/revealResident.ts';
import { unassignWorker } from './commands/unassignWorker.ts';
import { updateHousehold } from './commands/updateHousehold.ts';
import { updateResident } from './commands/updateResident.ts';
import { maskedResident as presentResident } from './people.personalData.ts';
import {
  findResidents,
  householdDetail,
  householdsUnder,
  peopleCounts,
  presentHousehold,
  residentDetail,
  workerCandidates,
  workerDetail,
  workersUnder,
} from './people.queries.ts';
import {
  assignWorkerBody,
  candidateView,
  householdChangesBody,
  householdParams,
  householdsQuery,
  householdView,
  maskedResident,
  microgridParams,
  newHouseholdBody,
  residentBody,
  residentChangesBody,
  residentParams,
  residentsQuery,
  revealBody,
  revealView,
  summaryQuery,
  summaryView,
  workerMicrogridParams,
  workersQuery,
  workerView,
} from './people.schemas.ts';

const tags = ['people'];

export function peopleRoutes(app: ApiApp, platform: Platform): void {
  // Under /api/org because it is the tree's own summary; it lives here because it counts people too.
  app.get(
    '/api/org/summary',
    {
      config: { scopeProbe: { kind: 'filtered' } },
      schema: {
        tags: ['org'],
        summary: 'Counts of units, households, residents and workers in my scope, or in one unit of it',
        querystring: summaryQuery,
        response: { 200: summaryView },
      },
    },
    async (request) => {
      const { unit } = request.query;
      // A unit the caller can see lies wholly inside their scope: its subtree is the scope to count.
      if (unit) await getVisibleUnit(platform.database.db, request.actor!, unit);
      const actor: Actor = unit ? { ...request.actor!, scope: { kind: 'unit', code: unit } } : request.actor!;
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

  registryEditingRoutes(app, platform);
}

/** Registering, correcting and moving households and residents; assigning workers (console, office roles). */
function registryEditingRoutes(app: ApiApp, platform: Platform): void {
  app.post(
    '/api/people/households',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/people/households',
          body: { microgridCode: '{foreignMicrogrid}', address: '越权路1号', members: [{ name: '王五', gender: 'male' }] },
          expect: 403,
        },
      },
      schema: { tags, summary: 'Register a household with its members', body: newHouseholdBody, response: { 201: householdView } },
    },
    async (request, reply) => {
      const { household, residents } = await registerHousehold(platform, byRequest(request), request.body);
      return reply.code(201).send(presentHousehold(platform, household, residents));
    },
  );

  app.get(
    '/api/people/households/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/people/households/{foreignHousehold}', expect: 404 } },
      schema: { tags, summary: 'One household with its members, masked', params: householdParams, response: { 200: householdView } },
    },
    async (request) => householdDetail(platform, request.actor!, request.params.id),
  );

  app.patch(
    '/api/people/households/:id',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/people/households/{foreignHousehold}',
          body: { version: 1, address: '越权路2号' },
          expect: 404,
        },
      },
      schema: {
        tags,
        summary: 'Correct the address, or move the household (and its members) to another micro-grid',
        params: householdParams,
        body: householdChangesBody,
        response: { 200: householdView },
      },
    },
    async (request) => {
      await updateHousehold(platform, byRequest(request), request.params.id, request.body);
      return householdDetail(platform, request.actor!, request.params.id);
    },
  );

  app.post(
    '/api/people/households/:id/members',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/people/households/{foreignHousehold}/members',
          body: { name: '王五', gender: 'male' },
          expect: 404,
        },
      },
      schema: {
        tags,
        summary: 'Add a member to a household',
        params: householdParams,
        body: residentBody,
        response: { 201: maskedResident },
      },
    },
    async (request, reply) => {
      const resident = await addResident(platform, byRequest(request), request.params.id, request.body);
      return reply.code(201).send(presentResident(platform, resident));
    },
  );

  app.patch(
    '/api/people/residents/:id',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/people/residents/{foreignResident}', body: { version: 1, name: '王五' }, expect: 404 },
      },
      schema: {
        tags,
        summary: "Correct a resident's record; personal fields left out stay as they are",
        params: residentParams,
        body: residentChangesBody,
        response: { 200: maskedResident },
      },
    },
    async (request) => presentResident(platform, await updateResident(platform, byRequest(request), request.params.id, request.body)),
  );

  app.get(
    '/api/people/workers',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/people/workers?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'Workers serving micro-grids under a unit, masked',
        querystring: workersQuery,
        response: { 200: z.object({ items: z.array(workerView) }) },
      },
    },
    async (request) => ({ items: await workersUnder(platform, request.actor!, request.query.unit) }),
  );

  app.post(
    '/api/people/workers',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/people/workers',
          body: { residentId: '{foreignResident}', microgridCode: '{foreignMicrogrid}' },
          expect: 403,
        },
      },
      schema: {
        tags,
        summary: 'Make a resident the worker of a micro-grid (or add one to a worker); replace hands a micro-grid over',
        body: assignWorkerBody,
        response: { 201: workerView },
      },
    },
    async (request, reply) => {
      const worker = await assignWorker(platform, byRequest(request), request.body);
      return reply.code(201).send(await workerDetail(platform, worker.resident_id));
    },
  );

  app.delete(
    '/api/people/workers/:residentId/microgrids/:code',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/people/workers/{foreignResident}/microgrids/{foreignMicrogrid}', expect: 403 },
      },
      schema: { tags, summary: 'A worker stops serving a micro-grid', params: workerMicrogridParams },
    },
    async (request, reply) => {
      await unassignWorker(platform, byRequest(request), request.params.residentId, request.params.code);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/people/microgrids/:code/worker-candidates',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/people/microgrids/{foreignMicrogrid}/worker-candidates', expect: 404 } },
      schema: {
        tags,
        summary: 'Who could look after this micro-grid, best first (联亲联近联熟), masked',
        params: microgridParams,
        response: { 200: z.object({ items: z.array(candidateView) }) },
      },
    },
    async (request) => ({ items: await workerCandidates(platform, request.actor!, request.params.code) }),
  );
}
