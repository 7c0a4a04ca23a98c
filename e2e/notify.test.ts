import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatchDue } from '../src/platform/notify/notify.dispatch.ts';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { makeWorld, PASSWORD, type World } from '../test/support/factories.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { OK, startGateway, type Gateway } from '../test/platform/notify/gateway.ts';
import { enqueue } from '../test/platform/notify/support.ts';
import { browserSuiteRuns, buildWebIfStale, launchChromium, openFromMenu, openPage, signInToConsole } from './support/browser.ts';

/**
 * A subdistrict office wires its WeCom group to the platform in the console, in a real Chromium
 * against the real server: the robot is down when an escalation comes, so the message lands among the
 * failed ones; once the robot is back the office retries it, it leaves the list and is delivered. The
 * same escalation waits in the office's inbox until someone marks it read.
 */
const runs = browserSuiteRuns('notifications console');

describe.skipIf(!runs)('notifications console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let world: World;
  let gateway: Gateway;

  beforeAll(async () => {
    buildWebIfStale();
    gateway = await startGateway();
    server = await startTestServer('sqlite', { NOTIFY_MAX_ATTEMPTS: '1' }, { webDir: DEFAULT_WEB_DIR });
    world = await makeWorld(server.platform);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await gateway?.stop();
  });

  test('add a WeCom channel, see the failed message, retry it after the robot recovers, read the inbox', async () => {
    const { context, page, problems } = await openPage(browser, server.url, { viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, world.users.home.username, PASSWORD);
    await openFromMenu(page, '通知');
    await page.waitForURL((url) => url.pathname === '/notify');

    // The office's WeCom group robot, added to its own unit (the scope's first unit is the default).
    await page.getByRole('tab', { name: '通知渠道' }).click();
    await page.locator('.channel-table').getByText('该单位还没有配置外部通知渠道').waitFor();
    await page.getByRole('button', { name: '添加渠道' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('马村街道工作群');
    await dialog.getByLabel('Webhook 地址').fill(`${gateway.url}/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa`);
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('.channel-table tbody tr.ant-table-row').filter({ hasText: '马村街道工作群' });
    await row.waitFor();
    expect(await row.innerText()).toContain('key=…5aaa');
    expect(await row.innerText()).not.toContain('693a91f6');

    // An escalation while the robot answers 500: one attempt (NOTIFY_MAX_ATTEMPTS=1) and it is a dead letter.
    gateway.fallback = { status: 500 };
    await enqueue(server.platform, {
      recipient: { unit: world.codes.home },
      title: '案件超时升级',
      body: '幸福路井盖缺失，处置已超时。',
      link: '/',
      dedupeKey: 'e2e:escalate:1',
    });
    expect(await dispatchDue(server.platform)).toMatchObject({ dead: 1 });
    await page.getByRole('tab', { name: '发送失败' }).click();
    const dead = page.locator('.dead-letter-table tbody tr.ant-table-row').filter({ hasText: '案件超时升级' });
    await dead.waitFor();
    expect(await dead.innerText()).toContain('HTTP 500');
    expect(await dead.innerText()).toContain('马村街道工作群');

    // The robot is back: retry, the list empties, the next dispatch delivers it.
    gateway.fallback = OK;
    await dead.getByRole('button', { name: '重试' }).click();
    await dead.waitFor({ state: 'detached' });
    await page.locator('.dead-letter-table').getByText('没有发送失败的消息').waitFor();
    expect(await dispatchDue(server.platform)).toMatchObject({ sent: 1 });
    expect(gateway.received).toHaveLength(2);
    expect(gateway.received[1].body).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 案件超时升级\n幸福路井盖缺失，处置已超时。\n控制台路径：/' },
    });

    // The same escalation is in the office's inbox, unread first, until it is marked read.
    await page.getByRole('tab', { name: /收件箱/ }).click();
    const unread = page.locator('.inbox-unread-table tbody tr.ant-table-row').filter({ hasText: '案件超时升级' });
    await unread.waitFor();
    await unread.getByRole('button', { name: '标记已读' }).click();
    await unread.waitFor({ state: 'detached' });
    await page.locator('.inbox-read-table tbody tr.ant-table-row').filter({ hasText: '案件超时升级' }).waitFor();

    const actions = await server.platform.database.db
      .selectFrom('audit_record')
      .select('action')
      .where('actor_label', '=', `user:${world.users.home.username}`)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['auth.login', 'notify.create_channel', 'notify.retry_dead_letter']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
