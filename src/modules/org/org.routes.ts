import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { createUnit } from './commands/createUnit.ts';
import { renameUnit } from './commands/renameUnit.ts';
import { notFound } from '../../platform/http/errors.ts';
import { childrenOf, getVisibleUnit, locatePoint, presentUnit, scopeTree, unitsMap } from './org.queries.ts';
import {
  createUnitBody,
  locateQuery,
  locationView,
  mapQuery,
  orgNode,
  orgUnit,
  renameUnitBody,
  unitCodeParams,
  unitFeatureCollection,
} from './org.schemas.ts';

const tags = ['org'];

export function orgRoutes(app: ApiApp, platform: Platform): void {
  const { db } = platform.database;

  app.get(
    '/api/org/tree',
    {
      config: { scopeProbe: { kind: 'filtered' } },
      schema: {
        tags,
        summary: 'The signed-in scope: its top units with their children',
        response: { 200: z.object({ roots: z.array(orgNode) }) },
      },
    },
    async (request) => ({ roots: await scopeTree(db, request.actor!) }),
  );

  app.get(
    '/api/org/locate',
    {
      config: {
        scopeProbe: {
          kind: 'unscoped',
          reason: 'the map of units is known to every account: a worker reporting a problem outside their own micro-grid needs it',
        },
      },
      schema: {
        tags,
        summary: 'Which micro-grid holds this point (GCJ-02 and BD-09 accepted), with the units above it',
        querystring: locateQuery,
        response: { 200: locationView },
      },
    },
    async (request) => {
      const { lng, lat, crs } = request.query;
      const location = await locatePoint(db, [lng, lat], crs);
      if (!location) throw notFound('microgrid');
      return location;
    },
  );

  app.get(
    '/api/org/map',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/org/map?within={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: "A unit's children (or every unit of `level` under it) as GeoJSON for the map, thinned for the zoom level",
        querystring: mapQuery,
        response: { 200: unitFeatureCollection },
      },
    },
    // Sent as the cached, already encoded JSON (thousands of polygons): Fastify passes a Buffer through
    // unchanged (hence the cast); the schema above still documents it.
    async (request, reply) => {
      const json = await unitsMap(db, request.actor!, request.query);
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  app.get(
    '/api/org/units/:code',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/org/units/{foreignUnit}', expect: 404 } },
      schema: { tags, params: unitCodeParams, response: { 200: orgUnit } },
    },
    async (request) => presentUnit(await getVisibleUnit(db, request.actor!, request.params.code)),
  );

  app.get(
    '/api/org/units/:code/children',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/org/units/{foreignUnit}/children', expect: 404 } },
      schema: { tags, params: unitCodeParams, response: { 200: z.object({ children: z.array(orgNode) }) } },
    },
    async (request) => ({ children: await childrenOf(db, request.actor!, request.params.code) }),
  );

  app.post(
    '/api/org/units',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/org/units', body: { code: '{foreignUnit}009', name: '越权' }, expect: 403 } },
      schema: { tags, summary: 'Add a unit under its parent (the code says where)', body: createUnitBody, response: { 201: orgUnit } },
    },
    async (request, reply) => {
      const unit = await createUnit(platform, { actor: request.actor!, requestId: request.id }, request.body);
      return reply.code(201).send(presentUnit(unit));
    },
  );

  app.patch(
    '/api/org/units/:code',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/org/units/{foreignUnit}', body: { name: '越权', version: 1 }, expect: 404 } },
      schema: { tags, params: unitCodeParams, body: renameUnitBody, response: { 200: orgUnit } },
    },
    async (request) => {
      const { name, version } = request.body;
      return presentUnit(await renameUnit(platform, { actor: request.actor!, requestId: request.id }, request.params.code, name, version));
    },
  );
}
