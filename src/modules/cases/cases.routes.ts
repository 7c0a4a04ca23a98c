import { z } from 'zod';
import { authorize } from '../../platform/authz/policy.ts';
import { byRequest } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { actOnCase } from './commands/actOnCase.ts';
import { changeCategory, changeCondition, createCategory, createCondition } from './commands/editCatalogue.ts';
import { changeRoute, createRoute, removeRoute } from './commands/editRoutes.ts';
import { importCalendar } from './commands/importCalendar.ts';
import { reportCase } from './commands/reportCase.ts';
import { updateRateSettings } from './commands/updateRateSettings.ts';
import { casesBehindFigure, monthlyRanking, rankingWorkbook, rateSettings } from './cases.rankings.ts';
import { listCalendarDays, listRoutes, type CategoryRow, type ConditionRow, type RouteRow } from './cases.repository.ts';
import { caseAfterAction, caseDetail, casesFor, catalogue, categoryNames, openCasesNearby, presentCase } from './cases.queries.ts';
import {
  calendarParams,
  calendarView,
  caseActionBody,
  caseDetailView,
  caseListView,
  caseParams,
  casesQuery,
  caseView,
  catalogueView,
  categoryChangesBody,
  categoryParams,
  categoryView,
  conditionChangesBody,
  conditionParams,
  conditionView,
  newCategoryBody,
  newConditionBody,
  newRouteBody,
  routeChangesBody,
  routeParams,
  routeView,
  versionQuery,
  figureCasesQuery,
  rankingQuery,
  rankingView,
  rateSettingsAnswer,
  rateSettingsBody,
  idempotencyHeaders,
  nearbyQuery,
  nearbyView,
  newCaseBody,
} from './cases.schemas.ts';

const tags = ['cases'];

export function casesRoutes(app: ApiApp, platform: Platform): void {
  app.get(
    '/api/cases/catalogue',
    {
      config: { scopeProbe: { kind: 'unscoped', reason: 'the catalogue is the district’s one list of categories, the same for everyone' } },
      schema: { tags, summary: 'Categories (大类/小类) with filing conditions and time limits', response: { 200: catalogueView } },
    },
    async (request) => catalogue(platform, request.actor!),
  );

  app.post(
    '/api/cases',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/cases',
          body: { categoryCode: '0101', description: '越权上报', areaCode: '{foreignMicrogrid}' },
          expect: 403,
        },
      },
      schema: {
        tags,
        summary: 'Report a problem; retry with the same Idempotency-Key to get the same case',
        headers: idempotencyHeaders,
        body: newCaseBody,
        response: { 201: caseView },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { kase, replayed, categoryName } = await reportCase(platform, byRequest(request), request.body, { idempotencyKey: key });
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(presentCase(platform, kase, categoryName, platform.clock.now()));
    },
  );

  app.get(
    '/api/cases',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/cases?unit={foreignUnit}', expect: 404 } },
      schema: { tags, summary: 'Cases in my scope, newest first, with filters', querystring: casesQuery, response: { 200: caseListView } },
    },
    async (request) => casesFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/cases/nearby',
    {
      config: {
        scopeProbe: { kind: 'unscoped', reason: 'the duplicate hint shows open public problems near a point, as anyone passing sees them' },
      },
      schema: {
        tags,
        summary: 'Open cases of a category within 100 m (the duplicate hint)',
        querystring: nearbyQuery,
        response: { 200: nearbyView },
      },
    },
    async (request) => openCasesNearby(platform, request.actor!, request.query),
  );

  app.get(
    '/api/cases/:id',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/cases/{foreignCase}', expect: 404 } },
      schema: { tags, summary: 'A case with its timeline and what I may do now', params: caseParams, response: { 200: caseDetailView } },
    },
    async (request) => caseDetail(platform, request.actor!, request.params.id),
  );

  app.post(
    '/api/cases/:id/actions',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/cases/{foreignCase}/actions', body: { action: 'verify', version: 1 }, expect: 404 },
      },
      schema: {
        tags,
        summary: 'Take a workflow action (verify, file, dispatch, feedback...); 409 lists the allowed ones',
        params: caseParams,
        body: caseActionBody,
        response: { 200: caseDetailView },
      },
    },
    async (request) => {
      await actOnCase(platform, byRequest(request), request.params.id, request.body);
      return caseAfterAction(platform, request.actor!, request.params.id);
    },
  );

  rankingRoutes(app, platform);
  catalogueRoutes(app, platform);

  app.get(
    '/api/cases/calendar',
    {
      config: { scopeProbe: { kind: 'unscoped', reason: 'the work calendar is the district’s, the same for everyone' } },
      schema: { tags, summary: 'Holidays, swapped working days and working hours', response: { 200: calendarView } },
    },
    async (request) => {
      authorize(request.actor!, 'case.catalogue.read');
      const days = await listCalendarDays(platform.database.db);
      return { days, workHours: platform.config.workHours, timeZone: platform.config.timeZone };
    },
  );

  app.put(
    '/api/cases/calendar/:year',
    {
      config: {
        scopeProbe: { kind: 'unscoped', reason: 'district-wide setting; only a district admin may change it (403 for everyone else)' },
      },
      schema: {
        tags,
        summary: 'Replace a year of the work calendar from its text file (one line per day or range)',
        params: calendarParams,
        body: z.strictObject({ text: z.string().max(20_000) }),
        response: { 200: z.object({ holidays: z.number().int(), workdays: z.number().int() }) },
      },
    },
    async (request) => importCalendar(platform, byRequest(request), request.params.year, request.body.text),
  );
}

