import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { makeWorld, PASSWORD, type World } from '../test/support/factories.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { idNumberOf, workbookOf } from '../test/support/workbooks.ts';
import { browserSuiteRuns, buildWebIfStale, launchChromium, openFromMenu, openPage, signInToConsole } from './support/browser.ts';

/**
 * A subdistrict office brings its register in through the console (导入导出): the first file has
 * mistakes and comes back with the row-by-row report, nothing imported; the corrected file imports.
 */
const runs = browserSuiteRuns('transfer console');

describe.skipIf(!runs)('import and export in the console, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let world: World;
  let dir: string;

  beforeAll(async () => {
    buildWebIfStale();
    dir = mkdtempSync(join(tmpdir(), 'wangge-e2e-transfer-'));
    server = await startTestServer('sqlite', {}, { webDir: DEFAULT_WEB_DIR });
    world = await makeWorld(server.platform);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A household and its two members; `mistakes` mistypes an ID number and a birth date. */
  async function registerFile(name: string, mistakes: boolean): Promise<string> {
    const m = world.codes.homeMicrogrid;
    const son = idNumberOf('19750701', 101);
    const file = join(dir, name);
    writeFileSync(
      file,
      await workbookOf({
        户: [
          ['所属微网格代码', '地址'],
          [m, '幸福路8号'],
        ],
        居民: [
          ['户地址', '所属微网格代码', '姓名', '性别', '出生日期', '身份证号'],
          ['幸福路8号', m, '张桂兰', '女', mistakes ? '1948-02-30' : '1948-03-12', idNumberOf('19480312', 102)],
          ['幸福路8号', m, '李建国', '男', null, mistakes ? son.slice(0, 17) + (son[17] === '1' ? '2' : '1') : son],
        ],
      }),
    );
    return file;
  }

  async function households(): Promise<number> {
    const row = await server.platform.database.db
      .selectFrom('household')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('address', '=', '幸福路8号')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test('a bad workbook shows its report and imports nothing; the fixed one imports', async () => {
    const { context, page, problems } = await openPage(browser, server.url, { viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, world.users.home.username, PASSWORD);
    await openFromMenu(page, '导入导出');
    await page.waitForURL((url) => url.pathname === '/transfer');
    expect(await page.getByRole('link', { name: /下载空白模板/ }).getAttribute('href')).toBe('/api/transfer/template.xlsx');

    await page.locator('input[type=file]').setInputFiles(await registerFile('登记表.xlsx', true));
    const report = page.locator('.transfer-report');
    await report.getByText('文件中有 2 处问题', { exact: false }).waitFor();
    const rows = report.locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/居民\s+2\s+出生日期\s+1948-02-30 不是有效日期/);
    expect(await rows.nth(1).innerText()).toMatch(/居民\s+3\s+身份证号\s+身份证号无效/);
    expect(await households()).toBe(0);

    await page.locator('input[type=file]').setInputFiles(await registerFile('登记表-改正.xlsx', false));
    const result = page.locator('.transfer-result');
    await result.getByText('导入成功').waitFor();
    expect(await result.locator('tbody tr.ant-table-row').allInnerTexts()).toEqual([
      expect.stringMatching(/户\s+1\s+1\s+0\s+0/),
      expect.stringMatching(/居民\s+2\s+2\s+0\s+0/),
    ]);
    expect(await households()).toBe(1);

    // The export link names the unit; the masked choice is the default.
    const exportLink = page.getByRole('link', { name: /导出登记表/ });
    expect(await exportLink.getAttribute('href')).toBe(`/api/transfer/export.xlsx?unit=${world.codes.home}`);

    expect(problems).toEqual([]);
    await context.close();
  });
});
