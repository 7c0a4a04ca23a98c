import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { errandBody } from '../test/support/errands.ts';
import { makeWorld, PASSWORD, type World } from '../test/support/factories.ts';
import { as, signIn as apiSignIn, startTestServer, type TestServer } from '../test/support/server.ts';
import { browserSuiteRuns, buildWebIfStale, launchChromium, openPage, signInToPhone } from './support/browser.ts';

/**
 * 我的帮办 in a real headless Chromium on a phone-sized screen: a worker logs an errand for a
 * household of theirs, marks it done (and has the link texted), the resident opens the one-time link
 * on their own phone — no account — and confirms, and the worker's list shows it confirmed. An
 * errand past its promise shows in red. Chromium is mandatory in CI; elsewhere its absence skips the
 * suite loudly.
 */
const runs = browserSuiteRuns('errands H5');

describe.skipIf(!runs)('errands on the worker H5 in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let world: World;

  beforeAll(async () => {
    buildWebIfStale();
    server = await startTestServer('sqlite', {}, { webDir: DEFAULT_WEB_DIR });
    world = await makeWorld(server.platform); // 幸福路1号 (张桂兰, 李建国) in the worker's micro-grid
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const phone = (): Promise<{ context: BrowserContext; page: Page; problems: string[] }> =>
    openPage(browser, server.url, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  const signIn = (page: Page, username: string) => signInToPhone(page, username, PASSWORD);

  test('a worker logs an errand, marks it done, the resident confirms by the link, and the list shows it', async () => {
    // One errand already past its promise: the list shows it in red.
    const token = await apiSignIn(server, world.users.worker.username);
    const late = await as(server, token)(
      'POST',
      '/api/errands',
      errandBody(server.platform, world.homeHousehold.household.id, { kind: 'payment', what: '代缴本月电费' }),
    );
    expect(late.statusCode).toBe(201);
    await server.platform.database.db
      .updateTable('errand')
      .set({ promised_by: new Date(Date.now() - 3600_000).toISOString() })
      .where('id', '=', late.json().id)
      .execute();

    const worker = await phone();
    const { page } = worker;
    await signIn(page, world.users.worker.username);
    await page.locator('.adm-tab-bar-item').getByText('我的帮办', { exact: true }).click();
    await page.waitForURL('**/m/errands');
    const overdue = page.locator(`.errand[data-errand="${late.json().id}"]`);
    await overdue.getByText('已超期', { exact: true }).waitFor();
    expect(await overdue.getAttribute('class')).toContain('errand--overdue');

    // 登记帮办: household, member, kind, what; promised by tomorrow (the default).
    await page.getByRole('button', { name: '登记帮办' }).click();
    await page.locator('.pick-household').click();
    await page.locator('.household-picker .adm-list-item', { hasText: '幸福路1号' }).click();
    await page.locator('.chosen-household').getByText('幸福路1号', { exact: true }).waitFor();
    await page.locator('.pick-member').getByText('张*兰', { exact: true }).click();
    await page.locator('.pick-kind').getByText('代购药品', { exact: true }).click();
    await page.getByPlaceholder('如：代购降压药两盒，送到家').fill('代购降压药两盒，送到家');
    await page.locator('.log-errand-submit').click();
    const item = page.locator('.errand', { hasText: '代购降压药两盒，送到家' });
    await item.getByText('办理中', { exact: true }).waitFor();
    await item.getByText('幸福路1号 · 张*兰', { exact: true }).waitFor();
    const errandId = await item.getAttribute('data-errand');

    // 标记办结, texting the link to 张桂兰 too: the link is shown once.
    await item.click();
    await page.getByText('标记办结', { exact: true }).click();
    await page.locator('.send-sms').getByText('发短信给居民（139****0001）').click();
    await page.locator('.done-submit').click();
    await page.locator('.sms-sent').getByText('已发短信给居民').waitFor();
    const url = (await page.locator('.errand-link').textContent())!.trim();
    expect(url).toMatch(new RegExp(`^${server.url}/e/[A-Za-z0-9_-]{43}$`));
    await page.locator('.link-close').click();
    await item.getByText('待居民确认', { exact: true }).waitFor();

    // The resident, on their own phone, without an account.
    const resident = await phone();
    await resident.page.goto(url);
    await resident.page.getByText('请确认帮办事项', { exact: true }).waitFor();
    await resident.page.getByText('代购药品', { exact: true }).waitFor();
    await resident.page.getByText('代购降压药两盒，送到家', { exact: true }).waitFor();
    await resident.page.getByRole('button', { name: '确认已办好' }).click();
    await resident.page.getByText('已确认，谢谢！', { exact: true }).waitFor();
    // Once only: opening it again says so.
    await resident.page.goto(url);
    await resident.page.getByText('该事项已经确认过了，无需再次确认。', { exact: true }).waitFor();
    expect(resident.problems).toEqual([]);
    await resident.context.close();

    // The worker's list, asked again, shows it confirmed by the resident.
    await page.reload();
    const confirmed = page.locator(`.errand[data-errand="${errandId}"]`);
    await confirmed.getByText('居民已确认', { exact: true }).waitFor();
    await confirmed.getByText('居民通过链接确认', { exact: true }).waitFor();
    expect(await confirmed.getAttribute('data-state')).toBe('confirmed');
    expect(await page.getByText('13903910001').count()).toBe(0); // the number stays masked

    expect(worker.problems).toEqual([]);
    await worker.context.close();
  });
});
