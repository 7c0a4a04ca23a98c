import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, scratch, type Scratch } from '../support/databases.ts';
import { passwordFile, pollHealth, runCli, spawnServe, type ServeProcess } from '../support/cli.ts';
import { box } from '../support/tessellation.ts';
import { idNumberOf, sheetsOf, workbookOf } from '../support/workbooks.ts';

/** Around Macun; each micro-grid is d × d degrees (about 0.9 × 1.1 km). */
const W = 113.3;
const S = 35.26;
const d = 0.01;
const MICROGRID_1 = '41080400100100101';
const MICROGRID_2 = '41080400100100102';
const WORKER_ID = idNumberOf('19601111', 301);

/**
 * A real district set up from nothing but `wangge init` and the import templates, no demo: the
 * tree from a workbook, the boundaries from GeoJSON, the people from another workbook; then the
 * served instance answers for the admin as it would for a district set up any other way.
 */
describe.concurrent.each(DATABASES)('a district set up from wangge init and the templates (%s)', (kind) => {
  let space: Scratch;
  let server: ServeProcess | undefined;
  const env = () => ({ ...space.env, WANGGE_DEMO: '0', LOG_LEVEL: 'warn' });
  const wangge = (...args: string[]) => runCli(args, env());
  const file = (name: string) => join(space.dataDir, name);

  beforeAll(async () => {
    space = await scratch(kind);
  });
  afterAll(async () => {
    await server?.stop();
    await space?.dispose();
  });

  it.sequential('init, then the template', async () => {
    const init = await wangge(
      'init',
      '--district-code',
      '410804',
      '--district-name',
      '马村区',
      '--password-file',
      passwordFile(space.dataDir, 'district-admin-pw'),
    );
    expect(init).toMatchObject({ code: 0, stderr: '' });

    const template = await wangge('template', file('template.xlsx'));
    expect(template).toMatchObject({ code: 0, stdout: `template written to ${file('template.xlsx')}\n` });
    expect(Object.keys(await sheetsOf(readFileSync(file('template.xlsx'))))).toEqual(['说明', '组织单元', '楼栋', '户', '居民', '网格员']);
  });

  it.sequential('the tree from a workbook: a bad one is refused with its report, the fixed one imports', async () => {
    const units = [
      ['代码', '名称'],
      ['410804001', '马村街道'],
      ['410804001001', '新华社区'],
      ['410804001001001', '一网格'],
      [MICROGRID_1, '一网格一号微网格'],
      [MICROGRID_2, '一网格二号微网格'],
    ];
    writeFileSync(file('bad-units.xlsx'), await workbookOf({ 组织单元: [...units, ['41080400200100101', '无上级']] }));
    const refused = await wangge('import', file('bad-units.xlsx'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^sheet\s+row\s+column\s+problem/m);
    expect(refused.stdout).toMatch(/^组织单元\s+7\s+代码\s+its parent 410804002001001 does not exist/m);
    expect(refused.stderr).toContain('transfer.import_invalid');

    writeFileSync(file('units.xlsx'), await workbookOf({ 组织单元: units }));
    const imported = await wangge('import', file('units.xlsx'));
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toMatch(/^组织单元\s+5\s+5\s+0\s+0/m);
  });

  it.sequential('the boundaries from GeoJSON, drawn on a GCJ-02 map', async () => {
    // The two micro-grids side by side; the units above share their corners, so the boundaries stay
    // seamless after conversion from GCJ-02 (which bends straight lines a little).
    const all = {
      type: 'Polygon',
      coordinates: [
        [
          [W, S],
          [W + d, S],
          [W + 2 * d, S],
          [W + 2 * d, S + d],
          [W + d, S + d],
          [W, S + d],
          [W, S],
        ],
      ],
    };
    const features = [
      ['410804001', all],
      ['410804001001', all],
      ['410804001001001', all],
      [MICROGRID_1, box(W, S, W + d, S + d)],
      [MICROGRID_2, box(W + d, S, W + 2 * d, S + d)],
    ].map(([code, geometry]) => ({ type: 'Feature', properties: { code }, geometry }));
    writeFileSync(file('boundaries.geojson'), JSON.stringify({ type: 'FeatureCollection', features }));

    const imported = await wangge('import', file('boundaries.geojson'), '--crs', 'gcj02');

    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toMatch(/^GeoJSON\s+5\s+0\s+5\s+0/m);
  });

  it.sequential('the people from a workbook, then once more without change', async () => {
    // Positions as AMap shows them (GCJ-02), like the boundaries.
    const people = {
      楼栋: [
        ['所属微网格代码', '地址', '类型', '经度', '纬度', '坐标系'],
        [MICROGRID_1, '新华路1号楼', '楼房', W + d / 2, S + d / 2, 'gcj02'],
        [MICROGRID_2, '新华路2号院', '院落', W + 1.5 * d, S + d / 2, 'gcj02'],
      ],
      户: [
        ['所属微网格代码', '地址', '楼栋地址'],
        [MICROGRID_1, '新华路1号楼101', '新华路1号楼'],
        [MICROGRID_1, '新华路1号楼102', '新华路1号楼'],
        [MICROGRID_2, '新华路2号院', '新华路2号院'],
      ],
      居民: [
        ['户地址', '所属微网格代码', '姓名', '性别', '出生日期', '身份证号', '手机号', '标签'],
        ['新华路1号楼101', MICROGRID_1, '张桂兰', '女', '1948-03-12', idNumberOf('19480312', 102), '13903910101', '独居,老年'],
        ['新华路1号楼102', MICROGRID_1, '赵大山', '男', null, WORKER_ID, '13903910104', '党员'],
        ['新华路1号楼102', MICROGRID_1, '赵小山', '男', '2015-05-05', null, null, null],
        ['新华路2号院', MICROGRID_2, '王秀英', '女', null, idNumberOf('19520101', 202), null, '独居'],
      ],
      网格员: [
        ['身份证号', '服务微网格代码', '起始日期'],
        [WORKER_ID, MICROGRID_1, '2024-03-01'],
      ],
    };
    writeFileSync(file('people.xlsx'), await workbookOf(people));

    const imported = await wangge('import', file('people.xlsx'));
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toMatch(/^居民\s+4\s+4\s+0\s+0/m);

    const again = await wangge('import', file('people.xlsx'));
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('unchanged: the registry already matches the file');
  });

  it.sequential('the served instance answers the summary, locate and the households for the admin', async () => {
    server = await spawnServe(env());
    await pollHealth(server, (answer) => answer.status === 200);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'district-admin-pw' }),
    });
    const { token } = (await login.json()) as { token: string };
    const get = async (path: string) => {
      const response = await fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    expect(await get('/api/org/summary')).toEqual({
      status: 200,
      body: {
        district: 1,
        subdistrict: 1,
        community: 1,
        grid: 1,
        microgrid: 2,
        workers: 1,
        households: 3,
        residents: 4,
        microgridsWithoutWorker: 1,
      },
    });
    const located = await get(`/api/org/locate?lng=${W + 1.5 * d}&lat=${S + d / 2}&crs=gcj02`);
    expect(located.status).toBe(200);
    expect((located.body.path as { code: string }[]).map((u) => u.code)).toEqual([
      '410804',
      '410804001',
      '410804001001',
      '410804001001001',
      MICROGRID_2,
    ]);
    const households = await get(`/api/people/households?unit=${MICROGRID_1}`);
    expect(households.status).toBe(200);
    const items = households.body.items as { address: string; members: { name: string; idNumber: string | null }[] }[];
    expect(items.map((h) => [h.address, h.members.map((m) => m.name).sort()])).toEqual([
      ['新华路1号楼101', ['张*兰']],
      ['新华路1号楼102', ['赵*山', '赵*山']],
    ]);
    expect(JSON.stringify(items)).not.toContain(WORKER_ID);
  });

  it.sequential('export writes the same workbook back, masked unless asked', async () => {
    const exported = await wangge('export', file('export.xlsx'));
    expect(exported).toMatchObject({ code: 0, stdout: `exported 410804 to ${file('export.xlsx')} (masked)\n` });
    const sheets = await sheetsOf(readFileSync(file('export.xlsx')));
    expect(sheets['居民']).toHaveLength(5);
    expect(JSON.stringify(sheets)).not.toContain(WORKER_ID);

    const clear = await wangge('export', file('clear.xlsx'), '--unit', MICROGRID_1, '--unmasked');
    expect(clear.code).toBe(0);
    expect(existsSync(file('clear.xlsx'))).toBe(true);
    expect(JSON.stringify(await sheetsOf(readFileSync(file('clear.xlsx'))))).toContain(WORKER_ID);
    expect(await wangge('import', file('clear.xlsx'))).toMatchObject({ code: 0 });
  });
});
