import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * What every browser suite shares: Debian's Chromium (mandatory in CI; elsewhere its absence skips
 * the suite with a loud line), the web app built if stale, and pages that fail their test on any
 * script error or Content-Security-Policy violation.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Whether the suite `name` runs here; says so loudly when it does not. */
export function browserSuiteRuns(name: string): boolean {
  const runs = existsSync(CHROMIUM) || process.env.CI === 'true';
  if (!runs) console.warn(`SKIPPED browser suite (${name}): ${CHROMIUM} missing`);
  return runs;
}

/** `npm test` builds first; a suite run on its own (`npx vitest run e2e/...`) builds here when sources changed. */
export function buildWebIfStale(): void {
  execFileSync(process.execPath, [join(repo, 'scripts', 'build-web.mjs'), '--if-stale'], { cwd: repo, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      // The machine's network is closed: without these Chromium keeps trying to reach Google.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Script errors and CSP violations seen so far: a test ends with `expect(problems).toEqual([])`. */
  problems: string[];
}

/** A fresh browser profile on `baseURL` in Chinese. */
export async function openPage(browser: Browser, baseURL: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) problems.push(`CSP: ${message.text()}`);
  });
  return { context, page, problems };
}

/** Signs in on the console's login page and waits for the home page. */
export async function signInToConsole(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/**
 * Opens a console page from the top menu. A toast (`已保存`) shown at the top of the page closes by
 * itself after a few seconds, but not while the pointer is over it (antd pauses it on hover): moving
 * to a menu item beneath one would hold it open and have it take the click. So the toasts go first.
 */
export async function openFromMenu(page: Page, name: string): Promise<void> {
  await waitUntilGone(page.locator('.ant-message-notice'));
  await page.getByRole('menuitem', { name }).click();
}

/**
 * Picks `option` in an antd Select (`field`, the select's own input, found by its label) and waits
 * until the select shows it. On a loaded machine a click can land while the list is still opening and
 * be lost, and the form is then sent without the choice; so the choice is checked, and made again
 * (at most twice more) when it did not take. An option already chosen is left as it is (clicking it in
 * a multiple select would take it out again). A multiple select's list stays open: close it after.
 * With `typed`, the list is opened by typing that text into a searchable select (narrowing it) rather
 * than by a click.
 */
export async function chooseOption(page: Page, field: Locator, option: string, typed?: string): Promise<void> {
  const select = field.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');
  const chosen = select.filter({ hasText: option });
  const openList = page.locator('.ant-select-dropdown:visible');
  // The list of a select chosen just before may still be closing, and could take the click.
  await waitUntilGone(openList);
  for (let attempt = 1; ; attempt++) {
    if ((await chosen.count()) > 0) return;
    // On a second try the list may still be open (a click on the field would close it).
    if ((await openList.count()) === 0) await (typed === undefined ? field.click() : field.fill(typed));
    await openList.locator('.ant-select-item-option', { hasText: option }).first().click();
    try {
      await chosen.waitFor({ timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * Clicks a dialog's confirm button (`confirm`) and waits for `done`. On a loaded machine a click on a
 * dialog still settling can be lost, and nothing is sent; so while `done` has not appeared and the
 * button is still shown and not busy sending, it is clicked again (at most twice more). A click that
 * took leaves the button busy (antd's confirmLoading) or gone, and is never repeated.
 */
export async function confirmUntil(confirm: Locator, done: Locator, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let clicks = 0;
  for (;;) {
    if (clicks < 3 && (await idle(confirm))) {
      await confirm.click();
      clicks++;
    }
    try {
      await done.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
    }
  }
}

/** Shown and not busy: a button a click has not reached (or that is ready for another). */
async function idle(button: Locator): Promise<boolean> {
  if (!(await button.isVisible())) return false;
  return button.evaluate((element) => !element.classList.contains('ant-btn-loading'), undefined, { timeout: 1_000 }).catch(() => false);
}

async function waitUntilGone(elements: Locator, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await elements.count()) > 0) {
    if (Date.now() > until) throw new Error(`still shown after ${timeoutMs} ms: ${elements.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Signs in on the worker H5 (`/m`) and waits for its home page. */
export async function signInToPhone(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/m');
  await page.waitForURL('**/m/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/m' || url.pathname === '/m/');
}
