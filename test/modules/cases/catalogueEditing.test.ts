import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseCallers, makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { DATABASES } from '../../support/databases.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';

/** The district edits its catalogue, routing rules and work calendar in the console. */
describe.each(DATABASES)('editing the catalogue on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  let callers: Awaited<ReturnType<typeof caseCallers>>;

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeCaseWorld(server.platform);
    callers = await caseCallers(server, world);
  });
  afterAll(() => server?.dispose());

  const admin = () => callers.call('admin');

  it('a new major and leaf with a filing condition take reports at once', async () => {
    expect((await admin()('POST', '/api/cases/categories', { code: '12', name: '文明养犬' })).statusCode).toBe(201);
    const leaf = await admin()('POST', '/api/cases/categories', { code: '1201', name: '犬只扰民', public: true });
    expect(leaf.statusCode).toBe(201);
    const condition = await admin()('POST', '/api/cases/conditions', {
      categoryCode: '1201',
      name: '夜间犬吠持续30分钟以上',
      limit: { amount: 2, unit: 'working_days' },
      closing: '犬主已整改，邻里无投诉',
    });
    expect(condition.json()).toMatchObject({ code: '120101', limit: { amount: 2, unit: 'working_days' }, version: 1 });
    const tree = (await callers.call('worker')('GET', '/api/cases/catalogue')).json();
    const major = tree.majors.find((m: { code: string }) => m.code === '12');
    expect(major.leaves[0]).toMatchObject({ code: '1201', name: '犬只扰民', conditions: [{ code: '120101' }] });
    expect((await callers.report('worker', { categoryCode: '1201' })).id).toBeTruthy();
  });

  it('refuses what would break the catalogue, changing nothing', async () => {
    const before = await countRows(server, 'case_category');
    const audit = await countRows(server, 'audit_record');
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/cases/categories', { code: '1301', name: '无主大类下的小类' }, 422, 'case.unknown_category'],
      ['POST', '/api/cases/categories', { code: '12', name: '重复代码' }, 409, 'case.category_exists'],
      ['POST', '/api/cases/categories', { code: '13', name: '犬只扰民' }, 409, 'case.category_name_taken'],
      ['POST', '/api/cases/categories', { code: '123', name: '三位代码' }, 400, 'request.invalid'],
      ['POST', '/api/cases/conditions', { categoryCode: '1299', name: '不存在的小类下的条件', limit: { amount: 1, unit: 'working_days' }, closing: '完成' }, 422, 'case.unknown_category'],
      ['POST', '/api/cases/conditions', { categoryCode: '1201', name: '零时限', limit: { amount: 0, unit: 'working_days' }, closing: '完成' }, 400, 'request.invalid'],
      ['PATCH', '/api/cases/categories/1201', { version: 7, name: '过期版本' }, 409, 'request.stale_version'],
      ['PATCH', '/api/cases/categories/9999', { version: 1, name: '不存在' }, 404, 'case_category.not_found'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const answer = await admin()(method as 'POST', url, body);
      expect({ url, body, status: answer.statusCode, code: answer.json().error?.code }).toEqual({ url, body, status, code });
    }
    const notAdmin = await callers.call('home')('POST', '/api/cases/categories', { code: '14', name: '街道自设' });
    expect(notAdmin.statusCode).toBe(403);
    expect(await countRows(server, 'case_category')).toBe(before);
    expect(await countRows(server, 'audit_record')).toBe(audit);
  });

  it('a category made private takes its cases out of public view; a retired one takes no new reports', async () => {
    const { id } = await callers.report('worker', { categoryCode: '1201' });
    const category = (await admin()('GET', '/api/cases/catalogue')).json().majors.find((m: { code: string }) => m.code === '12').leaves[0];
    const changed = await admin()('PATCH', '/api/cases/categories/1201', { version: category.version, public: false });
    expect(changed.json()).toMatchObject({ public: false, version: category.version + 1 });
    expect((await admin()('GET', `/api/cases/${id}`)).json().public).toBe(false);
    await admin()('PATCH', '/api/cases/categories/1201', { version: category.version + 1, active: false });
    const refused = await callers.call('worker')('POST', '/api/cases', { categoryCode: '1201', description: '狗叫', areaCode: world.codes.homeMicrogrid });
    expect(refused.json().error.code).toBe('case.unknown_category');
  });

  it('a condition’s new limit applies to cases dispatched afterwards', async () => {
    const answer = await admin()('PATCH', '/api/cases/conditions/120101', { version: 1, limit: { amount: 4, unit: 'urgent_hours' } });
    expect(answer.json()).toMatchObject({ limit: { amount: 4, unit: 'urgent_hours' }, version: 2 });
  });

  it('routing rules send a dispatch without a named department, the most specific area first', async () => {
    const everywhere = await admin()('POST', '/api/cases/routes', {
      categoryCode: '0101',
      areaCode: world.codes.district,
      leadDepartment: world.codes.department,
      coHandlers: [world.codes.otherDepartment, world.codes.department],
    });
    expect(everywhere.statusCode, everywhere.body).toBe(201);
    expect(everywhere.json()).toMatchObject({ coHandlers: [world.codes.otherDepartment] });
    const dispatch = async () => {
      const { id } = await callers.report();
      await callers.act('gridStaff', id, 'verify');
      await callers.act('gridStaff', id, 'file', { conditionCode: '010101' });
      return (await callers.act('homeCommunity', id, 'dispatch')).json();
    };
    expect(await dispatch()).toMatchObject({ leadDepartment: world.codes.department, handlers: [{ role: 'lead' }, { role: 'co' }] });

    const local = await admin()('POST', '/api/cases/routes', { categoryCode: '0101', areaCode: world.codes.home, leadDepartment: world.codes.otherDepartment });
    expect(local.statusCode).toBe(201);
    expect((await dispatch()).leadDepartment).toBe(world.codes.otherDepartment);

    expect((await admin()('POST', '/api/cases/routes', { categoryCode: '0101', areaCode: world.codes.home, leadDepartment: world.codes.department })).statusCode).toBe(409);
    expect((await admin()('POST', '/api/cases/routes', { categoryCode: '0101', areaCode: world.codes.homeGrid, leadDepartment: world.codes.home })).json().error.code).toBe(
      'case.unknown_department',
    );
    const changed = await admin()('PATCH', `/api/cases/routes/${local.json().id}`, { version: 1, leadDepartment: world.codes.department, coHandlers: [] });
    expect(changed.json()).toMatchObject({ leadDepartment: world.codes.department, version: 2 });
    expect((await admin()('DELETE', `/api/cases/routes/${local.json().id}?version=1`)).statusCode).toBe(409);
    expect((await admin()('DELETE', `/api/cases/routes/${local.json().id}?version=2`)).statusCode).toBe(204);
    const rules = (await callers.call('department')('GET', '/api/cases/routes')).json().items;
    expect(rules.map((r: { areaCode: string }) => r.areaCode)).toEqual([world.codes.district]);
  });

  it('a year of the work calendar is replaced from its file, or not at all', async () => {
    const bad = await admin()('PUT', '/api/cases/calendar/2027', { text: '2027-02-06..2027-02-13 holiday 春节\n2027-02-30 workday 调休\nnonsense' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.problems).toEqual([
      { line: 2, problem: 'not a real day or range' },
      { line: 3, problem: 'expected `YYYY-MM-DD[..YYYY-MM-DD] holiday|workday [name]`' },
    ]);
    const wrongYear = await admin()('PUT', '/api/cases/calendar/2027', { text: '2028-01-01 holiday 元旦' });
    expect(wrongYear.statusCode).toBe(422);
    const good = await admin()('PUT', '/api/cases/calendar/2027', { text: '# 2027\n2027-02-06..2027-02-13 holiday 春节\n2027-02-14 workday 春节调休上班' });
    expect(good.json()).toEqual({ holidays: 8, workdays: 1 });
    const days = (await callers.call('worker')('GET', '/api/cases/calendar')).json().days.filter((d: { day: string }) => d.day.startsWith('2027'));
    expect(days).toHaveLength(9);
    expect(days.find((d: { day: string }) => d.day === '2027-02-14')).toEqual({ day: '2027-02-14', kind: 'workday', name: '春节调休上班' });
    expect((await callers.call('home')('PUT', '/api/cases/calendar/2027', { text: '' })).statusCode).toBe(403);
  });
});
