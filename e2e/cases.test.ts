import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '../src/platform/authz/actor.ts';
import { businessDate } from '../src/platform/clock.ts';
import { installCaseDefaults } from '../src/modules/cases/commands/installCaseDefaults.ts';
import { importUnits } from '../src/modules/org/commands/importUnits.ts';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { makeUser, makeWorld, PASSWORD, type World } from '../test/support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../test/support/server.ts';
import { box } from '../test/support/tessellation.ts';
import {
  browserSuiteRuns,
  buildWebIfStale,
  chooseOption,
  launchChromium,
  type OpenedPage,
  openFromMenu,
  openPage,
  signInToConsole,
  signInToPhone,
} from './support/browser.ts';

/**
 * The case loop of DOMAIN.md §4 across both apps, in a real Chromium against the real server on a
 * small world of its own, whose home grid has boundaries (so GPS finds the micro-grid) and whose
 * first department is the 城市管理局 the default routing rules name. A worker reports from the phone
 * (category, photo, GPS); reports again where the signal drops: the report waits on the phone and,
 * when the network returns and the first answer is lost on the way back, a retry with the same
 * Idempotency-Key still makes exactly one case. Grid staff refuse the duplicate, verify and file the
 * first; the community dispatches it by the routing rules; the department sees it in its inbox,
 * overdue in red and on the overdue board, and reports back; grid staff pass the check; the worker
 * rates it on the phone; the district admin finds it behind the month's figures on the rankings page.
 */
const runs = browserSuiteRuns('cases');

