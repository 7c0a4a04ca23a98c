import { monotonicFactory } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCase, findCategory, updateCategory } from '../../../src/modules/cases/cases.repository.ts';
import { caseCallers, EXPOSED_RUBBISH } from '../../support/cases.ts';
import { fakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { HOME_POINT, json, jsonErrors, makeOpen311World, open311, W3_SHANGHAI, xml, xmlErrors, type Open311World } from './support.ts';
import { child, fields, names } from './xml.ts';

/**
 * GET Service Requests, GET Service Request and GET service_request_id from a token, as GeoReport v2
 * writes them: public cases only, open/closed with the fuller state in status_notes, every date in
 * W3C-DTF with the district's offset, ids as strings, the spec's filters and its 90-day / 1000 limits.
 */
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const MANHOLE = { category: '0201', condition: '020101' }; // 井盖缺失: 2 urgent hours

type Request = Record<string, unknown> & { service_request_id: string };

describe.each(DATABASES)('Open311 service requests on %s', (kind) => {
  let server: TestServer;
  let world: Open311World;
  let callers: Awaited<ReturnType<typeof caseCallers>>;
  let api: ReturnType<typeof open311>;
  const clock = fakeClock(); // Monday 2 March 2026, 09:00 in Jiaozuo
  const ids = {} as Record<'old' | 'reported' | 'closed' | 'dispatched' | 'refused' | 'secret', string>;

  const ok = async (response: Promise<{ statusCode: number; body: string }>) => {
    const answer = await response;
    expect(answer.statusCode, answer.body).toBe(200);
  };
  const list = async (query = '') => json(await api.get(`/open311/v2/requests.json${query}`)) as Request[];
  const listed = async (query = '') => (await list(query)).map((r) => r.service_request_id);

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock });
    world = await makeOpen311World(server.platform);
    callers = await caseCallers(server, world);
    api = open311(server);

    clock.set('2025-11-20T02:00:00.000Z'); // 102 days before: outside the default window
    ids.old = (await callers.report('gridStaff', { description: '三个多月前的问题' })).id;
    clock.set('2026-03-02T01:00:00.000Z');

    ids.reported = (
      await callers.report('gridStaff', {
        description: '小区门口垃圾堆积，无人清运',
        areaCode: undefined,
        location: { lng: HOME_POINT.long, lat: HOME_POINT.lat },
        address: '建设路12号门口',
        reporter: { name: '王小明', contact: '13912345678' },
      })
    ).id;

    clock.advance(600); // 09:10
    ids.closed = (await callers.report('gridStaff', { categoryCode: MANHOLE.category, description: '井盖丢失，有人险些踩空' })).id;
    await ok(callers.act('gridStaff', ids.closed, 'verify'));
    await ok(callers.act('gridStaff', ids.closed, 'file', { conditionCode: MANHOLE.condition }));
    await ok(callers.act('homeCommunity', ids.closed, 'dispatch', { leadDepartment: world.codes.department }));
    clock.advance(1800); // 09:40
    await ok(callers.act('department', ids.closed, 'feedback', { note: '已补装井盖' }));
    clock.advance(600); // 09:50
    await ok(callers.act('gridStaff', ids.closed, 'pass_check'));

    clock.set('2026-03-02T01:20:00.000Z'); // 09:20
    ids.dispatched = (await callers.report('gridStaff', { description: '垃圾桶旁堆满垃圾' })).id;
    await ok(callers.act('gridStaff', ids.dispatched, 'verify'));
    await ok(callers.act('gridStaff', ids.dispatched, 'file', { conditionCode: EXPOSED_RUBBISH.condition }));
    await ok(callers.act('homeCommunity', ids.dispatched, 'dispatch', { leadDepartment: world.codes.otherDepartment }));

    clock.advance(600); // 09:30
    ids.refused = (await callers.report('gridStaff', { description: '重复上报' })).id;
    await ok(callers.act('gridStaff', ids.refused, 'refuse', { note: '与已有案件重复' }));

    clock.advance(600); // 09:40: a care matter, never public
    ids.secret = (await callers.report('gridStaff', { categoryCode: '1101', description: '独居老人张大爷两天未出门' })).id;

    clock.set('2026-03-02T02:00:00.000Z'); // 10:00
  });
  afterAll(() => server?.dispose());

  describe('GET Service Requests', () => {
    it('by default: the public requests of the last 90 days, newest first, each with the spec’s fields', async () => {
      const body = await list();
      expect(body.map((r) => r.service_request_id)).toEqual([ids.refused, ids.dispatched, ids.closed, ids.reported]);
      for (const request of body) {
        expect(Object.keys(request)).toEqual(REQUEST_FIELDS);
        expect(typeof request.service_request_id).toBe('string');
        expect(typeof request.service_code).toBe('string');
        for (const date of ['requested_datetime', 'updated_datetime']) expect(request[date]).toMatch(W3_SHANGHAI);
        if (request.expected_datetime !== null) expect(request.expected_datetime).toMatch(W3_SHANGHAI);
      }
    });

    it('a reported case: open, awaiting verification, with its place and the verification deadline', async () => {
      const request = (await list()).find((r) => r.service_request_id === ids.reported);
      expect(request).toEqual({
        service_request_id: ids.reported,
        status: 'open',
        status_notes: '已上报，待核实',
        service_name: '暴露垃圾',
        service_code: '0101',
        description: '小区门口垃圾堆积，无人清运',
        agency_responsible: null,
        service_notice: null,
        requested_datetime: '2026-03-02T09:00:00+08:00',
        updated_datetime: '2026-03-02T09:00:00+08:00',
        expected_datetime: '2026-03-02T09:30:00+08:00',
        address: '建设路12号门口',
        address_id: null,
        zipcode: null,
        lat: HOME_POINT.lat,
        long: HOME_POINT.long,
        media_url: null,
      });
    });

    it('a closed case: closed, 已结案, dated when it was closed, with the department and the closing condition', async () => {
      const request = (await list()).find((r) => r.service_request_id === ids.closed);
      expect(request).toMatchObject({
        status: 'closed',
        status_notes: '已结案',
        service_name: '井盖缺失破损',
        service_code: '0201',
        agency_responsible: '单位410804D01',
        service_notice: '结案条件：井盖补齐，设置牢固',
        requested_datetime: '2026-03-02T09:10:00+08:00',
        updated_datetime: '2026-03-02T09:50:00+08:00',
        expected_datetime: null,
        lat: null,
        long: null,
      });
    });

    it('a dispatched case is open, 处置中, expected by its handling deadline; a refused one is closed, 不予受理', async () => {
      const body = await list();
      const dispatched = body.find((r) => r.service_request_id === ids.dispatched)!;
      expect(dispatched).toMatchObject({ status: 'open', status_notes: '处置中', agency_responsible: '单位410804D02' });
      const stored = await findCase(server.platform.database.db, ids.dispatched);
      expect(new Date(dispatched.expected_datetime as string).toISOString()).toBe(stored!.stage_due_at);
      expect(dispatched.expected_datetime).toBe('2026-03-03T09:20:00+08:00'); // one working day
      expect(body.find((r) => r.service_request_id === ids.refused)).toMatchObject({
        status: 'closed',
        status_notes: '不予受理',
        expected_datetime: null,
      });
    });

    it('never shows the reporter’s name or contact, nor anything of a private case', async () => {
      const response = await api.get('/open311/v2/requests.json');
      for (const secret of ['王小明', '王**', '13912345678', '139****5678', ids.secret, '独居老人', '关爱服务']) {
        expect(response.body).not.toContain(secret);
      }
    });

    it('requests.xml is <service_requests><request>… with the spec’s element names and the same values', async () => {
      const root = xml(await api.get('/open311/v2/requests.xml'));
      expect(root.name).toBe('service_requests');
      expect(names(root)).toEqual(['request', 'request', 'request', 'request']);
      for (const request of root.children) expect(names(request)).toEqual(REQUEST_FIELDS);
      const reported = root.children.map(fields).find((r) => r.service_request_id === ids.reported);
      expect(reported).toEqual({
        service_request_id: ids.reported,
        status: 'open',
        status_notes: '已上报，待核实',
        service_name: '暴露垃圾',
        service_code: '0101',
        description: '小区门口垃圾堆积，无人清运',
        agency_responsible: '',
        service_notice: '',
        requested_datetime: '2026-03-02T09:00:00+08:00',
        updated_datetime: '2026-03-02T09:00:00+08:00',
        expected_datetime: '2026-03-02T09:30:00+08:00',
        address: '建设路12号门口',
        address_id: '',
        zipcode: '',
        lat: String(HOME_POINT.lat),
        long: String(HOME_POINT.long),
        media_url: '',
      });
    });

    it('service_request_id (comma delimited) overrides every other argument; private and unknown ids are left out', async () => {
      const asked = [ids.reported, ids.closed, ids.secret, ids.old, '01ZZZZZZZZZZZZZZZZZZZZZZZZ'].join(',');
      expect(await listed(`?service_request_id=${asked}`)).toEqual([ids.closed, ids.reported, ids.old]);
      expect(await listed(`?service_request_id=${asked}&status=closed&service_code=0201&start_date=2026-03-02T09:05:00%2B08:00`)).toEqual([
        ids.closed,
        ids.reported,
        ids.old,
      ]);
      expect(await listed(`?service_request_id=${ids.secret}`)).toEqual([]);
      const root = xml(await api.get(`/open311/v2/requests.xml?service_request_id=${ids.closed}`));
      expect(root.children.map((r) => fields(r).service_request_id)).toEqual([ids.closed]);
    });

    it('service_code filters by one or several services (comma delimited)', async () => {
      expect(await listed('?service_code=0201')).toEqual([ids.closed]);
      expect(await listed('?service_code=0101')).toEqual([ids.refused, ids.dispatched, ids.reported]);
      expect(await listed('?service_code=0101,0201')).toEqual([ids.refused, ids.dispatched, ids.closed, ids.reported]);
      expect(await listed('?service_code=0201&service_code=0101')).toHaveLength(4);
      expect(await listed('?service_code=1101')).toEqual([]);
      expect(await listed('?service_code=')).toHaveLength(4); // empty is the same as absent
    });

    it('status is open or closed, one or both', async () => {
      expect(await listed('?status=open')).toEqual([ids.dispatched, ids.reported]);
      expect(await listed('?status=closed')).toEqual([ids.refused, ids.closed]);
      expect(await listed('?status=open,closed')).toHaveLength(4);
      expect(await listed('?status=open&status=closed')).toHaveLength(4);
      expect(jsonErrors(await api.get('/open311/v2/requests.json?status=pending'), 400)[0]).toContain('status');
      xmlErrors(await api.get('/open311/v2/requests.xml?status=OPEN'), 400);
    });

    it('start_date and end_date take any offset and mean the same instants', async () => {
      const shanghai = '?start_date=2026-03-02T09:05:00%2B08:00&end_date=2026-03-02T09:25:00%2B08:00';
      expect(await listed(shanghai)).toEqual([ids.dispatched, ids.closed]);
      expect(await listed('?start_date=2026-03-02T01:05:00Z&end_date=2026-03-02T01:25:00Z')).toEqual([ids.dispatched, ids.closed]);
      expect(await listed('?start_date=2026-03-01T19:05:00-06:00&end_date=2026-03-01T19:25:00-06:00')).toEqual([
        ids.dispatched,
        ids.closed,
      ]);
      expect(await listed('?start_date=2026-03-02T09:10:00%2B08:00&end_date=2026-03-02T09:10:00%2B08:00')).toEqual([ids.closed]); // both ends included
      expect(await listed('?start_date=2026-03-02&end_date=2026-03-03')).toHaveLength(4); // whole days, in the district's zone
      expect(await listed('?end_date=2026-03-02T09:15:00%2B08:00')).toEqual([ids.closed, ids.reported]); // 90 days up to then
    });

    it('dates without a zone, impossible dates, reversed ranges and spans over 90 days are 400', async () => {
      for (const query of [
        'start_date=2026-03-02T09:00:00',
        'start_date=yesterday',
        'end_date=2026-02-30T00:00:00Z',
        'start_date=2026-03-02T25:00:00Z',
        'start_date=2026-03-02T10:00:00Z&end_date=2026-03-02T09:00:00Z',
        'start_date=2025-11-01T00:00:00Z&end_date=2026-03-02T00:00:00Z',
      ]) {
        jsonErrors(await api.get(`/open311/v2/requests.json?${query}`), 400);
        xmlErrors(await api.get(`/open311/v2/requests.xml?${query}`), 400);
      }
    });

    it('the default window is the last 90 days; an older request is found by asking for its dates', async () => {
      expect(await listed()).not.toContain(ids.old);
      expect(await listed('?start_date=2025-11-20T00:00:00%2B08:00&end_date=2025-11-21T00:00:00%2B08:00')).toEqual([ids.old]);
      expect(await listed('?start_date=2025-11-20T00:00:00%2B08:00')).toEqual([ids.old]); // 90 days from then
    });

    it('answers at most 1000 requests, the newest first', async () => {
      const db = server.platform.database.db;
      const template = (await findCase(db, ids.old))!;
      const ulid = monotonicFactory();
      const start = Date.parse('2025-06-01T00:00:00.000Z');
      const rows = Array.from({ length: 1005 }, (_, i) => {
        const at = new Date(start + i * 60_000).toISOString();
        return { ...template, id: ulid(Date.parse(at)), created_at: at, updated_at: at, stage_started_at: at, due_at: null };
      });
      for (let i = 0; i < rows.length; i += 100)
        await db
          .insertInto('dispatch_case')
          .values(rows.slice(i, i + 100))
          .execute();
      const june = '?start_date=2025-06-01T00:00:00Z&end_date=2025-06-30T00:00:00Z';
      const body = await listed(june);
      expect(body).toHaveLength(1000);
      expect(body[0]).toBe(rows[1004].id);
      expect(body[999]).toBe(rows[5].id);
      expect(xml(await api.get(`/open311/v2/requests.xml${june}`)).children).toHaveLength(1000);
      const many = rows
        .slice(0, 1001)
        .map((r) => r.id)
        .join(',');
      jsonErrors(await server.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${many}` }), 400);
    });

    it('jurisdiction_id must be the district’s code when given', async () => {
      expect(await listed(`?jurisdiction_id=${world.codes.district}`)).toHaveLength(4);
      jsonErrors(await api.get('/open311/v2/requests.json?jurisdiction_id=city.gov'), 404);
      xmlErrors(await api.get('/open311/v2/requests.xml?jurisdiction_id=city.gov'), 404);
      xmlErrors(await api.get('/open311/v2/requests.txt'), 404);
    });
  });

  describe('GET Service Request', () => {
    it('one request, as a list of one, the same as in the list', async () => {
      const body = json(await api.get(`/open311/v2/requests/${ids.closed}.json`));
      expect(body).toEqual((await list()).filter((r) => r.service_request_id === ids.closed));
      const root = xml(await api.get(`/open311/v2/requests/${ids.reported}.xml?jurisdiction_id=${world.codes.district}`));
      expect(root.name).toBe('service_requests');
      expect(names(root)).toEqual(['request']);
      expect(names(child(root, 'request'))).toEqual(REQUEST_FIELDS);
      expect(fields(child(root, 'request'))).toMatchObject({
        service_request_id: ids.reported,
        status: 'open',
        lat: String(HOME_POINT.lat),
      });
    });

    it('a private case does not exist here, even by its id: 404, like an unknown one', async () => {
      expect(jsonErrors(await api.get(`/open311/v2/requests/${ids.secret}.json`), 404)[0]).toContain(ids.secret);
      xmlErrors(await api.get(`/open311/v2/requests/${ids.secret}.xml`), 404);
      xmlErrors(await api.get('/open311/v2/requests/01ZZZZZZZZZZZZZZZZZZZZZZZZ.xml'), 404);
      jsonErrors(await api.get(`/open311/v2/requests/${ids.closed}.json?jurisdiction_id=city.gov`), 404);
      xmlErrors(await api.get(`/open311/v2/requests/${ids.closed}.csv`), 404);
    });

    it('a category made private later takes its cases out of sight', async () => {
      const db = server.platform.database.db;
      const category = (await findCategory(db, MANHOLE.category))!;
      await updateCategory(db, MANHOLE.category, category.version, { public: 0 }, clock.now().toISOString());
      try {
        jsonErrors(await api.get(`/open311/v2/requests/${ids.closed}.json`), 404);
        expect(await listed()).not.toContain(ids.closed);
      } finally {
        await updateCategory(db, MANHOLE.category, category.version + 1, { public: 1 }, clock.now().toISOString());
      }
      expect(await listed()).toContain(ids.closed);
    });
  });

  describe('GET service_request_id from a token', () => {
    it('a request id is its own token', async () => {
      expect(json(await api.get(`/open311/v2/tokens/${ids.reported}.json`))).toEqual([
        { service_request_id: ids.reported, token: ids.reported },
      ]);
      const root = xml(await api.get(`/open311/v2/tokens/${ids.closed}.xml`));
      expect(root.name).toBe('service_requests');
      expect(names(root)).toEqual(['request']);
      expect(names(root.children[0])).toEqual(['service_request_id', 'token']);
      expect(fields(root.children[0])).toEqual({ service_request_id: ids.closed, token: ids.closed });
    });

    it('an unknown or private token is 404', async () => {
      jsonErrors(await api.get('/open311/v2/tokens/12345.json'), 404);
      xmlErrors(await api.get(`/open311/v2/tokens/${ids.secret}.xml`), 404);
      jsonErrors(await api.get(`/open311/v2/tokens/${ids.reported}.json?jurisdiction_id=x`), 404);
    });
  });
});
