import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { openPlatform } from '../../src/platform/open.ts';
import { DATABASES, scratch, type Scratch } from '../support/databases.ts';
import { passwordFile, runCli } from '../support/cli.ts';
import { HOTLINE_HEADER, HOTLINE_PHONES, hotlineOrders, sheetsOf, workbookOf } from '../support/workbooks.ts';

/**
 * A district's hotline office at the command line: `wangge template --hotline` for the form,
 * `wangge import --hotline` for the day's 12345 orders, all or nothing and once per order number.
 */
describe.concurrent.each(DATABASES)('12345 work orders through the wangge command (%s)', (kind) => {
  let space: Scratch;
  const env = () => ({ ...space.env, WANGGE_DEMO: '0', LOG_LEVEL: 'warn' });
  const wangge = (...args: string[]) => runCli(args, env());
  const file = (name: string) => join(space.dataDir, name);

  beforeAll(async () => {
    space = await scratch(kind);
    const init = await wangge(
      'init',
      '--district-code',
      '410804',
      '--district-name',
      '马村区',
      '--password-file',
      passwordFile(space.dataDir, 'admin-pw-9'),
    );
    expect(init).toMatchObject({ code: 0, stderr: '' });
  });
  afterAll(() => space?.dispose());

  it.sequential('the template has the headers, an example row and the categories', async () => {
    const written = await wangge('template', '--hotline', file('hotline.xlsx'));
    expect(written).toMatchObject({ code: 0, stdout: `template written to ${file('hotline.xlsx')}\n` });
    const sheets = await sheetsOf(readFileSync(file('hotline.xlsx')));
    expect(sheets['12345工单'][0]).toEqual(HOTLINE_HEADER);
    expect(JSON.stringify(sheets['说明'])).toContain('暴露垃圾');
  });

  it.sequential('a file with a bad row is refused with its report; the fixed one imports once', async () => {
    const bad = hotlineOrders();
    bad.push(['GD2026030009', null, '2026-03-02 16:00', null, null, null, '小区里有人烧垃圾。', '焚烧垃圾树叶', null]);
    writeFileSync(file('bad.xlsx'), await workbookOf({ '12345工单': bad }));
    const refused = await wangge('import', '--hotline', file('bad.xlsx'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^sheet\s+row\s+column\s+problem/m);
    expect(refused.stdout).toMatch(/^12345工单\s+5\s+问题分类\s+焚烧垃圾树叶 is not a category/m);
    expect(refused.stderr).toContain('transfer.import_invalid');

    writeFileSync(file('orders.xlsx'), await workbookOf({ '12345工单': hotlineOrders() }));
    const checked = await wangge('import', '--hotline', '--dry-run', file('orders.xlsx'));
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toContain('dry run: the file is valid; nothing was written');

    const imported = await wangge('import', '--hotline', file('orders.xlsx'));
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toMatch(/^12345工单\s+3\s+3\s+0$/m);
    expect(imported.stdout).toContain('imported\n');

    const again = await wangge('import', '--hotline', file('orders.xlsx'));
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(/^12345工单\s+3\s+0\s+3$/m);
    expect(again.stdout).toContain('unchanged: every order in the file was imported before');
    for (const phone of HOTLINE_PHONES) expect(imported.stdout + again.stdout).not.toContain(phone);

    // At the command line the cases go to the district (no --unit), as hotline cases.
    const platform = openPlatform(loadConfig(env()));
    try {
      const cases = await platform.database.db
        .selectFrom('dispatch_case')
        .select(['external_ref', 'source', 'area_code'])
        .orderBy('external_ref')
        .execute();
      expect(cases).toEqual(
        ['12345:GD2026030001', '12345:GD2026030002', '12345:GD2026030003'].map((ref) => ({
          external_ref: ref,
          source: 'hotline',
          area_code: '410804',
        })),
      );
    } finally {
      await platform.database.close();
    }
  });

  it.sequential('--unit must be an area unit of the district; --unit without --hotline is a usage error', async () => {
    const unknown = await wangge('import', '--hotline', '--unit', '410804001', file('orders.xlsx'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('transfer.hotline_unit');
    const misuse = await wangge('import', '--unit', '410804', file('orders.xlsx'));
    expect(misuse).toMatchObject({ code: 1, stderr: 'error: --unit goes with --hotline\n' });
  });
});