/** Monthly rates and rankings (晒比评), the cases behind each figure, the score's weights. */
function rankingRoutes(app: ApiApp, platform: Platform): void {
  app.get(
    '/api/cases/rankings',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/cases/rankings?month=2026-03&level=community&within={foreignUnit}', expect: 404 },
      },
      schema: {
        tags,
        summary: 'The month’s rates and weighted score of every unit of a level, ranked',
        querystring: rankingQuery,
        response: { 200: rankingView },
      },
    },
    async (request) => monthlyRanking(platform, request.actor!, request.query),
  );

  app.get(
    '/api/cases/rankings.xlsx',
    {
      config: {
        scopeProbe: { kind: 'target', url: '/api/cases/rankings.xlsx?month=2026-03&level=community&within={foreignUnit}', expect: 404 },
      },
      schema: { tags, summary: 'The ranking as a spreadsheet', querystring: rankingQuery },
    },
    async (request, reply) => {
      const ranking = await monthlyRanking(platform, request.actor!, request.query);
      const name = encodeURIComponent(`排名-${ranking.level}-${ranking.month}.xlsx`);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="ranking.xlsx"; filename*=UTF-8''${name}`)
        .send(await rankingWorkbook(ranking));
    },
  );

  app.get(
    '/api/cases/figures',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/cases/figures?unit={foreignUnit}&month=2026-03&measure=handled', expect: 404 } },
      schema: {
        tags,
        summary: 'The cases behind one figure of a unit’s month',
        querystring: figureCasesQuery,
        response: { 200: caseListView },
      },
    },
    async (request) => {
      const { items, nextCursor } = await casesBehindFigure(platform, request.actor!, request.query);
      const names = await categoryNames(platform);
      const now = platform.clock.now();
      return {
        items: items.map((kase) => presentCase(platform, kase, names.get(kase.category_code) ?? kase.category_code, now)),
        nextCursor,
      };
    },
  );

  app.get(
    '/api/cases/rate-settings',
    {
      config: { scopeProbe: { kind: 'unscoped', reason: 'the weights of the score are the district’s, the same for everyone' } },
      schema: { tags, summary: 'Weights and exclusions of the monthly score', response: { 200: rateSettingsAnswer } },
    },
    async (request) => {
      authorize(request.actor!, 'case.rates');
      return rateSettings(platform.database.db);
    },
  );

  app.put(
    '/api/cases/rate-settings',
    {
      config: {
        scopeProbe: { kind: 'unscoped', reason: 'district-wide setting; only a district admin may change it (403 for everyone else)' },
      },
      schema: {
        tags,
        summary: 'Change the weights and exclusions of the monthly score',
        body: rateSettingsBody,
        response: { 200: rateSettingsAnswer },
      },
    },
    async (request) => updateRateSettings(platform, byRequest(request), request.body),
  );
}

const categoryAnswer = (row: CategoryRow) => ({
  code: row.code,
  name: row.name,
  public: row.public === 1,
  active: row.active === 1,
  version: row.version,
});
const conditionAnswer = (row: ConditionRow) => ({
  code: row.code,
  name: row.name,
  limit: { amount: row.limit_amount, unit: row.limit_unit },
  closing: row.closing,
  version: row.version,
});
const routeAnswer = (row: RouteRow) => ({
  id: row.id,
  categoryCode: row.category_code,
  areaCode: row.area_code,
  leadDepartment: row.lead_department,
  coHandlers: JSON.parse(row.co_handlers) as string[],
  version: row.version,
});
const districtSetting = {
  scopeProbe: { kind: 'unscoped', reason: 'the catalogue is the district’s; only a district admin may change it (403 for everyone else)' },
} as const;

/** Editing the catalogue and the routing rules (district admins, in the console). */
function catalogueRoutes(app: ApiApp, platform: Platform): void {
  app.post(
    '/api/cases/categories',
    {
      config: districtSetting,
      schema: {
        tags,
        summary: 'Add a major (2 digits) or leaf (4 digits) category',
        body: newCategoryBody,
        response: { 201: categoryView },
      },
    },
    async (request, reply) => reply.code(201).send(categoryAnswer(await createCategory(platform, byRequest(request), request.body))),
  );
  app.patch(
    '/api/cases/categories/:code',
    {
      config: districtSetting,
      schema: {
        tags,
        summary: 'Rename, make private or public, retire or restore a category',
        params: categoryParams,
        body: categoryChangesBody,
        response: { 200: categoryView },
      },
    },
    async (request) => categoryAnswer(await changeCategory(platform, byRequest(request), request.params.code, request.body)),
  );
  app.post(
    '/api/cases/conditions',
    {
      config: districtSetting,
      schema: {
        tags,
        summary: 'Add a filing condition with its limit to a leaf',
        body: newConditionBody,
        response: { 201: conditionView },
      },
    },
    async (request, reply) => reply.code(201).send(conditionAnswer(await createCondition(platform, byRequest(request), request.body))),
  );
  app.patch(
    '/api/cases/conditions/:code',
    {
      config: districtSetting,
      schema: {
        tags,
        summary: 'Change a filing condition, its limit or its closing condition',
        params: conditionParams,
        body: conditionChangesBody,
        response: { 200: conditionView },
      },
    },
    async (request) => conditionAnswer(await changeCondition(platform, byRequest(request), request.params.code, request.body)),
  );
  app.get(
    '/api/cases/routes',
    {
      config: {
        scopeProbe: { kind: 'unscoped', reason: 'the routing rules are the district’s, the same for everyone who may read the catalogue' },
      },
      schema: {
        tags,
        summary: 'Routing rules: category (and area) to lead department and co-handlers',
        response: { 200: z.object({ items: z.array(routeView) }) },
      },
    },
    async (request) => {
      authorize(request.actor!, 'case.catalogue.read');
      return { items: (await listRoutes(platform.database.db)).map(routeAnswer) };
    },
  );
  app.post(
    '/api/cases/routes',
    { config: districtSetting, schema: { tags, summary: 'Add a routing rule', body: newRouteBody, response: { 201: routeView } } },
    async (request, reply) => reply.code(201).send(routeAnswer(await createRoute(platform, byRequest(request), request.body))),
  );
  app.patch(
    '/api/cases/routes/:id',
    {
      config: districtSetting,
      schema: {
        tags,
        summary: 'Change a routing rule’s departments',
        params: routeParams,
        body: routeChangesBody,
        response: { 200: routeView },
      },
    },
    async (request) => routeAnswer(await changeRoute(platform, byRequest(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/cases/routes/:id',
    { config: districtSetting, schema: { tags, summary: 'Remove a routing rule', params: routeParams, querystring: versionQuery } },
    async (request, reply) => {
      await removeRoute(platform, byRequest(request), request.params.id, request.query.version);
      return reply.code(204).send();
    },
  );
}
