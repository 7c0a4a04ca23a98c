import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE } from '../../../src/modules/cases/cases.catalogue.ts';
import { findCategory, updateCategory } from '../../../src/modules/cases/cases.repository.ts';
import { fakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { json, jsonErrors, makeOpen311World, open311, W3_SHANGHAI, xml, xmlErrors, type Open311World } from './support.ts';
import { child, fields, names } from './xml.ts';

/**
 * Service Discovery, GET Service List and GET Service Definition, as the GeoReport v2 spec and the
 * Service Discovery spec (wiki.open311.org) write them, in XML and JSON.
 */
const PUBLIC_LEAVES = DEFAULT_CATALOGUE.flatMap((major) =>
  major.leaves.filter((leaf) => leaf.public).map((leaf) => ({ ...leaf, group: major.name })),
);
const PRIVATE_LEAVES = DEFAULT_CATALOGUE.flatMap((major) => major.leaves.filter((leaf) => !leaf.public));
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];

describe.each(DATABASES)('Open311 discovery and services on %s', (kind) => {
  let server: TestServer;
  let world: Open311World;
  let api: ReturnType<typeof open311>;

  beforeAll(async () => {
    server = await startTestServer(kind, {}, { clock: fakeClock() });
    world = await makeOpen311World(server.platform);
    api = open311(server);
  });
  afterAll(() => server?.dispose());

  describe('Service Discovery', () => {
    it('discovery.json lists the GeoReport v2 endpoint as production, at the host the client asked', async () => {
      const response = await server.app.inject({
        method: 'GET',
        url: '/open311/discovery.json',
        headers: { host: 'wangge.example.cn:8080' },
      });
      const body = json(response);
      expect(Object.keys(body)).toEqual(['changeset', 'contact', 'key_service', 'endpoints']);
      expect(body.changeset).toMatch(W3_SHANGHAI);
      expect(body.contact).toContain('马村区');
      expect(body.key_service).toContain('wangge apikey create --purpose open311');
      expect(body.endpoints).toEqual([
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: 'http://wangge.example.cn:8080/open311/v2',
          changeset: body.changeset,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ]);
    });

    it('discovery.xml says the same in XML', async () => {
      const root = xml(await server.app.inject({ method: 'GET', url: '/open311/discovery.xml', headers: { host: 'wangge.example.cn' } }));
      expect(root.name).toBe('discovery');
      expect(names(root)).toEqual(['changeset', 'contact', 'key_service', 'endpoints']);
      const endpoints = child(root, 'endpoints');
      expect(names(endpoints)).toEqual(['endpoint']);
      const endpoint = endpoints.children[0];
      expect(names(endpoint)).toEqual(['specification', 'url', 'changeset', 'type', 'formats']);
      expect(fields(endpoint)).toMatchObject({
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'http://wangge.example.cn/open311/v2',
        type: 'production',
      });
      expect(child(endpoint, 'changeset').text).toMatch(W3_SHANGHAI);
      const formats = child(endpoint, 'formats');
      expect(names(formats)).toEqual(['format', 'format']);
      expect(formats.children.map((f) => f.text)).toEqual(['text/xml', 'application/json']);
    });

    it('with PUBLIC_URL set, the endpoint is there whatever the Host header says', async () => {
      const other = await startTestServer('sqlite', { PUBLIC_URL: 'https://wangge.jiaozuo.gov.cn/' });
      try {
        const response = await other.app.inject({ method: 'GET', url: '/open311/discovery.json', headers: { host: 'evil.example.com' } });
        expect(json(response).endpoints[0].url).toBe('https://wangge.jiaozuo.gov.cn/open311/v2');
        const root = xml(await other.app.inject({ method: 'GET', url: '/open311/discovery.xml' }));
        expect(fields(child(child(root, 'endpoints'), 'endpoint')).url).toBe('https://wangge.jiaozuo.gov.cn/open311/v2');
      } finally {
        await other.dispose();
      }
    });

    it('needs no account, and an unknown format is a resource that does not exist', async () => {
      expect((await api.get('/open311/discovery.json')).statusCode).toBe(200);
      xmlErrors(await api.get('/open311/discovery.html'), 404);
      xmlErrors(await api.get('/open311/discovery'), 404);
    });
  });

  describe('GET Service List', () => {
    it('services.json lists exactly the public leaf categories, ids as strings, none needing a definition', async () => {
      const body = json(await api.get('/open311/v2/services.json'));
      expect(body.map((s: { service_code: string }) => s.service_code)).toEqual(PUBLIC_LEAVES.map((leaf) => leaf.code));
      for (const service of body) expect(Object.keys(service)).toEqual(SERVICE_FIELDS);
      const rubbish = body.find((s: { service_code: string }) => s.service_code === '0101');
      expect(rubbish).toEqual({
        service_code: '0101',
        service_name: '暴露垃圾',
        description: '立案条件：垃圾暴露面积1平方米以上；主干道两侧暴露垃圾',
        metadata: false,
        type: 'realtime',
        keywords: '市容环境,暴露垃圾',
        group: '市容环境',
      });
      for (const leaf of PRIVATE_LEAVES) expect(JSON.stringify(body)).not.toContain(leaf.name);
      expect(body.some((s: { service_code: string }) => s.service_code.length !== 4)).toBe(false); // no majors
    });

    it('services.xml is <services><service>… with the spec’s element names', async () => {
      const root = xml(await api.get('/open311/v2/services.xml'));
      expect(root.name).toBe('services');
      expect(new Set(names(root))).toEqual(new Set(['service']));
      expect(root.children).toHaveLength(PUBLIC_LEAVES.length);
      for (const service of root.children) expect(names(service)).toEqual(SERVICE_FIELDS);
      expect(fields(root.children[0])).toEqual({
        service_code: '0101',
        service_name: '暴露垃圾',
        description: '立案条件：垃圾暴露面积1平方米以上；主干道两侧暴露垃圾',
        metadata: 'false',
        type: 'realtime',
        keywords: '市容环境,暴露垃圾',
        group: '市容环境',
      });
      expect(root.children.map((s) => fields(s).service_code)).not.toContain('1101');
    });

    it('a category made private or retired leaves the list, and discovery’s changeset moves', async () => {
      const db = server.platform.database.db;
      const before = json(await api.get('/open311/discovery.json')).changeset;
      const clock = server.platform.clock as ReturnType<typeof fakeClock>;
      clock.advance(60);
      const category = (await findCategory(db, '0102'))!;
      await updateCategory(db, '0102', category.version, { public: 0 }, clock.now().toISOString());
      const codes = json(await api.get('/open311/v2/services.json')).map((s: { service_code: string }) => s.service_code);
      expect(codes).not.toContain('0102');
      jsonErrors(await api.get('/open311/v2/services/0102.json'), 404);
      const after = json(await api.get('/open311/discovery.json')).changeset;
      expect(after > before).toBe(true);
      await updateCategory(db, '0102', category.version + 1, { public: 1, active: 0 }, clock.now().toISOString());
      expect(json(await api.get('/open311/v2/services.json')).map((s: { service_code: string }) => s.service_code)).not.toContain('0102');
      await updateCategory(db, '0102', category.version + 2, { active: 1 }, clock.now().toISOString());
      expect(json(await api.get('/open311/v2/services.json')).map((s: { service_code: string }) => s.service_code)).toContain('0102');
    });

    it('jurisdiction_id is optional; when given it must be the district’s code, else 404', async () => {
      expect(json(await api.get(`/open311/v2/services.json?jurisdiction_id=${world.codes.district}`))).toHaveLength(PUBLIC_LEAVES.length);
      expect(json(await api.get('/open311/v2/services.json?jurisdiction_id='))).toHaveLength(PUBLIC_LEAVES.length);
      expect(jsonErrors(await api.get('/open311/v2/services.json?jurisdiction_id=sfgov.org'), 404)[0]).toContain('jurisdiction_id');
      expect(xmlErrors(await api.get('/open311/v2/services.xml?jurisdiction_id=410805'), 404)[0]).toContain('jurisdiction_id');
    });

    it('an unknown format or resource is 404 in the spec’s error body, XML unless .json was asked', async () => {
      expect(xmlErrors(await api.get('/open311/v2/services.html'), 404)[0]).toContain('format');
      xmlErrors(await api.get('/open311/v2/services'), 404);
      jsonErrors(await api.get('/open311/v2/nothing.json'), 404);
      xmlErrors(await api.get('/open311/v2/nothing'), 404);
      xmlErrors(await server.app.inject({ method: 'DELETE', url: '/open311/v2/services.xml' }), 404);
    });
  });

  describe('GET Service Definition', () => {
    it('a public service has no custom attributes: its definition is an empty attribute list', async () => {
      expect(json(await api.get('/open311/v2/services/0101.json'))).toEqual({ service_code: '0101', attributes: [] });
      const root = xml(await api.get(`/open311/v2/services/0201.xml?jurisdiction_id=${world.codes.district}`));
      expect(root.name).toBe('service_definition');
      expect(names(root)).toEqual(['service_code', 'attributes']);
      expect(fields(root)).toEqual({ service_code: '0201', attributes: '' });
      expect(child(root, 'attributes').children).toEqual([]);
    });

    it('private, unknown and major category codes are "service_code not found": 404', async () => {
      for (const code of ['1101', '1105', '9999', '01', 'abc']) {
        expect(jsonErrors(await api.get(`/open311/v2/services/${code}.json`), 404)[0]).toContain(code);
        xmlErrors(await api.get(`/open311/v2/services/${code}.xml`), 404);
      }
      jsonErrors(await api.get('/open311/v2/services/0101.json?jurisdiction_id=elsewhere'), 404);
      xmlErrors(await api.get('/open311/v2/services/0101.yaml'), 404);
    });
  });
});
