import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../../src/platform/authz/actor.ts';
import { AppError } from '../../../src/platform/http/errors.ts';
import { assignWorker } from '../../../src/modules/people/commands/assignWorker.ts';
import { upsertPeople } from '../../../src/modules/people/commands/upsertPeople.ts';
import { exportWorkbook } from '../../../src/modules/transfer/commands/exportWorkbook.ts';
import { importBoundaries } from '../../../src/modules/transfer/commands/importBoundaries.ts';
import { importWorkbook } from '../../../src/modules/transfer/commands/importWorkbook.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeHousehold, makeUnit, makeUser, makeWorld, residentIdNumber, type World } from '../../support/factories.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { box } from '../../support/tessellation.ts';
import { D, idNumberOf, S, sheetsOf, W, workbookOf, type SheetCells } from '../../support/workbooks.ts';

const WORKERS_HEADER = ['身份证号', '服务微网格代码', '起始日期', '账号'];

/**
 * An import and an export keep to the importer's scope as the HTTP API does: residents are matched
 * only where the importer may write, workers' service and accounts follow the registry's rules, and
 * nothing names a person or a unit outside the scope.
 */
describe.each(DATABASES)('the spreadsheets keep to the scope on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let homeAdmin: Actor;
  const system = { actor: systemActor('test'), requestId: null };
  const asHome = () => ({ actor: homeAdmin, requestId: null });
  const ids = {
    homeMother: residentIdNumber('19480312', 1, 'female'),
    homeSon: residentIdNumber('19750701', 1, 'male'),
    foreignMother: residentIdNumber('19480312', 2, 'female'),
    foreignSon: residentIdNumber('19750701', 2, 'male'),
    neighbourMother: residentIdNumber('19480312', 3, 'female'),
    neighbourSon: residentIdNumber('19750701', 3, 'male'),
  };
  let m2: string;
  let residentIds: Record<keyof typeof ids, string>;

  const importAs = (by: { actor: Actor; requestId: null }, sheets: Record<string, SheetCells>, dryRun = false) =>
    workbookOf(sheets).then((file) => importWorkbook(server.platform, by, file, { source: 'scope.xlsx', dryRun }));
  const problemsOf = async (attempt: Promise<unknown>) => {
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 422 });
    return ((error as AppError).details!.problems as { sheet: string; row: number; column: string; problem: string; code?: string }[]).map(
      ({ sheet, row, column, problem }) => ({ sheet, row, column, problem }),
    );
  };
  const residentRow = async (id: string) =>
    server.platform.database.db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const served = async (residentId: string) =>
    (
      await server.platform.database.db
        .selectFrom('worker_microgrid')
        .select('microgrid_code')
        .where('resident_id', '=', residentId)
        .orderBy('microgrid_code')
        .execute()
    ).map((r) => r.microgrid_code);
  const accountScope = async (userId: string) =>
    (
      await server.platform.database.db
        .selectFrom('user_microgrid')
        .select('microgrid_code')
        .where('user_id', '=', userId)
        .orderBy('microgrid_code')
        .execute()
    ).map((r) => r.microgrid_code);
  const workerRow = (residentId: string) =>
    server.platform.database.db.selectFrom('worker').selectAll().where('resident_id', '=', residentId).executeTakeFirst();

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    m2 = `${world.codes.homeGrid}02`;
    for (const n of ['02', '03', '04']) await makeUnit(server.platform, `${world.codes.homeGrid}${n}`);
    const neighbours = await makeHousehold(server.platform, m2, 3);
    homeAdmin = {
      type: 'user',
      id: world.users.home.id,
      label: world.users.home.username,
      role: 'subdistrict_admin',
      scope: { kind: 'unit', code: world.codes.home },
    };
    const [homeMother, homeSon] = world.homeHousehold.residents;
    const [foreignMother, foreignSon] = world.foreignHousehold.residents;
    const [neighbourMother, neighbourSon] = neighbours.residents;
    residentIds = {
      homeMother: homeMother.id,
      homeSon: homeSon.id,
      foreignMother: foreignMother.id,
      foreignSon: foreignSon.id,
      neighbourMother: neighbourMother.id,
      neighbourSon: neighbourSon.id,
    };
    // Boundaries side by side: the home micro-grid west, the foreign one east.
    await importBoundaries(
      server.platform,
      system,
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { code: world.codes.homeMicrogrid }, geometry: box(W, S, W + D, S + D) },
          { type: 'Feature', properties: { code: world.codes.foreignMicrogrid }, geometry: box(W + D, S, W + 2 * D, S + D) },
        ],
      },
      { source: 'boundaries.geojson' },
    );
  });
  afterAll(() => server?.dispose());

  it('a resident registered outside the scope is not matched, moved or edited: the row is refused naming no one', async () => {
    const before = await residentRow(residentIds.foreignMother);
    const sheets = {
      居民: [
        ['户地址', '所属微网格代码', '姓名', '性别', '出生日期', '身份证号', '手机号', '标签', '健康备注'],
        ['幸福路1号', world.codes.homeMicrogrid, '张桂兰', '女', null, ids.foreignMother, '13900000000', null, '改过的备注'],
      ],
    };

    const problems = await problemsOf(importAs(asHome(), sheets));

    expect(problems).toEqual([{ sheet: '居民', row: 2, column: '身份证号', problem: 'this ID number is already registered elsewhere' }]);
    expect(JSON.stringify(problems)).not.toContain(world.codes.foreign);
    // The command itself keeps the rule too, whoever calls it.
    const direct = (await upsertPeople(
      server.platform,
      asHome(),
      {
        buildings: [],
        households: [],
        workers: [],
        residents: [
          {
            microgridCode: world.codes.homeMicrogrid,
            householdAddress: '幸福路1号',
            name: '张桂兰',
            gender: 'female',
            birthDate: null,
            idNumber: ids.foreignMother,
            phone: null,
            healthNotes: null,
            tags: [],
          },
        ],
      },
      'direct',
    ).catch((e: unknown) => e)) as AppError;
    expect(direct).toMatchObject({ status: 422, code: 'people.import_invalid' });
    expect(direct.details!.problems).toEqual([
      {
        kind: 'residents',
        index: 0,
        field: 'idNumber',
        code: 'id_number_elsewhere',
        problem: 'this ID number is already registered elsewhere',
      },
    ]);
    expect(await residentRow(residentIds.foreignMother)).toEqual(before);
  });

  it('a worker row adds and removes only micro-grids inside the scope; its person must be one the importer may read', async () => {
    await assignWorker(server.platform, system, { residentId: residentIds.homeSon, microgridCode: world.codes.homeMicrogrid });
    await assignWorker(server.platform, system, { residentId: residentIds.homeSon, microgridCode: world.codes.foreignMicrogrid });

    const result = await importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.homeSon, world.codes.homeMicrogrid, null, null]] });

    expect(result.sheets).toEqual([{ sheet: '网格员', rows: 1, created: 0, updated: 0, unchanged: 1 }]);
    expect(await served(residentIds.homeSon)).toEqual([world.codes.homeMicrogrid, world.codes.foreignMicrogrid]);

    const foreigner = await problemsOf(importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.foreignSon, m2, null, null]] }));
    expect(foreigner).toEqual([
      { sheet: '网格员', row: 2, column: '身份证号', problem: 'no resident registered in your area has this ID number' },
    ]);
    expect(await workerRow(residentIds.foreignSon)).toBeUndefined();
  });

  it('a worker account must be an enabled worker account; a linked worker keeps theirs; a blank cell keeps the link', async () => {
    // Accounts start with some micro-grid; linking one gives it exactly what its person serves.
    const m4 = `${world.codes.homeGrid}04`;
    const first = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [m4] });
    const second = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [m4] });
    const disabled = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [m4] });
    await server.platform.database.db.updateTable('app_user').set({ disabled: 1 }).where('id', '=', disabled.id).execute();
    // homeSon serves the home micro-grid (and a foreign one); link the first account.
    await importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.homeSon, world.codes.homeMicrogrid, null, first.username]] });
    expect((await workerRow(residentIds.homeSon))!.user_id).toBe(first.id);
    expect(await accountScope(first.id)).toEqual([world.codes.homeMicrogrid, world.codes.foreignMicrogrid]);

    const refusedWith = async (username: string) =>
      (await problemsOf(importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.homeSon, world.codes.homeMicrogrid, null, username]] })))[0];
    expect(await refusedWith('nobody-here')).toEqual({
      sheet: '网格员',
      row: 2,
      column: '账号',
      problem: 'nobody-here is not an enabled worker account',
    });
    expect((await refusedWith(disabled.username)).problem).toBe(`${disabled.username} is not an enabled worker account`);
    expect((await refusedWith(world.users.home.username)).problem).toBe(`${world.users.home.username} is not an enabled worker account`);
    expect((await refusedWith(second.username)).problem).toBe('this worker already has another account');
    expect((await workerRow(residentIds.homeSon))!.user_id).toBe(first.id);

    // An account another worker holds is not taken over.
    await assignWorker(server.platform, system, { residentId: residentIds.neighbourSon, microgridCode: m2, username: second.username });
    const m3 = `${world.codes.homeGrid}03`;
    const taken = await problemsOf(importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.homeMother, m3, null, second.username]] }));
    expect(taken).toEqual([{ sheet: '网格员', row: 2, column: '账号', problem: 'this account already belongs to another worker' }]);

    // A blank 账号 keeps the link, and the account's scope follows the micro-grids the row changes.
    await importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.homeSon, `${world.codes.homeMicrogrid},${m3}`, null, null]] });
    expect((await workerRow(residentIds.homeSon))!.user_id).toBe(first.id);
    expect(await accountScope(first.id)).toEqual([world.codes.homeMicrogrid, world.codes.foreignMicrogrid, m3].sort());
  });

  it('one worker per micro-grid: taken ones are refused unless their worker’s row gives them up; none goes to two rows', async () => {
    const m3 = `${world.codes.homeGrid}03`;
    // homeSon serves home, m3 (and foreign); neighbourSon serves m2.
    const taken = await problemsOf(importAs(asHome(), { 网格员: [WORKERS_HEADER, [ids.homeMother, m2, null, null]] }));
    expect(taken).toEqual([{ sheet: '网格员', row: 2, column: '服务微网格代码', problem: `micro-grid ${m2} already has another worker` }]);
    const twice = await problemsOf(
      importAs(asHome(), {
        网格员: [WORKERS_HEADER, [ids.homeSon, `${world.codes.homeMicrogrid},${m3}`, null, null], [ids.homeMother, m3, null, null]],
      }),
    );
    expect(twice).toEqual([
      { sheet: '网格员', row: 3, column: '服务微网格代码', problem: `micro-grid ${m3} is also given to the worker of row 2` },
    ]);
    expect(await served(residentIds.homeMother)).toEqual([]);

    // Handed over in one file: homeSon gives m3 up, homeMother takes it; the account follows.
    const handed = await importAs(asHome(), {
      网格员: [WORKERS_HEADER, [ids.homeMother, m3, null, null], [ids.homeSon, world.codes.homeMicrogrid, null, null]],
    });
    expect(handed.sheets[0]).toMatchObject({ created: 1, updated: 1 });
    expect(await served(residentIds.homeMother)).toEqual([m3]);
    expect(await served(residentIds.homeSon)).toEqual([world.codes.homeMicrogrid, world.codes.foreignMicrogrid]);
    const account = (await workerRow(residentIds.homeSon))!.user_id!;
    expect(await accountScope(account)).toEqual([world.codes.homeMicrogrid, world.codes.foreignMicrogrid]);
  });

  it('an export shows only the scope’s micro-grids of a worker, leaves out workers living elsewhere, and imports back unchanged', async () => {
    // foreignMother lives in the foreign subdistrict and serves a home micro-grid.
    const m4 = `${world.codes.homeGrid}04`;
    await assignWorker(server.platform, system, { residentId: residentIds.foreignMother, microgridCode: m4 });

    const exported = await exportWorkbook(server.platform, asHome(), { unit: world.codes.home, unmasked: true });
    const sheets = await sheetsOf(exported.file);

    const text = JSON.stringify(sheets);
    expect(text).not.toContain(world.codes.foreign);
    expect(text).not.toContain(ids.foreignMother);
    expect(text).not.toContain(ids.foreignMother.slice(-4));
    expect(sheets['网格员'].find((row) => row[0] === ids.homeSon)!.slice(0, 2)).toEqual([ids.homeSon, world.codes.homeMicrogrid]);
    expect(sheets['网格员']).toHaveLength(4); // header, homeSon, homeMother, neighbourSon
    expect(sheets['说明'].some((row) => String(row[3]).includes('另有 1 名网格员'))).toBe(true);

    const again = await importWorkbook(server.platform, asHome(), exported.file, { source: 'export.xlsx' });
    expect(again.unchanged).toBe(true);
    expect(await served(residentIds.homeSon)).toEqual([world.codes.homeMicrogrid, world.codes.foreignMicrogrid]);
    expect(await served(residentIds.foreignMother)).toEqual([m4]);
  });

  it('boundaries outside the scope are refused before anything is looked up, dry run too', async () => {
    const feature = (code: string) => ({ type: 'Feature', properties: { code }, geometry: box(W + 3 * D, S, W + 4 * D, S + D) });
    const attempt = (code: string, dryRun: boolean) =>
      importBoundaries(
        server.platform,
        asHome(),
        { type: 'FeatureCollection', features: [feature(code)] },
        { source: 'b.geojson', dryRun },
      ).then(
        () => null,
        (e: unknown) => e,
      );
    for (const dryRun of [true, false]) {
      expect(await attempt(world.codes.foreignMicrogrid, dryRun)).toMatchObject({ status: 403 });
      expect(await attempt(`${world.codes.foreignGrid}77`, dryRun)).toMatchObject({ status: 403 });
    }
  });

  it('a building placed in a micro-grid outside the scope does not learn its code', async () => {
    const problems = await problemsOf(
      importAs(asHome(), {
        楼栋: [
          ['所属微网格代码', '地址', '类型', '经度', '纬度'],
          [world.codes.homeMicrogrid, '幸福路8号楼', '楼房', W + 1.5 * D, S + 0.5 * D],
        ],
      }),
    );
    expect(problems).toEqual([
      { sheet: '楼栋', row: 2, column: '经度', problem: `the position lies in another micro-grid, not in ${world.codes.homeMicrogrid}` },
    ]);
  });

  it('values are stored as the HTTP API stores them, with its length limits', async () => {
    const newborn = idNumberOf('20200202', 12);
    await upsertPeople(
      server.platform,
      system,
      {
        buildings: [],
        households: [],
        workers: [],
        residents: [
          {
            microgridCode: m2,
            householdAddress: '幸福路3号',
            name: ' 小明 ',
            gender: 'female',
            birthDate: null,
            idNumber: `${newborn.slice(0, 6)} ${newborn.slice(6)}`.toLowerCase(),
            phone: '139-0391-8888',
            healthNotes: null,
            tags: [],
          },
        ],
      },
      'direct',
    );
    const row = await server.platform.database.db
      .selectFrom('resident')
      .selectAll()
      .where('microgrid_code', '=', m2)
      .where('name', '=', '小明')
      .executeTakeFirstOrThrow();
    expect(row.birth_date).toBe('2020-02-02');
    const { openResident } = await import('../../../src/modules/people/people.personalData.ts');
    expect(openResident(server.platform, row)).toMatchObject({ idNumber: newborn, phone: '13903918888' });

    const problems = await problemsOf(
      importAs(asHome(), {
        户: [
          ['所属微网格代码', '地址'],
          [m2, '甲'],
        ],
        居民: [
          ['户地址', '所属微网格代码', '姓名', '性别'],
          ['幸福路3号', m2, '名'.repeat(41), '女'],
        ],
      }),
    );
    expect(problems).toEqual([
      { sheet: '户', row: 2, column: '地址', problem: 'at least 2 characters' },
      { sheet: '居民', row: 2, column: '姓名', problem: 'at most 40 characters' },
    ]);
  });
});