const W = 113.3;
const S = 35.26;
const d = 0.01;
/** The middle of the worker's micro-grid (WGS-84, as a browser reports it). */
const SPOT = { longitude: W + 0.5 * d, latitude: S + 0.5 * d, accuracy: 12 };
const MICROGRID_NAME = '幸福社区第1网格1号微网格';
const FIRST = '小区门口垃圾堆积，无人清运';
const SECOND = '门口垃圾又堆起来了';
/** A 1×1 PNG, as a camera would hand over a picture. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe.skipIf(!runs)('the case loop in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let world: World;
  let gridStaff: string;
  let otherDepartment: string;
  let phone: OpenedPage;
  let caseId: string;

  beforeAll(async () => {
    buildWebIfStale();
    server = await startTestServer('sqlite', {}, { webDir: DEFAULT_WEB_DIR });
    const { platform } = server;
    const by = { actor: systemActor('test'), requestId: null };
    world = await makeWorld(platform);
    const { homeCommunity, homeGrid, homeMicrogrid, department } = world.codes;
    await importUnits(
      platform,
      by,
      [
        { code: department, name: '城市管理局' },
        { code: homeCommunity, name: '幸福社区', geometry: box(W, S, W + 2 * d, S + d) },
        { code: homeGrid, name: '幸福社区第1网格', geometry: box(W, S, W + 2 * d, S + d) },
        { code: homeMicrogrid, name: MICROGRID_NAME, geometry: box(W, S, W + d, S + d) },
        { code: `${homeGrid}02`, name: '幸福社区第1网格2号微网格', geometry: box(W + d, S, W + 2 * d, S + d) },
      ],
      'test',
    );
    // The default catalogue, and its routing rules for the departments found by name (0101 暴露垃圾 → 城市管理局).
    await installCaseDefaults(platform, by, world.codes.district);
    gridStaff = (await makeUser(platform, { role: 'grid_staff', scopeCode: homeGrid })).username;
    otherDepartment = (await makeUser(platform, { role: 'department_staff', scopeCode: world.codes.otherDepartment })).username;
    browser = await launchChromium();
    phone = await openPage(browser, server.url, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: SPOT,
      permissions: ['geolocation'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const cases = () => server.platform.database.db.selectFrom('dispatch_case').selectAll().orderBy('id').execute();

  const signInAsWorker = (page: Page, username: string) => signInToPhone(page, username, PASSWORD);

  async function openConsole(username: string): Promise<OpenedPage> {
    const opened = await openPage(browser, server.url, { viewport: { width: 1280, height: 900 } });
    await signInToConsole(opened.page, username, PASSWORD);
    return opened;
  }

  /** Takes an action on the case page through its button and dialog; waits for the new state. */
  async function act(page: Page, button: string, state: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
    await page.locator('.case-actions').getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await fill?.(dialog);
    await dialog.getByRole('button', { name: `确认${button}` }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`.case-page[data-state="${state}"]`).waitFor();
  }

  test('a worker reports in three taps: category, photo, GPS with the micro-grid filled in', async () => {
    const { page } = phone;
    await signInAsWorker(page, world.users.worker.username);
    await page.locator('.adm-tab-bar-item').getByText('上报', { exact: true }).click();
    await page.waitForURL('**/m/report');

    await page.locator('.category-selector').getByText('暴露垃圾', { exact: true }).click();
    await page.locator('.photo-add input[type="file"]').setInputFiles({ name: 'rubbish.png', mimeType: 'image/png', buffer: PHOTO });
    await page.locator('.photo-thumb img').waitFor();
    await page.locator('.report-place[data-place="gps"]').getByText(MICROGRID_NAME).waitFor();
    await page.getByPlaceholder('补充说明').fill(FIRST);
    await page.getByRole('button', { name: '提交上报' }).click();

    await page.waitForURL('**/m/cases');
    const mine = page.locator('.my-case').filter({ hasText: FIRST });
    await mine.locator('[data-state="reported"]').getByText('待核实').waitFor();
    const [kase] = await cases();
    expect(kase).toMatchObject({ state: 'reported', area_code: world.codes.homeMicrogrid, source: 'worker', description: FIRST });
    // The photo was uploaded first (re-encoded as JPEG on the phone) and the case refers to it.
    const [photo] = JSON.parse(kase.attachments) as string[];
    expect(photo).toMatch(/^[0-9a-f]{64}\.jpg$/);
    expect((await page.request.get(`/api/files/${photo}`)).status()).toBe(200);
    expect(kase.lng).toBeCloseTo(SPOT.longitude, 6);
    expect(kase.lat).toBeCloseTo(SPOT.latitude, 6);
    caseId = kase.id;
    expect(phone.problems).toEqual([]);
  });

  test('offline, a report waits on the phone and is sent exactly once when the network returns', async () => {
    const { context, page } = phone;
    await page.locator('.adm-tab-bar-item').getByText('上报', { exact: true }).click();
    await page.locator('.category-selector').getByText('暴露垃圾', { exact: true }).click();
    // The duplicate hint: the first report is an open case of the same category within 100 m.
    const hint = page.locator('.duplicate-hint');
    await hint.getByText('附近 100 米内已有 1 件同类问题正在办理').waitFor();
    await hint.getByText(FIRST, { exact: false }).waitFor();
    await page.locator('.report-place[data-place="gps"]').getByText(MICROGRID_NAME).waitFor();
    await page.getByPlaceholder('补充说明').fill(SECOND);
    await page.locator('.photo-add input[type="file"]').setInputFiles({ name: 'again.png', mimeType: 'image/png', buffer: PHOTO });
    await page.locator('.photo-thumb img').waitFor();

    // The signal drops as the worker sends: the report and its photo wait on the phone.
    await context.setOffline(true);
    await page.getByRole('button', { name: '提交上报' }).click();
    await page.waitForURL('**/m/cases');
    const queued = page.locator('.queued-report').filter({ hasText: SECOND });
    await queued.locator('[data-state="queued"]').getByText('待发送').waitFor();
    await page.locator('.adm-tab-bar-item .adm-badge').getByText('1').waitFor();
    expect(await cases()).toHaveLength(1);
    const key = await queued.getAttribute('data-key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);

    // The network returns; the server takes the report but its answer is lost on the way back.
    const posts: string[] = [];
    await page.route('**/api/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts.push((await route.request().headerValue('idempotency-key')) ?? '');
      const response = await route.fetch();
      expect(response.status()).toBe(201);
      await route.abort('connectionreset');
    });
    await context.setOffline(false); // the `online` event sends the queue
    await expect.poll(() => posts.length, { timeout: 40_000 }).toBe(1);
    await expect.poll(async () => (await cases()).length).toBe(2);
    await queued.waitFor(); // no answer: it still waits
    await page.unroute('**/api/cases');

    // The retry carries the same key: the server answers with the same case, the phone lets go of it.
    await page.locator('.queued-reports').getByRole('button', { name: '立即发送' }).click();
    await queued.waitFor({ state: 'detached' });
    await page.locator('.my-case').filter({ hasText: SECOND }).locator('[data-state="reported"]').waitFor();
    expect(posts).toEqual([key]);
    const all = await cases();
    expect(all.map((c) => c.description)).toEqual([FIRST, SECOND]); // exactly once
    expect(JSON.parse(all[1].attachments)).toEqual(JSON.parse(all[0].attachments)); // the same picture, kept in IndexedDB meanwhile
    const stored = await page.evaluate<string[]>('Object.keys(localStorage)');
    expect(stored.filter((k) => k.startsWith('wangge.caseQueue.'))).toEqual([]); // nothing left waiting
    expect(phone.problems).toEqual([]);
  });

  test('grid staff refuse the duplicate, verify and file the first report', async () => {
    const { context, page, problems } = await openConsole(gridStaff);
    await openFromMenu(page, '案件');
    await page.waitForURL((url) => url.pathname === '/cases');
    const rows = page.locator('.case-table--reported tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);

    // The second report repeats the first: refused, with the reason.
    await rows.filter({ hasText: SECOND }).getByRole('link', { name: '暴露垃圾' }).click();
    await page.waitForURL(/\/cases\/\w+$/);
    await act(page, '不予受理', 'refused', (dialog) => dialog.getByLabel('不予受理的理由').fill('与前一件重复上报'));
    await page.locator('.case-timeline').getByText('与前一件重复上报').waitFor();

    // The first: verified, then filed under its category and filing condition (which sets the time limit).
    await page.goto(`/cases/${caseId}`);
    await page.locator('.case-map path.case-point').waitFor(); // its point on the map
    await page.locator('.case-photos img').first().waitFor(); // its photo
    await page.locator('.case-page').getByText(MICROGRID_NAME).first().waitFor();
    await act(page, '核实', 'verified');
    await act(page, '立案', 'filed', async (dialog) => {
      await chooseOption(page, dialog.getByLabel('立案条件'), '垃圾暴露面积1平方米以上');
    });
    const timeline = page.locator('.case-timeline');
    await timeline.getByText('立案为：暴露垃圾 · 垃圾暴露面积1平方米以上').waitFor();
    expect(await timeline.locator('.case-event').count()).toBe(3); // reported, verified, filed
    await page.getByRole('button', { name: '返回' }).click();
    await page.locator('.case-table--reported').getByText('没有待核实的上报').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the community dispatches it by the routing rules', async () => {
    const { context, page, problems } = await openConsole(world.users.homeCommunity.username);
    await page.goto('/cases?tab=dispatch');
    await page.locator('.case-table--filed tbody tr.ant-table-row').getByRole('link', { name: '暴露垃圾' }).click();
    await page.waitForURL(`**/cases/${caseId}`);
    await act(page, '派遣', 'dispatched', async (dialog) => {
      await dialog.getByText('按派遣规则', { exact: true }).waitFor(); // the default
    });
    // The community office may not read the department's name (no departments endpoint): its code stands in.
    await page.locator('.case-handlers').getByText(world.codes.department).waitFor();
    await page.locator('.case-handlers').getByText('主办', { exact: true }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the department sees it in its inbox counting down, overdue in red, and reports back', async () => {
    // Five minutes past its handling deadline.
    const due = new Date(Date.now() - 5 * 60_000).toISOString();
    await server.platform.database.db
      .updateTable('dispatch_case')
      .set({ stage_due_at: due, handling_due_at: due })
      .where('id', '=', caseId)
      .execute();

    const { context, page, problems } = await openConsole(world.users.department.username);
    await openFromMenu(page, '案件');
    const row = page.locator('.case-table--dispatched tbody tr.ant-table-row').filter({ hasText: FIRST });
    await row.getByText('超期', { exact: true }).waitFor();
    const deadline = row.locator('.case-deadline--overdue');
    const before = await deadline.innerText();
    expect(before).toMatch(/^超时 5分\d+秒$/);
    await expect.poll(() => deadline.innerText()).not.toBe(before); // live, every second
    await page.getByRole('tab', { name: '超期督办' }).click();
    const board = page.locator('.overdue-board tbody tr.ant-table-row');
    await board.first().waitFor();
    expect(await board.count()).toBe(1);
    // Names come after the rows (one request for the units on the board): the code first, then the name.
    await expect.poll(() => board.first().innerText()).toContain('城市管理局');

    await page.goto(`/cases/${caseId}`);
    await page.locator('.case-handlers').getByText('城市管理局').waitFor(); // its own name it may read
    await act(page, '处置反馈', 'fed_back', (dialog) => dialog.getByLabel('处置结果').fill('已清运完毕，现场无残留'));
    expect(problems).toEqual([]);
    await context.close();
  });

  test('grid staff pass the check', async () => {
    const { context, page, problems } = await openConsole(gridStaff);
    await page.goto('/cases?tab=check');
    await page.locator('.case-table--fed_back tbody tr.ant-table-row').getByRole('link', { name: '暴露垃圾' }).click();
    await act(page, '核查通过', 'closed');
    await page.locator('.case-timeline').getByText('已清运完毕，现场无残留').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the worker rates it on the phone', async () => {
    const { page } = phone;
    await page.locator('.adm-tab-bar-item').getByText('首页', { exact: true }).click();
    await page.locator('.adm-tab-bar-item').getByText('我的上报', { exact: true }).click();
    await page.waitForURL('**/m/cases');
    await page.locator('.my-case').filter({ hasText: FIRST }).locator('[data-state="closed"]').click();
    await page.waitForURL(`**/m/cases/${caseId}`);
    const form = page.locator('.rate-form');
    await form.locator('.rate-solved').getByText('已解决', { exact: true }).click();
    await form.locator('.rate-satisfied').getByText('满意', { exact: true }).click();
    await form.getByRole('button', { name: '提交评价' }).click();
    await page.locator('.my-case-page[data-state="evaluated"]').waitFor();
    await page.locator('.my-rating').getByText('问题已解决，满意').waitFor();
    expect(await form.count()).toBe(0);
    const kase = (await cases()).find((c) => c.id === caseId)!;
    // Handled after its (back-dated) deadline: closed as overdue.
    expect(kase).toMatchObject({ state: 'evaluated', solved: 1, satisfied: 1, closure_type: 'overdue' });
    expect(phone.problems).toEqual([]);
  });

  test('the rankings page shows the month: the subdistrict scored, the figures open to the case', async () => {
    const { context, page, problems } = await openConsole(world.users.admin.username);
    const month = businessDate(server.platform.clock.now(), server.platform.config.timeZone).slice(0, 7);
    await page.goto(`/rankings?month=${month}&level=subdistrict`);
    await page.getByRole('heading', { name: '晒比评 · 月度排名' }).waitFor();
    await page.locator('[data-testid="score-chart"] canvas').first().waitFor();
    const home = page.locator('tr.ant-table-row').filter({ hasText: `单位${world.codes.home}` });
    await home.getByText('前三').waitFor();
    // Rated solved and satisfied; handled after its deadline.
    const cells = home.locator('td');
    const header = await page.locator('thead th').allInnerTexts();
    const column = (title: string) => cells.nth(header.findIndex((text) => text.trim() === title));
    await expect.poll(() => column('解决率').innerText()).toBe('100.0%');
    expect(await column('满意率').innerText()).toBe('100.0%');
    expect(await column('按期处置率').innerText()).toBe('0.0%');
    expect(
      await page
        .locator('tr.ant-table-row')
        .filter({ hasText: `单位${world.codes.foreign}` })
        .innerText(),
    ).toContain('无数据');
    await column('解决率').getByRole('button').click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText(`单位${world.codes.home} · 已解决`).waitFor();
    await drawer.getByRole('link', { name: /暴露垃圾/ }).click();
    await page.waitForURL(`**/cases/${caseId}`);
    const exported = await page.request.get(`/api/cases/rankings.xlsx?month=${month}&level=subdistrict`);
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-type']).toContain('spreadsheetml');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the district dispatches to departments it picks; one asks for more time and the subdistrict approves', async () => {
    // A filed case, made through the API: reported by the worker, verified and filed by grid staff.
    const worker = as(server, await signIn(server, world.users.worker.username));
    const staff = as(server, await signIn(server, gridStaff));
    const reported = await worker('POST', '/api/cases', {
      categoryCode: '0101',
      description: '路边垃圾桶旁堆满垃圾',
      areaCode: world.codes.homeMicrogrid,
    });
    const id = reported.json().id as string;
    await staff('POST', `/api/cases/${id}/actions`, { action: 'verify', version: 1 });
    expect((await staff('POST', `/api/cases/${id}/actions`, { action: 'file', version: 2, conditionCode: '010101' })).statusCode).toBe(200);

    const admin = await openConsole(world.users.admin.username);
    await admin.page.goto(`/cases/${id}`);
    await act(admin.page, '派遣', 'dispatched', async (dialog) => {
      await dialog.getByText('指定部门', { exact: true }).click();
      await chooseOption(admin.page, dialog.getByLabel('主办部门'), `单位${world.codes.otherDepartment}`);
      await chooseOption(admin.page, dialog.getByLabel('协办部门（可多选）'), '城市管理局');
      await admin.page.keyboard.press('Escape'); // closes the list, not the dialog
      await expect.poll(() => admin.page.locator('.ant-select-dropdown:visible').count()).toBe(0);
    });
    const handlers = admin.page.locator('.case-handlers');
    await handlers
      .locator('.ant-list-item', { hasText: `单位${world.codes.otherDepartment}` })
      .getByText('主办')
      .waitFor();
    await handlers.locator('.ant-list-item', { hasText: '城市管理局' }).getByText('协办').waitFor();
    expect(admin.problems).toEqual([]);
    await admin.context.close();

    const department = await openConsole(otherDepartment);
    await department.page.goto(`/cases/${id}`);
    await act(department.page, '申请延期', 'extension_requested', async (dialog) => {
      await dialog.getByLabel('延期数量').fill('2');
      await dialog.getByLabel('延期理由').fill('需协调环卫车辆');
    });
    expect(department.problems).toEqual([]);
    await department.context.close();

    const subdistrict = await openConsole(world.users.home.username);
    await subdistrict.page.goto('/cases?tab=approve');
    await subdistrict.page
      .locator('.case-table--extension_requested tbody tr.ant-table-row')
      .getByRole('link', { name: '暴露垃圾' })
      .click();
    await act(subdistrict.page, '批准延期', 'dispatched', (dialog) => dialog.getByText('申请延期：2 个工作日').waitFor());
    await subdistrict.page.locator('.case-timeline').getByText('延期：2 个工作日').first().waitFor();
    expect(subdistrict.problems).toEqual([]);
    await subdistrict.context.close();
  });
});
