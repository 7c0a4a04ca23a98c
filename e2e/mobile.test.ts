import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '../src/platform/authz/actor.ts';
import { registerHousehold } from '../src/modules/people/commands/registerHousehold.ts';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { makeHousehold, makeUnit, makeUser, makeWorld, PASSWORD, residentIdNumber, type World } from '../test/support/factories.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { browserSuiteRuns, buildWebIfStale, launchChromium, openPage, signInToPhone } from './support/browser.ts';

/**
 * The worker H5 in a real headless Chromium on a phone-sized screen, against the real server on a
 * small world of its own (no demo): a worker sees their micro-grid, its households masked, opens one
 * and calls a member, which reveals the phone (audited) and hands it to `tel:`. Households of another
 * micro-grid never show. A household opened by its link, and a micro-grid's counts, are asked for
 * alone, never by fetching the whole micro-grid. Chromium is mandatory in CI; elsewhere its absence
 * skips the suite loudly.
 */
const runs = browserSuiteRuns('worker H5');

/** The home micro-grid's households: makeWorld's 幸福路1号, 幸福路3-26号, and one elderly woman living alone. */
const HOUSEHOLDS = 26;
const RESIDENTS = 25 * 2 + 1;
/** A micro-grid past the API's largest page (200): its counts must still be exact. */
const BIG_MICROGRID = '41080400100100102';
const BIG_HOUSEHOLDS = 201;

