import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { AppError } from '../../../src/platform/http/errors.ts';
import { importWorkbook } from '../../../src/modules/transfer/commands/importWorkbook.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';
import { box } from '../../support/tessellation.ts';
import { D, IDS, registrySheets, registryWithBadRows, S, W, workbookOf } from '../../support/workbooks.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.each(DATABASES)('importing a registry workbook on %s', (kind) => {
  let server: TestServer;
  let world: World;
  const by = { actor: systemActor('test'), requestId: null };
  const run = (file: Buffer, dryRun = false) => importWorkbook(server.platform, by, file, { source: 'registry.xlsx', dryRun });
  const rejection = async (file: Buffer) => {
    const error = await run(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  /** Every registry row's key and version, and the audit count: what an import must leave alone when it refuses. */
  const snapshot = async () => {
    const { db } = server.platform.database;
    return {
      units: await db.selectFrom('org_unit').select(['code', 'version']).orderBy('code').execute(),
      buildings: await db.selectFrom('building').select(['id', 'version', 'lng']).orderBy('id').execute(),
      households: await db.selectFrom('household').select(['id', 'version', 'building_id']).orderBy('id').execute(),
      residents: await db.selectFrom('resident').select(['id', 'version', 'household_id']).orderBy('id').execute(),
      workers: await db.selectFrom('worker').select(['resident_id', 'version', 'user_id']).orderBy('resident_id').execute(),
      served: await db.selectFrom('worker_microgrid').selectAll().orderBy('resident_id').orderBy('microgrid_code').execute(),
      audit: await countRows(server, 'audit_record'),
    };
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    // The home micro-grid gets a boundary, so buildings in it are checked against it.
    const boundary = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { code: world.codes.homeMicrogrid }, geometry: box(W, S, W + D, S + D) }],
    };
    const { importBoundaries } = await import('../../../src/modules/transfer/commands/importBoundaries.ts');
    await importBoundaries(server.platform, by, boundary, { source: 'boundaries.geojson' });
  });
  afterAll(() => server?.dispose());

  it('a workbook with ten bad rows among good ones imports nothing and reports all ten', async () => {
    const good = registrySheets(world.codes, world.users.worker.username);
    const { sheets, expected } = registryWithBadRows(good, world.codes);
    const before = await snapshot();

    const error = await rejection(await workbookOf(sheets));

    expect(error).toMatchObject({ status: 422, code: 'transfer.import_invalid' });
    const problems = error.details!.problems as { sheet: string; row: number; column: string; problem: string }[];
    expect(problems.map((p) => [p.sheet, p.row, p.column])).toEqual(expected);
    expect(problems.every((p) => p.problem.length > 5)).toBe(true);
    expect(problems.find((p) => p.sheet === '楼栋' && p.row === 5)!.problem).toMatch(/outside every micro-grid/);
    expect(problems.find((p) => p.sheet === '居民' && p.row === 10)!.problem).toBe('the same as row 2');
    expect(await snapshot()).toEqual(before);
  });

  it('the fixed workbook imports, and importing it again changes nothing', async () => {
    const file = await workbookOf(registrySheets(world.codes, world.users.worker.username));
    const units = await countRows(server, 'org_unit');

    const first = await run(file);

    expect(first.unchanged).toBe(false);
    expect(first.sheets).toEqual([
      { sheet: '组织单元', rows: 2, created: 2, updated: 0, unchanged: 0 },
      { sheet: '楼栋', rows: 3, created: 3, updated: 0, unchanged: 0 },
      { sheet: '户', rows: 3, created: 3, updated: 0, unchanged: 0 },
      { sheet: '居民', rows: 5, created: 5, updated: 0, unchanged: 0 },
      { sheet: '网格员', rows: 1, created: 1, updated: 0, unchanged: 0 },
    ]);
    expect(await countRows(server, 'org_unit')).toBe(units + 2);
    const after = await snapshot();

    const again = await run(file);

    expect(again.unchanged).toBe(true);
    expect(again.sheets.map((s) => [s.sheet, s.created, s.updated, s.unchanged])).toEqual([
      ['组织单元', 0, 0, 2],
      ['楼栋', 0, 0, 3],
      ['户', 0, 0, 3],
      ['居民', 0, 0, 5],
      ['网格员', 0, 0, 1],
    ]);
    const { audit, ...rows } = await snapshot();
    const { audit: auditBefore, ...rowsBefore } = after;
    expect(rows).toEqual(rowsBefore);
    expect(audit).toBe(auditBefore + 2); // the two attempts (units, people) are recorded, with their counts
  });

  it('stores what the cells meant: dates of every kind, rich text, phones typed as numbers, sealed personal data', async () => {
    const { db } = server.platform.database;
    const residents = await db
      .selectFrom('resident')
      .selectAll()
      .where('microgrid_code', 'like', `${world.codes.home}%`)
      .orderBy('name')
      .execute();
    const byName = new Map(residents.map((r) => [r.name, r]));
    expect(byName.get('张桂兰')).toMatchObject({ birth_date: '1948-03-12', gender: 'female', tags: '["living_alone","elderly"]' });
    expect(byName.get('李建国')).toMatchObject({ birth_date: '1975-07-01', tags: '["party_member"]' });
    expect(byName.get('王小红')).toMatchObject({ birth_date: '2010-09-05' });
    expect(byName.get('李小宝')).toMatchObject({ birth_date: '2009-07-06', id_number_enc: null });
    expect(JSON.stringify(residents)).not.toContain(IDS.grandmother);
    expect(JSON.stringify(residents)).not.toContain('13903910101');
    const worker = await db
      .selectFrom('worker')
      .innerJoin('resident', 'resident.id', 'worker.resident_id')
      .select(['resident.name', 'worker.user_id', 'worker.since'])
      .executeTakeFirstOrThrow();
    expect(worker).toEqual({ name: '赵大山', user_id: world.users.worker.id, since: '2024-01-01' });
    const served = await db.selectFrom('worker_microgrid').select('microgrid_code').orderBy('microgrid_code').execute();
    expect(served.map((s) => s.microgrid_code)).toEqual([world.codes.homeMicrogrid, `${world.codes.homeCommunity}00201`]);
    // The linked account's scope follows what its person serves.
    const scope = await db
      .selectFrom('user_microgrid')
      .select('microgrid_code')
      .where('user_id', '=', world.users.worker.id)
      .orderBy('microgrid_code')
      .execute();
    expect(scope.map((s) => s.microgrid_code)).toEqual([world.codes.homeMicrogrid, `${world.codes.homeCommunity}00201`]);
  });

  it('a changed cell updates that row alone, with its version', async () => {
    const sheets = registrySheets(world.codes, world.users.worker.username);
    sheets['居民'][1][6] = '13903919999';
    sheets['楼栋'][2][3] = W + 0.007;
    const before = await snapshot();

    const result = await run(await workbookOf(sheets));

    expect(result.sheets.map((s) => [s.sheet, s.updated, s.unchanged])).toEqual([
      ['组织单元', 0, 2],
      ['楼栋', 1, 2],
      ['户', 0, 3],
      ['居民', 1, 4],
      ['网格员', 0, 1],
    ]);
    const after = await snapshot();
    const changed = <T extends { version: number }>(a: T[], b: T[]) => b.filter((row, i) => row.version !== a[i].version).length;
    expect(changed(before.residents, after.residents)).toBe(1);
    expect(changed(before.buildings, after.buildings)).toBe(1);
    expect(changed(before.households, after.households)).toBe(0);
  });

  it('a dry run validates without writing', async () => {
    const before = await snapshot();
    const result = await run(
      await workbookOf({
        户: [
          ['所属微网格代码', '地址'],
          [world.codes.homeMicrogrid, '新来的一户'],
        ],
      }),
      true,
    );
    expect(result).toEqual({ dryRun: true, unchanged: false, sheets: [{ sheet: '户', rows: 1 }] });
    expect(await snapshot()).toEqual(before);
  });

  it('a file that is not our workbook is a 400 with a clear code', async () => {
    const code = async (file: Buffer) => (await rejection(file)).code;
    expect(await code(Buffer.from('名称,代码\n'))).toBe('transfer.not_xlsx');
    expect(await code(await workbookOf({ 人口: [['姓名']] }))).toBe('transfer.unknown_sheet');
    expect(await code(await workbookOf({ 户: [['所属微网格代码']] }))).toBe('transfer.missing_column');
    expect(await code(await workbookOf({ 户: [['所属微网格代码', '地址', '门牌']] }))).toBe('transfer.unknown_column');
  });

  it('over HTTP: an office outside the rows’ scope is refused whole, the owner imports, the report comes as 422', async () => {
    const { as, signIn } = await import('../../support/server.ts');
    const upload = (token: string, file: Buffer) =>
      server.app.inject({
        method: 'POST',
        url: '/api/transfer/import',
        payload: file,
        headers: { authorization: `Bearer ${token}`, 'content-type': XLSX },
      });
    const foreign = await signIn(server, world.users.foreign.username);
    const home = await signIn(server, world.users.home.username);
    const file = await workbookOf({
      户: [
        ['所属微网格代码', '地址'],
        [world.codes.homeMicrogrid, '幸福路2号'],
      ],
    });
    const audit = await countRows(server, 'audit_record');

    expect((await upload(foreign, file)).statusCode).toBe(403);
    expect(await countRows(server, 'audit_record')).toBe(audit);

    const checked = await server.app.inject({
      method: 'POST',
      url: '/api/transfer/import?dryRun=1&name=%E6%88%B7.xlsx',
      payload: file,
      headers: { authorization: `Bearer ${home}`, 'content-type': XLSX },
    });
    expect(checked.json()).toEqual({ dryRun: true, unchanged: false, sheets: [{ sheet: '户', rows: 1 }] });
    expect(await countRows(server, 'audit_record')).toBe(audit);

    const imported = await upload(home, file);
    expect(imported.statusCode).toBe(200);
    expect(imported.json().sheets).toEqual([{ sheet: '户', rows: 1, created: 1, updated: 0, unchanged: 0 }]);

    const bad = await upload(
      home,
      await workbookOf({
        户: [
          ['所属微网格代码', '地址'],
          [world.codes.homeMicrogrid, null],
        ],
      }),
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({
      code: 'transfer.import_invalid',
      details: { problems: [{ sheet: '户', row: 2, column: '地址', problem: 'required' }] },
    });
    expect((await as(server, home)('GET', '/api/transfer/template.xlsx')).headers['content-type']).toBe(XLSX);
  });
});
