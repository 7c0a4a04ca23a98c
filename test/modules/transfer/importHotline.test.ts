import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { AppError } from '../../../src/platform/http/errors.ts';
import { importHotlineOrders } from '../../../src/modules/transfer/commands/importHotlineOrders.ts';
import { instantOf, wallTime } from '../../../src/modules/transfer/transfer.hotline.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeCaseWorld, type CaseWorld } from '../../support/cases.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import { HOTLINE_HEADER, HOTLINE_PHONES, hotlineOrders, sheetsOf, workbookOf, type SheetCells } from '../../support/workbooks.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('12345 order times', () => {
  it('are wall-clock times in the district’s zone, typed in the ways people type them', () => {
    const at = (value: string | number | Date, dayAlone = false) => {
      const parsed = wallTime(dayAlone)(value);
      return parsed.ok ? instantOf(parsed.value, 'Asia/Shanghai').toISOString() : parsed.code;
    };
    expect(at('2026-03-02 09:15')).toBe('2026-03-02T01:15:00.000Z');
    expect(at('2026/3/2 9:15:30')).toBe('2026-03-02T01:15:30.000Z');
    expect(at('2026年3月2日 9时15分')).toBe('2026-03-02T01:15:00.000Z');
    expect(at('2026-03-02T09:15:00.000')).toBe('2026-03-02T01:15:00.000Z');
    expect(at(new Date(Date.UTC(2026, 2, 2, 9, 15)))).toBe('2026-03-02T01:15:00.000Z');
    expect(at(46083 + 9.25 / 24)).toBe('2026-03-02T01:15:00.000Z');
    expect(at('2026-03-06', true)).toBe('2026-03-06T15:59:59.000Z');
    expect(at('2026-03-06')).toBe('date_time_expected');
    expect(at('2026-02-30 09:00')).toBe('not_real_time');
    expect(at('2026-03-02 24:10')).toBe('not_real_time');
    expect(at('3个工作日', true)).toBe('date_time_expected');
    expect(instantOf({ day: '2026-07-01', time: '09:00:00' }, 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });
});