describe.skipIf(!runs)('worker H5 in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let world: World;
  let aloneId: string;
  let unassigned: string;

  beforeAll(async () => {
    buildWebIfStale();
    server = await startTestServer('sqlite', {}, { webDir: DEFAULT_WEB_DIR });
    const { platform } = server;
    world = await makeWorld(platform); // 幸福路1号 in the worker's micro-grid, 幸福路2号 in the foreign one
    for (let number = 3; number <= 25 + 1; number++) await makeHousehold(platform, world.codes.homeMicrogrid, number);
    const alone = await registerHousehold(
      platform,
      { actor: systemActor('test'), requestId: null },
      {
        microgridCode: world.codes.homeMicrogrid,
        address: '光明巷7号',
        members: [
          {
            name: '王秀英',
            gender: 'female',
            birthDate: '1940-05-06',
            idNumber: residentIdNumber('19400506', 7, 'female'),
            phone: '13700000007',
            healthNotes: null,
            tags: ['elderly', 'living_alone'],
          },
        ],
      },
    );
    aloneId = alone.household.id;
    // A worker whose micro-grids were all taken away again: the home page must say whom to ask.
    const worker = await makeUser(platform, { role: 'microgrid_worker', microgrids: [world.codes.homeMicrogrid] });
    await platform.database.db.deleteFrom('user_microgrid').where('user_id', '=', worker.id).execute();
    unassigned = worker.username;

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /**
   * A fresh phone-sized browser profile whose page fails the test on any script error or CSP violation;
   * `requests` collects the path and query of every API request the page makes.
   */
  async function openPhone(): Promise<{ context: BrowserContext; page: Page; problems: string[]; requests: string[] }> {
    const { context, page, problems } = await openPage(browser, server.url, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const requests: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) requests.push(decodeURIComponent(url.pathname + url.search));
    });
    return { context, page, problems, requests };
  }

  const signIn = (page: Page, username: string) => signInToPhone(page, username, PASSWORD);

  const cards = (page: Page) => page.locator('.household-list .household-card');

  test('a worker sees their micro-grid, its households masked, and calls a member', async () => {
    const { context, page, problems, requests } = await openPhone();
    const home = world.codes.homeMicrogrid;
    await signIn(page, world.users.worker.username);

    // 我的微网格: the one micro-grid, its counts, nothing of the foreign one.
    await page.getByText('我的微网格', { exact: true }).waitFor();
    const grid = page.locator('.adm-list-item', { hasText: `单位${home}` });
    await grid.getByText(`微网格 · ${home}`, { exact: true }).waitFor();
    await grid.getByText(`${HOUSEHOLDS} 户 · ${RESIDENTS} 人`, { exact: true }).waitFor();
    await page.locator('[data-count="households"]').getByText(String(HOUSEHOLDS), { exact: true }).waitFor();
    expect(await page.getByText(world.codes.foreignMicrogrid).count()).toBe(0);
    // Counted by the server for the micro-grid alone, not from its households.
    expect(requests).toContain(`/api/org/summary?unit=${home}`);
    expect(requests.filter(listsHouseholds)).toEqual([]);

    // 我的住户: a page of households, masked; scrolling loads the rest; the foreign household never shows.
    await grid.click();
    await page.waitForURL(`**/m/grids/${home}`);
    await page.locator('.adm-nav-bar-title').getByText('我的住户', { exact: true }).waitFor();
    const first = cards(page).filter({ hasText: '幸福路1号' });
    await first.getByText('张*兰', { exact: true }).waitFor();
    await first.getByText('139****0001', { exact: true }).waitFor();
    await first.getByText('李*国', { exact: true }).waitFor();
    await first.getByText('老年', { exact: true }).waitFor();
    await first.getByText('党员', { exact: true }).waitFor();
    expect(await cards(page).count()).toBe(20); // one page
    await expect.poll(() => scrollToEnd(page).then(() => cards(page).count())).toBe(HOUSEHOLDS);
    await page.getByText(`共 ${HOUSEHOLDS} 户，已全部加载`, { exact: true }).waitFor();
    const alone = cards(page).filter({ hasText: '光明巷7号' });
    await alone.getByText('独居老人', { exact: true }).waitFor(); // highlighted
    await alone.getByText('独居', { exact: true }).waitFor();
    expect(await alone.getAttribute('class')).toContain('household-card--care');
    expect(await cards(page).filter({ hasText: '幸福路2号' }).count()).toBe(0);
    expect(await page.getByText('13903910001').count()).toBe(0); // nothing in clear

    // Search by address, then by a name the list only shows masked.
    const search = page.getByPlaceholder('搜索地址或姓名');
    await search.fill('光明巷');
    await expect.poll(() => cards(page).count()).toBe(1);
    await cards(page).first().getByText('光明巷7号').waitFor();
    await search.fill('秀英');
    await cards(page).filter({ hasText: '光明巷7号' }).waitFor();
    expect(await cards(page).count()).toBe(1);
    await search.fill('幸福路2号'); // the foreign household's address
    await page.getByText('没有找到与“幸福路2号”匹配的住户').waitFor();
    await search.fill('');
    await cards(page).first().waitFor();

    // The household: its members and a call button each; calling reveals the number, shows it, dials it.
    await cards(page).filter({ hasText: '幸福路1号' }).click();
    await page.waitForURL(`**/m/grids/${home}/households/${world.homeHousehold.household.id}`);
    await page.locator('.adm-nav-bar-title').getByText('住户详情', { exact: true }).waitFor();
    await page.locator('.household-address').getByText('幸福路1号', { exact: true }).waitFor();
    const [elder] = world.homeHousehold.residents;
    const member = page.locator(`[data-resident="${elder.id}"]`);
    await member.getByText('电话 139****0001', { exact: true }).waitFor();
    const dialled = page.waitForRequest((request) => request.url().startsWith('tel:'));
    await member.getByRole('button', { name: '拨打电话' }).click();
    expect((await dialled).url()).toBe('tel:13903910001');
    await member.getByText('正在拨打 13903910001', { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/m/grids/${home}/households/${world.homeHousehold.household.id}`);

    // Audited on the server: who revealed which field of whom, and why; never the number itself.
    const audit = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('action', '=', 'people.reveal')
      .where('object_id', '=', elder.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(world.users.worker.id);
    expect(JSON.parse(audit[0].summary)).toEqual({ fields: ['phone'], reason: '网格员联系住户' });
    expect(audit[0].summary).not.toContain('13903910001');
    // Kept nowhere that outlives the page.
    // A string: the server's tsconfig has no DOM types.
    const kept = await page.evaluate<string>('JSON.stringify([{ ...localStorage }, { ...sessionStorage }, history.state, location.href])');
    expect(kept).not.toContain('13903910001');

    // A link opened afresh asks for that one household, not the micro-grid's list; a foreign household's
    // link shows nothing of it.
    requests.length = 0;
    await page.goto(`/m/grids/${home}/households/${aloneId}`);
    await page.locator('.household-address').getByText('光明巷7号', { exact: true }).waitFor();
    await page.getByText('独居老人', { exact: true }).waitFor();
    await page.getByText('正在拨打').waitFor({ state: 'detached' }); // the revealed number left with the page
    await page.locator('.adm-list-item', { hasText: '王*英' }).getByText('独居', { exact: true }).waitFor();
    expect(requests).toContain(`/api/people/households/${aloneId}`);
    expect(requests.filter(listsHouseholds)).toEqual([]);
    // A link naming the wrong micro-grid shows the household under its own.
    await page.goto(`/m/grids/${world.codes.foreignMicrogrid}/households/${aloneId}`);
    await page.waitForURL(`**/m/grids/${home}/households/${aloneId}`);
    await page.locator('.household-address').getByText('光明巷7号', { exact: true }).waitFor();
    await page.goto(`/m/grids/${world.codes.foreignMicrogrid}/households/${world.foreignHousehold.household.id}`);
    await page.getByText('未找到该住户，可能已迁出或不在您的微网格内', { exact: true }).waitFor();
    expect(await page.getByText('幸福路2号').count()).toBe(0);
    await page.goto(`/m/grids/${world.codes.foreignMicrogrid}`);
    await page.getByText('未找到该微网格，或它不在您的负责范围内', { exact: true }).waitFor();
    expect(await page.getByText('幸福路2号').count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  test('a micro-grid past one page of households shows its exact counts; a link opens any of them', async () => {
    await makeUnit(server.platform, BIG_MICROGRID);
    let last = aloneId;
    for (let number = 101; number < 101 + BIG_HOUSEHOLDS; number++) {
      last = (await makeHousehold(server.platform, BIG_MICROGRID, number)).household.id;
    }
    const worker = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [BIG_MICROGRID] });
    const { context, page, problems, requests } = await openPhone();
    await signIn(page, worker.username);

    const grid = page.locator('.adm-list-item', { hasText: `单位${BIG_MICROGRID}` });
    await grid.getByText(`${BIG_HOUSEHOLDS} 户 · ${BIG_HOUSEHOLDS * 2} 人`, { exact: true }).waitFor();
    await page.locator('[data-count="households"]').getByText(String(BIG_HOUSEHOLDS), { exact: true }).waitFor();
    expect(await page.getByText(/\+/).count()).toBe(0); // no "200+"
    expect(requests).toContain(`/api/org/summary?unit=${BIG_MICROGRID}`);

    // The last household registered, by its link.
    await page.goto(`/m/grids/${BIG_MICROGRID}/households/${last}`);
    await page
      .locator('.household-address')
      .getByText(`幸福路${100 + BIG_HOUSEHOLDS}号`, { exact: true })
      .waitFor();
    const lastNumber = String(100 + BIG_HOUSEHOLDS).padStart(4, '0');
    await page.locator('.adm-list-item', { hasText: '张*兰' }).getByText(`电话 139****${lastNumber}`, { exact: true }).waitFor();
    expect(requests).toContain(`/api/people/households/${last}`);
    expect(requests.filter(listsHouseholds)).toEqual([]);
    // Another worker's household is not found, whatever micro-grid its link names.
    await page.goto(`/m/grids/${BIG_MICROGRID}/households/${aloneId}`);
    await page.getByText('未找到该住户，可能已迁出或不在您的微网格内', { exact: true }).waitFor();
    expect(await page.getByText('光明巷7号').count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  test('a worker without a micro-grid is told whom to ask', async () => {
    const { context, page, problems } = await openPhone();
    await signIn(page, unassigned);
    await page.getByText('您还没有分配微网格', { exact: true }).waitFor();
    await page.getByText(/专职网格员或社区管理员/).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** A request for a micro-grid's list of households (what the household and home pages used to fetch whole). */
function listsHouseholds(request: string): boolean {
  return request.startsWith('/api/people/households?');
}

/** Scrolls the page's scrolling area to its end, as a thumb would, so the list asks for its next page. */
async function scrollToEnd(page: Page): Promise<void> {
  await page.locator('main').evaluate((main) => main.scrollTo({ top: main.scrollHeight }));
}
