import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { importWorkbook } from '../../../src/modules/transfer/commands/importWorkbook.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';
import { IDS, registrySheets, sheetsOf, workbookOf } from '../../support/workbooks.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.each(DATABASES)('exporting the registry on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let home: string;
  const by = { actor: systemActor('test'), requestId: null };
  const download = async (token: string, query: string) => {
    const response = await as(server, token)('GET', `/api/transfer/export.xlsx?${query}`);
    return { response, sheets: response.statusCode === 200 ? await sheetsOf(response.rawPayload) : {} };
  };
  const grid2 = () => `${world.codes.homeCommunity}002`;

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    await importWorkbook(server.platform, by, await workbookOf(registrySheets(world.codes, world.users.worker.username)), {
      source: 'registry.xlsx',
    });
    home = await signIn(server, world.users.home.username);
  });
  afterAll(() => server?.dispose());

  it('is masked by default: names, ID numbers, phones, health notes and birth days hidden; nothing from outside the unit', async () => {
    const { response, sheets } = await download(home, `unit=${world.codes.home}`);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    expect(Object.keys(sheets)).toEqual(['说明', '组织单元', '楼栋', '户', '居民', '网格员']);
    const grandmother = sheets['居民'].find((row) => row[5] === `410804********${IDS.grandmother.slice(-4)}`);
    expect(grandmother).toEqual([
      '幸福路1号院1号楼1单元101',
      world.codes.homeMicrogrid,
      '张*兰',
      '女',
      '1948',
      `410804********${IDS.grandmother.slice(-4)}`,
      '139****0101',
      '独居,老年',
      '***',
    ]);
    expect(response.rawPayload.includes(Buffer.from(IDS.grandmother))).toBe(false);
    expect(JSON.stringify(sheets)).not.toContain(world.codes.foreign);
    expect(sheets['组织单元'][1]).toEqual([world.codes.home, `单位${world.codes.home}`]);
    expect(sheets['网格员'][1]).toEqual([
      `410804********${IDS.worker.slice(-4)}`,
      `${world.codes.homeMicrogrid},${grid2()}01`,
      '2024-01-01',
      world.users.worker.username,
    ]);
  });

  it('a masked export cannot be imported back over the real data', async () => {
    const { response } = await download(home, `unit=${grid2()}`);
    const refused = await importWorkbook(server.platform, by, response.rawPayload, { source: 'masked.xlsx' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, code: 'transfer.masked_export' });
  });

  it('in clear for whoever may reveal, audited without the values, and importing it back changes nothing', async () => {
    const audit = await countRows(server, 'audit_record');
    const { response, sheets } = await download(home, `unit=${grid2()}&unmasked=1`);

    expect(response.statusCode).toBe(200);
    expect(sheets['居民'][1]).toEqual(['团结村12号', `${grid2()}01`, '赵大山', '男', '1960-11-11', IDS.worker, '13903910104', '党员']);
    const record = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(await countRows(server, 'audit_record')).toBe(audit + 1);
    expect(record).toMatchObject({ action: 'transfer.export', object_id: grid2(), actor_label: `user:${world.users.home.username}` });
    expect(JSON.parse(record.summary)).toEqual({
      unit: grid2(),
      unmasked: true,
      rows: { units: 2, buildings: 1, households: 1, residents: 1, workers: 1 },
    });
    expect(record.summary).not.toContain(IDS.worker);

    const again = await importWorkbook(server.platform, by, response.rawPayload, { source: 'export.xlsx' });
    expect(again.unchanged).toBe(true);
  });

  it('personal data in clear is refused to a worker; units outside the scope are not found', async () => {
    const worker = await signIn(server, world.users.worker.username);
    expect((await download(worker, `unit=${world.codes.homeMicrogrid}&unmasked=1`)).response.statusCode).toBe(403);
    expect((await download(worker, `unit=${world.codes.homeMicrogrid}`)).response.statusCode).toBe(200);
    expect((await download(home, `unit=${world.codes.foreign}`)).response.statusCode).toBe(404);
    const department = await signIn(server, world.users.department.username);
    expect((await download(department, `unit=${world.codes.home}`)).response.statusCode).toBe(404);
  });

  it('the template is every sheet with its headers only, and a note on each header', async () => {
    const response = await as(server, home)('GET', '/api/transfer/template.xlsx');
    const sheets = await sheetsOf(response.rawPayload);
    expect(sheets['居民']).toEqual([['户地址', '所属微网格代码', '姓名', '性别', '出生日期', '身份证号', '手机号', '标签', '健康备注']]);
    expect(sheets['网格员']).toEqual([['身份证号', '服务微网格代码', '起始日期', '账号']]);
    // The template imports as an empty file.
    const result = await importWorkbook(server.platform, by, response.rawPayload, { source: 'template.xlsx' });
    expect(result.sheets.every((s) => s.rows === 0)).toBe(true);
  });
});
