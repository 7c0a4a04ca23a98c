import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { makeUnit, makeUser, makeWorld, PASSWORD, residentIdNumber, type World } from '../test/support/factories.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import {
  browserSuiteRuns,
  buildWebIfStale,
  chooseOption,
  launchChromium,
  openFromMenu,
  openPage,
  signInToConsole,
} from './support/browser.ts';

/**
 * A community office keeps its registry in the console, in a real Chromium against the real server
 * on a small world of its own: it chooses a worker for a micro-grid from the suggested candidates,
 * registers a household (after a mistyped ID number is refused), corrects its address, adds a member,
 * moves it next door, unassigns the worker, and finds a resident by ID number and reveals it.
 */
const runs = browserSuiteRuns('registry console');

describe.skipIf(!runs)('registry console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let world: World;
  let staff: string;
  const NEXT_DOOR = '41080400100100102';
  const ID_NUMBER = residentIdNumber('19500203', 31, 'female');

  beforeAll(async () => {
    buildWebIfStale();
    server = await startTestServer('sqlite', {}, { webDir: DEFAULT_WEB_DIR });
    world = await makeWorld(server.platform);
    await makeUnit(server.platform, NEXT_DOOR, '幸福社区第1网格2号微网格');
    staff = (await makeUser(server.platform, { role: 'community_admin', scopeCode: world.codes.homeCommunity })).username;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('assign a worker, register, correct, extend and move a household, unassign, search and reveal', async () => {
    const { context, page, problems } = await openPage(browser, server.url, { viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, staff, PASSWORD);
    await page.goto(`/?unit=${world.codes.homeMicrogrid}`);
    await page.locator('.ant-descriptions').getByText('微网格', { exact: true }).waitFor();

    // No worker yet: the candidates put the Party member who lives here first.
    const workerCard = page.locator('.worker-card');
    await workerCard.getByText('这个微网格还没有微网格员', { exact: false }).waitFor();
    await workerCard.getByRole('button', { name: '指派网格员' }).click();
    const candidates = page.locator('.candidate-table tbody tr.ant-table-row');
    await candidates.first().waitFor();
    expect(await candidates.first().innerText()).toContain('李*国');
    expect(await candidates.first().innerText()).toContain('党员');
    await candidates.first().getByRole('button', { name: '指派' }).click();
    await workerCard.locator('[data-worker]').getByText('李*国').waitFor();

    // A household registered by hand: a mistyped ID number is refused and nothing is written.
    const households = page.locator('.household-table tbody tr.ant-table-row');
    await households.first().waitFor();
    await expect.poll(() => households.count()).toBe(1);
    await page.getByRole('button', { name: '登记住户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('地址').fill('和平街8号');
    await dialog.getByLabel('姓名').fill('赵秀英');
    await dialog.getByLabel('出生日期').fill('1950-02-03');
    await dialog.getByLabel('身份证号').fill(ID_NUMBER.slice(0, 17) + (ID_NUMBER.endsWith('1') ? '2' : '1'));
    await dialog.getByLabel('手机号').fill('13703910031');
    await dialog.getByLabel('独居').check();
    await dialog.getByLabel('老年').check();
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByText('居民信息有误', { exact: false }).waitFor();
    expect(await countRows('household')).toBe(2); // makeWorld's two
    await dialog.getByLabel('身份证号').fill(ID_NUMBER);
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'detached' });
    const registered = households.filter({ hasText: '和平街8号' });
    await registered.getByText('赵*英').waitFor();
    await registered.locator('[data-tag="living_alone"]').waitFor();

    // Corrected, then a grandson moves in.
    await registered.getByRole('button', { name: '改地址' }).click();
    await dialog.getByLabel('地址').fill('和平街8号附1号');
    await dialog.getByRole('button', { name: '保存' }).click();
    const corrected = households.filter({ hasText: '和平街8号附1号' });
    await corrected.waitFor();
    await corrected.getByRole('button', { name: '添加成员' }).click();
    await dialog.getByLabel('姓名').fill('赵小军');
    await dialog.getByLabel('男').check();
    await dialog.getByRole('button', { name: '保存' }).click();
    await corrected.getByText('赵*军').waitFor();

    // The family moves to the micro-grid next door, members and all.
    await corrected.getByRole('button', { name: '迁出到其他微网格' }).click();
    // Typing the code narrows the grid's micro-grids to the one next door; picking it closes the list.
    await chooseOption(page, dialog.getByLabel('迁入微网格'), NEXT_DOOR, NEXT_DOOR);
    await dialog.getByRole('button', { name: '保存' }).click();
    await corrected.waitFor({ state: 'detached' });
    await expect.poll(() => households.count()).toBe(1);
    await page.goto(`/?unit=${NEXT_DOOR}`);
    await page.locator('.household-table').getByText('和平街8号附1号').waitFor();
    const moved = await server.platform.database.db.selectFrom('resident').select('microgrid_code').where('name', 'like', '赵%').execute();
    expect(moved.map((r) => r.microgrid_code)).toEqual([NEXT_DOOR, NEXT_DOOR]);

    // The worker steps down.
    await page.goto(`/?unit=${world.codes.homeMicrogrid}`);
    await workerCard.getByRole('button', { name: '取消指派' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '取消指派' }).click();
    await workerCard.getByText('这个微网格还没有微网格员', { exact: false }).waitFor();

    // Found again by ID number, however typed, and the ID number shown after giving a reason.
    await openFromMenu(page, '居民查询');
    await page.getByPlaceholder('身份证号（精确查询）').fill(`${ID_NUMBER.slice(0, 6)} ${ID_NUMBER.slice(6, 14)} ${ID_NUMBER.slice(14)}`);
    await page.getByRole('button', { name: '查询' }).click();
    const found = page.locator('.resident-table tbody tr.ant-table-row');
    await found.first().getByText('赵*英').waitFor();
    expect(await found.count()).toBe(1);
    await found.first().getByRole('button', { name: '查看 身份证号' }).click();
    await dialog.getByLabel('查看原因').fill('核实独居老人登记信息');
    await dialog.getByRole('button', { name: '查看' }).click();
    expect(await found.first().locator('[data-revealed="idNumber"]').innerText()).toBe(ID_NUMBER);

    const actions = await server.platform.database.db
      .selectFrom('audit_record')
      .select('action')
      .where('actor_label', '=', `user:${staff}`)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'auth.login',
      'people.assign_worker',
      'people.register_household',
      'people.update_household',
      'people.add_resident',
      'people.move_household',
      'people.unassign_worker',
      'people.reveal',
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });

  async function countRows(table: 'household' | 'resident'): Promise<number> {
    const row = await server.platform.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});
