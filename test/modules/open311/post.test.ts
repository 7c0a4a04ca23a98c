import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { revokeApiKey } from '../../../src/modules/accounts/commands/apiKeys.ts';
import { makeApiKey } from '../../support/factories.ts';
import { fakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import {
  FOREIGN_POINT,
  FORM_TYPE,
  HOME_POINT,
  json,
  jsonErrors,
  makeOpen311World,
  open311,
  OUTSIDE_POINT,
  xml,
  xmlErrors,
  type Open311World,
} from './support.ts';
import { names } from './xml.ts';

/**
 * POST Service Request as GeoReport v2 writes it: form-encoded, with an api_key checked before
 * anything else (403), the spec's 400 and 404, and a case (source open311) that GET requests then shows.
 */
describe.each(DATABASES)('Open311 POST requests on %s', (kind) => {
  let server: TestServer;
  let world: Open311World;
  let api: ReturnType<typeof open311>;
  let admin: ReturnType<typeof as>;
  let adminToken: string;
  let revokedKey: string;
  const clock = fakeClock(); // Monday 2 March 2026, 09:00 in Jiaozuo

  const report = (key: string, fields: Record<string, string | number> = {}) => ({
    api_key: key,
    service_code: '0101',
    lat: HOME_POINT.lat,
    long: HOME_POINT.long,
    description: '小区门口垃圾堆积，无人清运',
    ...fields,
  });
  /** Refused, and nothing written: no case, no audit record. */
  const unchanged = async (refusal: () => Promise<void>) => {
    const before = [await countRows(server, 'dispatch_case'), await countRows(server, 'audit_record')];
    await refusal();
    expect([await countRows(server, 'dispatch_case'), await countRows(server, 'audit_record')]).toEqual(before);
  };

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock });
    world = await makeOpen311World(server.platform);
    api = open311(server);
    adminToken = await signIn(server, world.users.admin.username);
    admin = as(server, adminToken);
    const revoked = await makeApiKey(server.platform, world.codes.district, 'open311');
    await revokeApiKey(server.platform, { actor: systemActor('test'), requestId: null }, revoked.row.id);
    revokedKey = revoked.key;
  });
  afterAll(() => server?.dispose());

  describe('a report that is accepted', () => {
    it('creates a case from the open311 source, placed by its coordinates, and answers with its id', async () => {
      const response = await api.post(
        '/open311/v2/requests.json',
        report(world.keys.home, {
          jurisdiction_id: world.codes.district,
          address_string: '建设路12号门口',
          email: 'zhang.san@example.cn',
          device_id: 'tt222111',
          account_id: '123456',
          first_name: '三',
          last_name: '张',
          phone: '13912345678',
          media_url: 'https://img.example.cn/rubbish.jpg',
          'attribute[WHISPAWN]': '123456',
        }),
      );
      const body = json(response);
      expect(body).toEqual([
        { service_request_id: expect.any(String), service_notice: '已受理，网格员将于 2026-03-02 09:30 前核实。', account_id: null },
      ]);
      const id = body[0].service_request_id;

      const kase = (await admin('GET', `/api/cases/${id}`)).json();
      expect(kase).toMatchObject({
        id,
        source: 'open311',
        state: 'reported',
        categoryCode: '0101',
        areaCode: world.codes.homeMicrogrid,
        location: { lng: HOME_POINT.long, lat: HOME_POINT.lat },
        address: '建设路12号门口',
        description: '小区门口垃圾堆积，无人清运\n附图：https://img.example.cn/rubbish.jpg',
        attachments: [],
        reporterUserId: null,
        reporterName: expect.not.stringContaining('三'),
        reporterContact: expect.not.stringContaining('12345678'),
      });
      expect(kase.reporterName).toMatch(/^张/);
      expect(kase.events[0]).toMatchObject({ action: 'report', actorRole: 'open311' });
      const stored = await server.platform.database.db
        .selectFrom('dispatch_case')
        .select(['reporter_name', 'reporter_contact_enc'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(stored.reporter_name).toBe('张三');
      expect(stored.reporter_contact_enc).not.toContain('13912345678');

      // Followed through GET requests, without anything personal.
      const request = json(await api.get(`/open311/v2/requests/${id}.json`))[0];
      expect(request).toMatchObject({
        service_request_id: id,
        status: 'open',
        status_notes: '已上报，待核实',
        service_code: '0101',
        address: '建设路12号门口',
        requested_datetime: '2026-03-02T09:00:00+08:00',
        lat: HOME_POINT.lat,
        long: HOME_POINT.long,
        description: '小区门口垃圾堆积，无人清运\n附图：https://img.example.cn/rubbish.jpg',
        media_url: null,
      });
      expect(
        await api.get('/open311/v2/requests.json').then((r) => r.json().map((x: { service_request_id: string }) => x.service_request_id)),
      ).toContain(id);
      for (const personal of ['张三', '13912345678', 'zhang.san', 'tt222111', '123456']) {
        expect((await api.get('/open311/v2/requests.json')).body).not.toContain(personal);
        expect((await api.get(`/open311/v2/requests/${id}.xml`)).body).not.toContain(personal);
      }
    });

    it('answers in XML as <service_requests><request>…', async () => {
      const root = xml(await api.post('/open311/v2/requests.xml', report(world.keys.home, { description: '' })));
      expect(root.name).toBe('service_requests');
      expect(names(root)).toEqual(['request']);
      const request = root.children[0];
      expect(names(request)).toEqual(['service_request_id', 'service_notice', 'account_id']);
      expect(request.children[0].text).toMatch(/^[0-9A-Z]{26}$/);
      expect(request.children[2].text).toBe('');
      // No description: the case is described by its service.
      expect((await admin('GET', `/api/cases/${request.children[0].text}`)).json()).toMatchObject({
        description: '暴露垃圾',
        source: 'open311',
        reporterName: null,
      });
    });

    it('a district key reports anywhere in the district; the api_key may also come in the query string', async () => {
      const body = json(
        await api.post(`/open311/v2/requests.json?api_key=${world.keys.district}`, report('', { ...FOREIGN_POINT, service_code: '0201' })),
      );
      expect((await admin('GET', `/api/cases/${body[0].service_request_id}`)).json()).toMatchObject({
        areaCode: world.codes.foreignMicrogrid,
        categoryCode: '0201',
      });
    });

    it('a retry with the same Idempotency-Key gets the same request, not a second case', async () => {
      const first = json(await api.post('/open311/v2/requests.json', report(world.keys.home), { 'idempotency-key': 'o311-retry-1' }));
      const cases = await countRows(server, 'dispatch_case');
      const again = json(await api.post('/open311/v2/requests.json', report(world.keys.home), { 'idempotency-key': 'o311-retry-1' }));
      expect(again).toEqual(first);
      expect(await countRows(server, 'dispatch_case')).toBe(cases);
    });
  });

  describe('the api_key comes first: 403', () => {
    it('a missing key is 403 in either format, before anything else is looked at', async () => {
      await unchanged(async () => {
        expect(
          jsonErrors(
            await api.post('/open311/v2/requests.json', { service_code: '0101', lat: HOME_POINT.lat, long: HOME_POINT.long }),
            403,
          )[0],
        ).toContain('api_key');
        xmlErrors(await api.post('/open311/v2/requests.xml', {}), 403);
        xmlErrors(await api.post('/open311/v2/requests.xml', { api_key: '' }), 403);
        xmlErrors(await server.app.inject({ method: 'POST', url: '/open311/v2/requests.xml' }), 403);
      });
    });

    it('an unknown key is 403', async () => {
      await unchanged(async () => {
        expect(jsonErrors(await api.post('/open311/v2/requests.json', report('wgk_not-a-real-key')), 403)[0]).toContain('api_key');
        xmlErrors(await api.post('/open311/v2/requests.xml', report('xyz')), 403);
      });
    });

    it('a revoked key is 403, even when everything else is wrong too', async () => {
      await unchanged(async () => {
        jsonErrors(
          await api.post('/open311/v2/requests.json', {
            api_key: revokedKey,
            service_code: '9999',
            lat: 'abc',
            jurisdiction_id: 'nowhere',
          }),
          403,
        );
        xmlErrors(await api.post('/open311/v2/requests.xml', { api_key: revokedKey }), 403);
        jsonErrors(await api.post('/open311/v2/requests.json', report(revokedKey)), 403);
      });
    });

    it('a key made for another purpose (integration) is 403', async () => {
      await unchanged(async () => {
        expect(jsonErrors(await api.post('/open311/v2/requests.json', report(world.keys.integration)), 403)[0]).toContain('Open311');
      });
    });

    it('a JSON body carries no form fields: its api_key is not seen (403); with the key in the query, 400', async () => {
      await unchanged(async () => {
        const body = JSON.stringify(report(world.keys.home));
        jsonErrors(
          await server.app.inject({
            method: 'POST',
            url: '/open311/v2/requests.json',
            payload: body,
            headers: { 'content-type': 'application/json' },
          }),
          403,
        );
        const withKey = await server.app.inject({
          method: 'POST',
          url: `/open311/v2/requests.json?api_key=${world.keys.home}`,
          payload: body,
          headers: { 'content-type': 'application/json' },
        });
        expect(jsonErrors(withKey, 400)[0]).toContain('x-www-form-urlencoded');
      });
    });
  });

  describe('what the request gets wrong: 400 and 404', () => {
    it('a missing service_code is 400', async () => {
      await unchanged(async () => {
        expect(jsonErrors(await api.post('/open311/v2/requests.json', report(world.keys.home, { service_code: '' })), 400)).toEqual([
          'service_code is required (see GET services)',
        ]);
        xmlErrors(
          await api.post('/open311/v2/requests.xml', { api_key: world.keys.home, lat: HOME_POINT.lat, long: HOME_POINT.long }),
          400,
        );
      });
    });

    it('every problem is listed: no service_code and no coordinates are two errors', async () => {
      await unchanged(async () => {
        expect(xmlErrors(await api.post('/open311/v2/requests.xml', { api_key: world.keys.home }), 400)).toHaveLength(2);
        expect(
          jsonErrors(await api.post('/open311/v2/requests.json', { api_key: world.keys.home, lat: 'abc', long: 200, email: 'no' }), 400),
        ).toHaveLength(3);
      });
    });

    it('coordinates are required: an address alone cannot be placed (400)', async () => {
      await unchanged(async () => {
        const fields = { api_key: world.keys.home, service_code: '0101', address_string: '建设路12号', description: '垃圾' };
        expect(jsonErrors(await api.post('/open311/v2/requests.json', fields), 400)[0]).toContain('lat and long are required');
        xmlErrors(await api.post('/open311/v2/requests.xml', { ...fields, lat: HOME_POINT.lat }), 400);
      });
    });

    it('a private or unknown service_code is "not found": 404', async () => {
      await unchanged(async () => {
        expect(
          jsonErrors(await api.post('/open311/v2/requests.json', report(world.keys.home, { service_code: '1101' })), 404)[0],
        ).toContain('1101');
        xmlErrors(await api.post('/open311/v2/requests.xml', report(world.keys.home, { service_code: '9999' })), 404);
        xmlErrors(await api.post('/open311/v2/requests.xml', report(world.keys.home, { service_code: '01' })), 404);
      });
    });

    it('coordinates outside the district, or outside the key’s unit, are 400', async () => {
      await unchanged(async () => {
        expect(jsonErrors(await api.post('/open311/v2/requests.json', report(world.keys.home, OUTSIDE_POINT)), 400)[0]).toContain(
          'outside every micro-grid',
        );
        expect(xmlErrors(await api.post('/open311/v2/requests.xml', report(world.keys.home, FOREIGN_POINT)), 400)[0]).toContain(
          'outside the area this api_key',
        );
        jsonErrors(await api.post('/open311/v2/requests.json', report(world.keys.home, { lat: 95 })), 400);
      });
    });

    it('a wrong jurisdiction_id is 404; a description over 4,000 characters 400', async () => {
      await unchanged(async () => {
        jsonErrors(await api.post('/open311/v2/requests.json', report(world.keys.home, { jurisdiction_id: 'city.gov' })), 404);
        xmlErrors(await api.post('/open311/v2/requests.xml', report(world.keys.home, { description: '脏'.repeat(4001) })), 400);
      });
    });

    it('only requests.{xml,json} can be posted to', async () => {
      await unchanged(async () => {
        xmlErrors(await api.post('/open311/v2/requests.html', report(world.keys.home)), 404);
        jsonErrors(await api.post('/open311/v2/services.json', report(world.keys.home)), 404);
      });
    });
  });

  it('form bodies stay an Open311 matter: /api still refuses them with 415', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: 'categoryCode=0101',
      headers: { 'content-type': FORM_TYPE, authorization: `Bearer ${adminToken}` },
    });
    expect(response.statusCode).toBe(415);
  });
});