describe.each(DATABASES)('importing 12345 work orders on %s', (kind) => {
  let server: TestServer;
  let world: CaseWorld;
  const tokens: Record<string, string> = {};
  const upload = (who: string, file: Buffer, query = '') =>
    server.app.inject({
      method: 'POST',
      url: `/api/transfer/hotline${query}`,
      payload: file,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': XLSX },
    });
  const orders = (sheet: SheetCells = hotlineOrders()) => workbookOf({ '12345工单': sheet });
  const hotlineCases = () =>
    server.platform.database.db.selectFrom('dispatch_case').selectAll().where('source', '=', 'hotline').orderBy('external_ref').execute();
  /** What a refused or dry import must leave alone. */
  const snapshot = async () => ({
    cases: await countRows(server, 'dispatch_case'),
    events: await countRows(server, 'case_event'),
    audit: await countRows(server, 'audit_record'),
  });

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeCaseWorld(server.platform);
    for (const who of ['home', 'foreign', 'admin', 'worker', 'department', 'gridStaff'] as const) {
      tokens[who] = await signIn(server, world.users[who].username);
    }
  });
  afterAll(() => server?.dispose());

  it('a file with bad rows writes nothing and reports exactly those rows', async () => {
    const sheet = hotlineOrders('BAD');
    sheet.push(
      ['BAD004', null, '2026-03-02 12:00', '赵敏', '13903910000', '幸福路1号', '垃圾桶满了没人倒。', '垃圾太多', null],
      [null, null, '2026-03-02 12:05', null, null, null, '路灯不亮一周了。', '路灯不亮', null],
      ['BAD006', null, '昨天下午', null, null, null, '噪音扰民。', '暴露垃圾', null],
      ['BAD002', null, '2026-03-02 12:10', null, null, null, '同一工单又导了一次。', '暴露垃圾', null],
      ['BAD008', null, '2026-03-02 12:20', null, null, null, '期限早于来电。', '暴露垃圾', '2026-03-01 12:00'],
    );
    const before = await snapshot();

    const response = await upload('home', await orders(sheet));

    expect(response.statusCode).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('transfer.import_invalid');
    const problems = error.details.problems as { sheet: string; row: number; column: string; problem: string; code: string }[];
    expect(problems.map(({ sheet, row, column, problem }) => ({ sheet, row, column, problem }))).toEqual([
      { sheet: '12345工单', row: 5, column: '问题分类', problem: '垃圾太多 is not a category (小类) of the catalogue' },
      { sheet: '12345工单', row: 6, column: '工单编号', problem: 'required' },
      { sheet: '12345工单', row: 7, column: '来电时间', problem: 'a date and time expected, e.g. 2026-03-02 09:15' },
      { sheet: '12345工单', row: 8, column: '工单编号', problem: 'the same as row 3' },
      { sheet: '12345工单', row: 9, column: '办理时限', problem: 'earlier than the call (来电时间)' },
    ]);
    expect(problems.map((p) => p.code)).toEqual([
      'unknown_category',
      'required',
      'date_time_expected',
      'duplicate',
      'deadline_before_call',
    ]);
    // The report never echoes a caller's phone or name.
    expect(response.body).not.toContain('13903910000');
    expect(response.body).not.toContain('赵敏');
    expect(await snapshot()).toEqual(before);
  });

  it('a missing column is one problem naming it; a file that is not a workbook or lacks the sheet is a 400', async () => {
    const sheet = hotlineOrders('COL').map((row) => row.filter((_, i) => i !== 7));
    const missing = await upload('home', await orders(sheet));
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details.problems).toEqual([
      { sheet: '12345工单', row: 1, column: '问题分类', code: 'column_missing', problem: 'the column is missing' },
    ]);

    expect((await upload('home', Buffer.from('工单编号,来电时间\n'))).json().error.code).toBe('transfer.not_xlsx');
    const twoSheets = await workbookOf({ 工单: [HOTLINE_HEADER], 其他: [['x']] });
    expect((await upload('home', twoSheets)).json().error.code).toBe('transfer.hotline_sheet_missing');
  });

  it('a dry run validates and writes nothing', async () => {
    const before = await snapshot();
    const response = await upload('home', await orders(), '?dryRun=1');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ dryRun: true, unchanged: false, sheets: [{ sheet: '12345工单', rows: 3 }] });
    expect(await snapshot()).toEqual(before);
  });

  it('an importer outside the unit, or not an office, is refused whole before the file is read', async () => {
    const before = await snapshot();
    const file = await orders();
    const foreign = await upload('foreign', file, `?unit=${world.codes.home}`);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('auth.forbidden');
    // A unit that does not exist is refused the same way: whether it exists is not the importer's to learn.
    expect((await upload('foreign', file, '?unit=410804009')).statusCode).toBe(403);
    expect((await upload('gridStaff', file, `?unit=${world.codes.home}`)).statusCode).toBe(403);
    expect((await upload('worker', file)).statusCode).toBe(403);
    expect((await upload('department', file)).statusCode).toBe(403);
    // A department is not a place: the unit must be an area code.
    expect((await upload('admin', file, `?unit=${world.codes.department}&dryRun=1`)).statusCode).toBe(400);
    expect((await upload('admin', file, '?unit=410804999&dryRun=1')).json().error.code).toBe('transfer.hotline_unit');
    expect(await snapshot()).toEqual(before);
  });

  it('a good file imports each order as a hotline case; the caller is masked and the phone never stored in clear', async () => {
    const before = await snapshot();

    const response = await upload('home', await orders(), '?name=orders-0302.xlsx');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      dryRun: false,
      unchanged: false,
      sheets: [{ sheet: '12345工单', rows: 3, created: 3, unchanged: 0 }],
    });
    const cases = await hotlineCases();
    expect(cases.map((c) => [c.external_ref, c.source, c.category_code, c.area_code, c.state])).toEqual([
      ['12345:GD2026030001', 'hotline', '0101', world.codes.home, 'reported'],
      ['12345:GD2026030002', 'hotline', '0201', world.codes.home, 'reported'],
      ['12345:GD2026030003', 'hotline', '0105', world.codes.home, 'reported'],
    ]);
    expect(cases[0].address).toBe('幸福路12号院北门');
    expect(cases[0].description).toBe(
      '小区北门外垃圾堆积三天无人清运，气味很大。\n【12345工单 GD2026030001；来电时间 2026-03-02 09:15；办理时限 2026-03-03 18:00】',
    );
    expect(cases[1].description).toContain('来电时间 2026-03-02 10:40；办理时限 2026-03-02 14:40');
    expect(cases[2].description).toContain('来电时间 2026-03-02 11:30；办理时限 2026-03-06】');
    expect(cases[2].address).toBe(`单位${world.codes.home}`); // no address given: the unit's name
    expect(cases.map((c) => c.reporter_name)).toEqual(['王建华', '刘桂芝', '匿名']);
    expect(cases.every((c) => c.reporter_contact_enc !== null)).toBe(true);
    for (const phone of HOTLINE_PHONES) expect(JSON.stringify(cases)).not.toContain(phone);
    const events = await server.platform.database.db.selectFrom('case_event').selectAll().execute();
    const audit = await server.platform.database.db.selectFrom('audit_record').selectAll().execute();
    const { db } = server.platform.database;
    const outbox = JSON.stringify([
      await db.selectFrom('notify_outbox').selectAll().execute(),
      await db.selectFrom('inbox_message').selectAll().execute(),
    ]);
    for (const phone of HOTLINE_PHONES) {
      expect(JSON.stringify(events)).not.toContain(phone);
      expect(JSON.stringify(audit)).not.toContain(phone);
      expect(outbox).not.toContain(phone);
    }
    expect(JSON.stringify(audit)).not.toContain('王建华');
    const after = await snapshot();
    expect(after.cases).toBe(before.cases + 3);
    expect(after.audit).toBe(before.audit + 4); // a case.report per order and the import with its counts
    const record = audit.find((a) => a.action === 'transfer.import_hotline')!;
    expect(JSON.parse(record.summary)).toEqual({ source: 'orders-0302.xlsx', rows: 3, created: 3, unchanged: 0 });

    const detail = await as(server, tokens.home)('GET', `/api/cases/${cases[0].id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      source: 'hotline',
      categoryName: '暴露垃圾',
      reporterName: '王*华',
      reporterContact: '139****7788',
    });
    const landline = await as(server, tokens.home)('GET', `/api/cases/${cases[1].id}`);
    expect(landline.json()).toMatchObject({ reporterName: '刘*芝', reporterContact: '039****1234' });
    for (const phone of HOTLINE_PHONES) expect(detail.body + landline.body).not.toContain(phone);
  });

  it('the same file again creates nothing and says so; a longer file creates only its new orders', async () => {
    const cases = await countRows(server, 'dispatch_case');

    const again = await upload('home', await orders());

    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ dryRun: false, unchanged: true, sheets: [{ sheet: '12345工单', rows: 3, created: 0, unchanged: 3 }] });
    expect(await countRows(server, 'dispatch_case')).toBe(cases);

    // How a re-import finishes a file whose import stopped half-way: the orders already in are skipped.
    const longer = hotlineOrders();
    longer.push(['GD2026030004', null, '2026-03-02 15:00', '陈立', '13800001111', '幸福路3号', '路面塌陷一处。', '道路破损', null]);
    const finished = await upload('home', await orders(longer));
    expect(finished.json().sheets).toEqual([{ sheet: '12345工单', rows: 4, created: 1, unchanged: 3 }]);
    expect(await countRows(server, 'dispatch_case')).toBe(cases + 1);
  });

  it('the cases go to the unit asked for, inside the importer’s scope', async () => {
    const by = { actor: systemActor('test'), requestId: null };
    const file = await orders([
      HOTLINE_HEADER,
      ['MG0001', '2026-03-02 16:00', null, null, null, '楼道堆物堵住消防通道。', '乱堆物料', null],
    ]);

    const result = await importHotlineOrders(server.platform, by, file, { source: 'mg.xlsx', unit: world.codes.homeMicrogrid });

    expect(result.sheets[0]).toMatchObject({ created: 1 });
    const kase = (await hotlineCases()).find((c) => c.external_ref === '12345:MG0001')!;
    expect(kase).toMatchObject({ area_code: world.codes.homeMicrogrid, reporter_name: null, reporter_contact_enc: null });
    // The worker of that micro-grid sees it.
    expect((await as(server, tokens.worker)('GET', `/api/cases/${kase.id}`)).statusCode).toBe(200);
    const refused = await importHotlineOrders(server.platform, by, file, { source: 'mg.xlsx', unit: '410804999' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 422, code: 'transfer.hotline_unit' });
  });

  it('the template has the headers and an example row that is never imported', async () => {
    const response = await as(server, tokens.home)('GET', '/api/transfer/hotline-template.xlsx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    const sheets = await sheetsOf(response.rawPayload);
    expect(Object.keys(sheets)).toEqual(['12345工单', '说明']);
    expect(sheets['12345工单'][0]).toEqual(HOTLINE_HEADER);
    expect(sheets['12345工单']).toHaveLength(2);
    expect(JSON.stringify(sheets['说明'])).toContain('市容环境 / 暴露垃圾');
    expect((await as(server, tokens.worker)('GET', '/api/transfer/hotline-template.xlsx')).statusCode).toBe(403);

    const imported = await upload('home', response.rawPayload);
    expect(imported.statusCode).toBe(422);
    expect(imported.json().error.details.problems).toMatchObject([{ sheet: '12345工单', row: 2, column: '工单编号', code: 'example_row' }]);
  });
});
