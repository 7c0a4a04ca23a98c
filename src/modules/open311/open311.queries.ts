import type { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import { publicCase, publicCases, publicService, publicServices, type PublicCase } from '../cases/cases.public.ts';
import type { CaseState } from '../cases/cases.workflow.ts';
import { installedDistrict, lookupUnits } from '../org/org.queries.ts';
import { parseW3Date, refuse, w3Date, type Value } from './open311.format.ts';
import type { requestsQuery } from './open311.schemas.ts';

/** The token of the spec this endpoint speaks, as discovery names it. */
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** The spec's default and largest answer to GET requests: 90 days, 1000 requests. */
export const MAX_REQUESTS = 1000;
export const DEFAULT_SPAN_DAYS = 90;
const DAY_MS = 24 * 3600 * 1000;

/**
 * The fuller state behind open/closed, in the words of the console (DOMAIN.md §4): GeoReport's
 * status_notes ("more details on current status than conveyed with status alone").
 */
export const STATUS_NOTES: Record<CaseState, string> = {
  reported: '已上报，待核实',
  verified: '已核实，待立案',
  refused: '不予受理',
  filed: '已立案，待派遣',
  returned: '已回退，待重新派遣',
  dispatched: '处置中',
  extension_requested: '处置中（延期申请中）',
  parking_requested: '处置中（挂账申请中）',
  parked: '挂账，长期处置',
  fed_back: '已处置，待核查',
  closed: '已结案',
  evaluated: '已结案，已回访',
};

/**
 * `jurisdiction_id` is optional here: the installation serves one district. When given it must be
 * the district's code, or, as the spec says, 404.
 */
export async function checkJurisdiction(platform: Platform, jurisdictionId: string | undefined): Promise<void> {
  if (jurisdictionId === undefined) return;
  const district = await installedDistrict(platform.database.db);
  if (!district || district.code !== jurisdictionId) {
    throw refuse(
      404,
      `jurisdiction_id ${jurisdictionId} not found${district ? `: this endpoint serves ${district.code} (${district.name})` : ''}`,
    );
  }
}

/** Service Discovery (http://wiki.open311.org/Service_Discovery): where the GeoReport v2 endpoint is. */
export async function discovery(platform: Platform, baseUrl: string): Promise<Value> {
  const [district, { changedAt }] = await Promise.all([installedDistrict(platform.database.db), publicServices(platform)]);
  const changeset = w3Date(changedAt ?? new Date(0).toISOString(), platform.config.timeZone);
  const where = district ? `${district.name}（${district.code}）` : 'this district';
  return {
    changeset,
    contact: `${where}网格化服务管理中心 / the grid command centre of ${where}; service status: ${baseUrl}/api/health`,
    key_service: `API keys for POST requests are issued by the district's administrators (wangge apikey create --purpose open311 --scope <unit code> --name <client>); a key may report within its unit only.`,
    endpoints: [
      {
        specification: SPECIFICATION,
        url: `${baseUrl}/open311/v2`,
        changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/** GET Service List: the public leaf categories open for reports; none needs a service definition. */
export async function serviceList(platform: Platform): Promise<Value> {
  const { services } = await publicServices(platform);
  return services.map((s) => ({
    service_code: s.code,
    service_name: s.name,
    description: s.conditions.length > 0 ? `立案条件：${s.conditions.join('；')}` : s.name,
    metadata: false,
    type: 'realtime',
    keywords: [s.group, s.name].join(','),
    group: s.group,
  }));
}

/**
 * GET Service Definition. Our services carry no custom attributes (metadata is false), so a client
 * need not ask; one that does gets the definition with an empty attribute list. Unknown, private and
 * retired service codes are 404, as the spec says for a service_code "not found".
 */
export async function serviceDefinition(platform: Platform, code: string): Promise<Value> {
  const service = await publicService(platform, code);
  if (!service) throw refuse(404, `service_code ${code} not found`);
  return { service_code: service.code, attributes: [] };
}

/**
 * GET Service Requests. service_request_id overrides every other argument, as the spec says;
 * otherwise the reporting window is start_date..end_date, at most 90 days, the last 90 days by
 * default; at most 1000 requests, newest first.
 */
export async function serviceRequests(platform: Platform, query: z.infer<typeof requestsQuery>): Promise<Value> {
  if (query.service_request_id) {
    return presentRequests(platform, await publicCases(platform, { ids: query.service_request_id, limit: MAX_REQUESTS }));
  }
  const { from, to } = window(platform, query.start_date, query.end_date);
  const statuses = new Set(query.status ?? []);
  const cases = await publicCases(platform, {
    categoryCodes: query.service_code,
    from: from.toISOString(),
    to: to.toISOString(),
    open: statuses.size === 1 ? statuses.has('open') : undefined,
    limit: MAX_REQUESTS,
  });
  return presentRequests(platform, cases);
}

function window(platform: Platform, start: string | undefined, end: string | undefined): { from: Date; to: Date } {
  const zone = platform.config.timeZone;
  const problems: string[] = [];
  const parse = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const instant = parseW3Date(value, zone);
    if (!instant) problems.push(`${name}: a W3C date-time with its zone, e.g. 2026-03-02T09:00:00+08:00 or 2026-03-02T01:00:00Z`);
    return instant;
  };
  const startAt = parse('start_date', start);
  const endAt = parse('end_date', end);
  if (problems.length > 0) throw refuse(400, ...problems);
  const span = DEFAULT_SPAN_DAYS * DAY_MS;
  const to = endAt ?? (startAt ? new Date(startAt.getTime() + span) : platform.clock.now());
  const from = startAt ?? new Date(to.getTime() - span);
  if (from > to) throw refuse(400, 'start_date is after end_date');
  if (to.getTime() - from.getTime() > span) throw refuse(400, `start_date and end_date may not span more than ${DEFAULT_SPAN_DAYS} days`);
  return { from, to };
}

/** GET Service Request: one public request, in a list of one as the spec writes it. */
export async function serviceRequest(platform: Platform, id: string): Promise<Value> {
  const kase = await publicCase(platform, id);
  if (!kase) throw refuse(404, `service_request_id ${id} not found`);
  return presentRequests(platform, [kase]);
}

/**
 * GET service_request_id from a token. Requests are created in real time and POST answers with the
 * service_request_id itself, so no token is ever handed out; for clients that ask anyway, the
 * service_request_id is its own token.
 */
export async function tokenRequest(platform: Platform, token: string): Promise<Value> {
  const kase = await publicCase(platform, token);
  if (!kase) throw refuse(404, `token ${token} not found`);
  return [{ service_request_id: kase.id, token: kase.id }];
}

async function presentRequests(platform: Platform, cases: PublicCase[]): Promise<Value> {
  const zone = platform.config.timeZone;
  const departments = await lookupUnits(
    platform.database.db,
    cases.flatMap((c) => c.leadDepartment ?? []),
  );
  return cases.map((c) => ({
    service_request_id: c.id,
    status: c.open ? 'open' : 'closed',
    status_notes: STATUS_NOTES[c.state] ?? null,
    service_name: c.categoryName,
    service_code: c.categoryCode,
    description: c.description,
    agency_responsible: (c.leadDepartment && departments.get(c.leadDepartment)?.name) ?? null,
    service_notice: c.closing ? `结案条件：${c.closing}` : null,
    requested_datetime: w3Date(c.createdAt, zone),
    // "For requests with status=closed, this will be the date the request was closed."
    updated_datetime: w3Date(c.open ? c.updatedAt : (c.closedAt ?? c.updatedAt), zone),
    expected_datetime: c.open ? w3Date(c.stageDueAt, zone) : null,
    address: c.address,
    address_id: null,
    zipcode: null,
    lat: c.lat,
    long: c.lng,
    // Photos are kept behind sign-in; a client's own media_url stays in the description.
    media_url: null,
  }));
}
