import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '../src/platform/authz/actor.ts';
import { recordSignal } from '../src/modules/checkins/commands/recordSignal.ts';
import { sweepCheckins } from '../src/modules/checkins/commands/sweepCheckins.ts';
import { importUnits } from '../src/modules/org/commands/importUnits.ts';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { makeBuildingOfElders } from '../test/support/checkinBuildings.ts';
import { checkinCallers, makeCheckinWorld, type CheckinWorld } from '../test/support/checkins.ts';
import { fakeClock, type FakeClock } from '../test/support/clock.ts';
import { PASSWORD } from '../test/support/factories.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { box } from '../test/support/tessellation.ts';
import {
  browserSuiteRuns,
  buildWebIfStale,
  chooseOption,
  confirmUntil,
  launchChromium,
  type OpenedPage,
  openFromMenu,
  openPage,
  signInToConsole,
  signInToPhone,
} from './support/browser.ts';

/**
 * The curtain pact (DOMAIN.md §5) on both screens, in a real Chromium against the real server with a
 * fake clock. A week of history first (everyone well but one morning overslept); then Monday 2 March
 * 2026: the worker's morning on the phone — today's list in walking order, one person ticked, "all
 * seen" for a building —; the grid staff's board turning red on the map and in the table without a
 * reload when the deadline passes; the worker's alert banner: call the family (audited reveal),
 * navigate, acknowledge, "taken to hospital" (a private care case opens), and the one-tap confirmation
 * after a late sign of life; the alert's timeline, a person's 30-day calendar and the month's figures.
 */
const runs = browserSuiteRuns('checkins');

const W = 113.3;
const S = 35.26;
const d = 0.01;
/** Building A (two people, "all seen") and building B (the one who does not answer), inside the home micro-grid. */
const BUILDING_A: [number, number] = [W + 0.3 * d, S + 0.4 * d];
const BUILDING_B: [number, number] = [W + 0.6 * d, S + 0.7 * d];
const RED = '#f5222d';
const GREEN = '#52c41a';
const AMBER = '#faad14';
/** Where the board looks like at the end of the morning (for whoever debugs this suite; the docs' picture comes from e2e/screenshotCheckins.ts). */
const SCREENSHOT = join(tmpdir(), 'wangge-checkins-board.png');

/** Local `HH:MM` on a day of 2026 in Jiaozuo (UTC+8) as an instant. */
const local = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();
const MONDAY = '2026-03-02';

describe.skipIf(!runs)('the curtain pact in Chromium', () => {
  let server: TestServer;
  let clock: FakeClock;
  let browser: Browser;
  let world: CheckinWorld;
  let call: Awaited<ReturnType<typeof checkinCallers>>;
  let phone: OpenedPage;
  let board: OpenedPage;
  /** Subject ids by the person's name. */
  const subject: Record<string, string> = {};
  let buildingA: string;

  const db = () => server.platform.database.db;
  const sweep = () => sweepCheckins(server.platform);
  const alertOf = async (name: string, day = MONDAY) =>
    (await db().selectFrom('care_alert').selectAll().where('subject_id', '=', subject[name]).where('day', '=', day).executeTakeFirst())!;

  beforeAll(async () => {
    buildWebIfStale();
    clock = fakeClock(local('2026-02-23', '05:00'));
    // The browser's cookies live in real time, the server in March 2026: sessions long enough for both.
    server = await startTestServer('sqlite', { SESSION_TTL_HOURS: '100000' }, { webDir: DEFAULT_WEB_DIR, clock });
    const { platform } = server;
    const by = { actor: systemActor('test'), requestId: null };
    world = await makeCheckinWorld(platform);
    const { homeCommunity, homeGrid, homeMicrogrid, otherMicrogrid } = world.codes;
    await importUnits(
      platform,
      by,
      [
        { code: homeCommunity, name: '幸福社区', geometry: box(W, S, W + 2 * d, S + d) },
        { code: homeGrid, name: '幸福社区第1网格', geometry: box(W, S, W + 2 * d, S + d) },
        { code: homeMicrogrid, name: '幸福社区第1网格1号微网格', geometry: box(W, S, W + d, S + d) },
        { code: otherMicrogrid, name: '幸福社区第1网格2号微网格', geometry: box(W + d, S, W + 2 * d, S + d) },
      ],
      'test',
    );
    const a = await makeBuildingOfElders(platform, {
      id: 'b-heping-3',
      microgridCode: homeMicrogrid,
      address: '和平街3号楼',
      position: BUILDING_A,
      names: ['钱秀兰', '冯桂香'],
      n: 30,
    });
    const b = await makeBuildingOfElders(platform, {
      id: 'b-heping-5',
      microgridCode: homeMicrogrid,
      address: '和平街5号楼',
      position: BUILDING_B,
      names: ['褚秀珍'],
      n: 40,
    });
    buildingA = a.buildingId;
    call = await checkinCallers(server, world);
    const residents: Record<string, string> = {
      钱秀兰: a.residentIds[0],
      冯桂香: a.residentIds[1],
      褚秀珍: b.residentIds[0],
      王秀英: world.elders['王秀英'].id,
      陈玉兰: world.elders['陈玉兰'].id,
      郑玉珍: world.elders['郑玉珍'].id,
    };
    for (const [name, residentId] of Object.entries(residents)) {
      const plan =
        name === '褚秀珍' ? { contacts: [{ name: '褚小明', phone: '13812340009', relation: '儿子', channel: 'sms' }] } : undefined;
      const response = await call('gridStaff')('POST', '/api/checkins/subjects', { residentId, ...(plan ? { plan } : {}) });
      expect(response.statusCode, response.body).toBe(201);
      subject[name] = response.json().id;
    }
    await aWeekOfHistory();
    clock.set(local(MONDAY, '07:00'));
    await sweep(); // plans Monday (and Tuesday)
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** 23 February to 1 March: everyone signs in time through their link, except 王秀英 on the 26th, who overslept. */
  async function aWeekOfHistory() {
    for (const day of ['2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01']) {
      clock.set(local(day, '06:30'));
      await sweep();
      for (const name of Object.keys(subject)) {
        if (name === '王秀英' && day === '2026-02-26') continue;
        const result = await recordSignal(server.platform, {
          id: `${day}-${name}`,
          subjectId: subject[name],
          ts: local(day, '06:30'),
          type: 'link',
          source: 'test',
        });
        expect(result.status).toBe('accepted');
      }
      clock.set(local(day, '09:05'));
      await sweep();
    }
    const missed = await alertOf('王秀英', '2026-02-26');
    expect((await call('gridStaff')('POST', `/api/checkins/alerts/${missed.id}/outcome`, { outcome: 'overslept' })).statusCode).toBe(200);
  }

  const signInAsWorker = (page: Page, username: string) => signInToPhone(page, username, PASSWORD);

  /** What the phone would do when the worker comes back to the app: ask again at once (the list also polls). */
  const refocus = (page: Page) => page.evaluate("window.dispatchEvent(new Event('focus'))");
  const item = (page: Page, name: string) => page.locator(`.care-item[data-subject="${subject[name]}"]`);
  const fillOf = (page: Page, code: string) => page.locator(`path.unit-${code}`).getAttribute('fill');
  const boardRow = (page: Page, code: string) => page.locator(`.checkins-board-table tr[data-unit="${code}"]`);

  test('the worker’s morning: today’s list in walking order, one tick, “all seen” for a building', async () => {
    phone = await openPage(browser, server.url, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      timezoneId: 'Asia/Shanghai',
    });
    const { page } = phone;
    await signInAsWorker(page, world.users.worker.username);
    await page.locator('.adm-tab-bar-item').getByText('关爱', { exact: true }).click();
    await page.waitForURL('**/m/care');
    await page.locator(`.care-page[data-date="${MONDAY}"]`).waitFor();

    // Five people of the worker's micro-grid (郑玉珍 lives in the other one), masked, in walking order.
    await expect.poll(() => page.locator('.care-item .care-name').allInnerTexts()).toEqual(['王*英', '陈*兰', '钱*兰', '冯*香', '褚*珍']);
    await page.locator('.care-counts').getByText('今日 5 人次：平安 0，等待 5，告警 0').waitFor();
    const stopA = page.locator(`.care-stop[data-building="${buildingA}"]`);
    await stopA.getByText('和平街3号楼', { exact: true }).waitFor();

    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/checkins/ticks')) keys.push(request.headers()['idempotency-key'] ?? '');
    });
    await item(page, '王秀英').locator('.care-state').getByText('等待').waitFor();
    await item(page, '王秀英').getByRole('button', { name: '看到了' }).click();
    await page.locator(`.care-item[data-subject="${subject['王秀英']}"][data-state="safe"]`).getByText('平安', { exact: true }).waitFor();

    await stopA.getByRole('button', { name: '全部看到' }).click();
    for (const name of ['钱秀兰', '冯桂香']) await page.locator(`.care-item[data-subject="${subject[name]}"][data-state="safe"]`).waitFor();
    await page.locator('.care-counts').getByText('今日 5 人次：平安 3，等待 2，告警 0').waitFor();
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const ticks = await db().selectFrom('care_signal').select(['subject_id', 'type']).where('type', '=', 'tick').execute();
    expect(ticks.map((t) => t.subject_id).sort()).toEqual([subject['王秀英'], subject['钱秀兰'], subject['冯桂香']].sort());
    expect(phone.problems).toEqual([]);
  });

  test('the board turns red on the map and in the table at the deadline, without a reload', async () => {
    board = await openPage(browser, server.url, { viewport: { width: 1400, height: 1000 }, timezoneId: 'Asia/Shanghai' });
    const { page } = board;
    await signInToConsole(page, world.users.gridStaff.username, PASSWORD);
    await openFromMenu(page, '窗帘之约');
    await page.waitForURL((url) => url.pathname === '/checkins');
    const { homeMicrogrid, otherMicrogrid } = world.codes;
    await page.locator(`.checkins-board[data-date="${MONDAY}"]`).waitFor();
    await page.locator(`.unit-map[data-within="${world.codes.homeGrid}"]`).waitFor();
    // 07:00: two of the home micro-grid and 郑玉珍 are still awaited.
    await expect.poll(() => fillOf(page, homeMicrogrid)).toBe(AMBER);
    await expect.poll(() => fillOf(page, otherMicrogrid)).toBe(AMBER);
    await boardRow(page, homeMicrogrid).getByText('等待中').waitFor();

    // 09:01: the sweeper raises three alerts; the open board shows them within its refresh.
    clock.set(local(MONDAY, '09:01'));
    expect((await sweep()).raised).toBe(3);
    await expect.poll(() => fillOf(page, homeMicrogrid), { timeout: 25_000 }).toBe(RED);
    expect(await fillOf(page, otherMicrogrid)).toBe(RED);
    await boardRow(page, homeMicrogrid).getByText('有告警').waitFor();
    await expect.poll(() => page.locator('.checkins-total--openAlerts .ant-statistic-content').innerText()).toBe('3');
    expect(board.problems).toEqual([]);
  });

  test('the worker’s alert banner: call the family, navigate, acknowledge, “taken to hospital” opens a private case', async () => {
    const { page } = phone;
    await refocus(page);
    const card = page.locator(`.care-alert[data-alert="${(await alertOf('褚秀珍')).id}"]`);
    await card.getByText('褚*珍').waitFor();
    await card.getByText('截至 2026/03/02 09:00 未报平安').waitFor();
    expect(await page.locator('.care-alert').count()).toBe(2);
    await page.screenshot({ path: join(tmpdir(), 'wangge-care-phone.png'), fullPage: true });
    await item(page, '褚秀珍').locator('.care-state').getByText('告警').waitFor();

    // 导航: a map link to the building.
    const navigate = card.getByRole('link', { name: '导航' });
    expect(await navigate.getAttribute('href')).toContain(`position=${BUILDING_B[0]},${BUILDING_B[1]}`);

    // 拨打电话: the family's number, revealed (audited) and dialled through tel:.
    await card.getByRole('button', { name: '拨打电话' }).click();
    const sheet = page.locator('.care-call-sheet');
    await sheet.getByRole('button', { name: '查看紧急联系人' }).click();
    const contact = sheet.locator('a.care-contact');
    await contact.getByText('褚小明（儿子） 13812340009').waitFor();
    expect(await contact.getAttribute('href')).toBe('tel:13812340009');
    const reveals = await db().selectFrom('audit_record').select(['action', 'summary']).where('action', '=', 'checkin.reveal').execute();
    expect(reveals).toHaveLength(1);
    expect(reveals[0].summary).not.toContain('13812340009');
    await page.mouse.click(200, 100); // the mask closes the sheet
    await sheet.waitFor({ state: 'hidden' });

    // 确认收到: the climb stops.
    await card.getByRole('button', { name: '确认收到' }).click();
    await page.locator(`.care-alert[data-alert="${(await alertOf('褚秀珍')).id}"][data-status="acknowledged"]`).waitFor();
    expect((await alertOf('褚秀珍')).acknowledged_at).not.toBeNull();

    // 已送医: a private care case in her micro-grid.
    await card.getByRole('button', { name: '记录结果' }).click();
    const form = page.locator('.care-outcome-sheet');
    await form.getByText('已送医', { exact: true }).click();
    await form.getByText('将自动生成“独居老人安全”事件', { exact: false }).waitFor();
    await form.getByPlaceholder('补充说明（选填）').fill('邻居发现摔倒，已由120送医');
    await form.getByRole('button', { name: '提交结果' }).click();
    await card.waitFor({ state: 'detached' });
    await page.locator(`.care-item[data-subject="${subject['褚秀珍']}"][data-state="resolved"]`).getByText('已送医').waitFor();
    const alert = await alertOf('褚秀珍');
    expect(alert).toMatchObject({ outcome: 'hospital' });
    await expect.poll(async () => (await alertOf('褚秀珍')).case_id).not.toBeNull();
    const kase = await db()
      .selectFrom('dispatch_case')
      .selectAll()
      .where('id', '=', (await alertOf('褚秀珍')).case_id!)
      .executeTakeFirstOrThrow();
    expect(kase).toMatchObject({ category_code: '1101', source: 'staff', area_code: world.codes.homeMicrogrid });
    expect(phone.problems).toEqual([]);
  });

  test('a late sign of life: the banner asks the worker to confirm with one tap', async () => {
    const { page } = phone;
    clock.set(local(MONDAY, '09:12'));
    const late = await recordSignal(server.platform, {
      id: 'late-chen',
      subjectId: subject['陈玉兰'],
      ts: local(MONDAY, '09:10'),
      type: 'link',
      source: 'test',
    });
    expect(late).toMatchObject({ status: 'accepted', effect: 'late' });
    await refocus(page);
    const id = (await alertOf('陈玉兰')).id;
    const card = page.locator(`.care-alert[data-alert="${id}"][data-status="signalled"]`);
    await card.getByText('告警后收到平安信号').waitFor();
    await card.getByRole('button', { name: '确认平安' }).click();
    await page.locator('.adm-dialog').getByRole('button', { name: '确定' }).click();
    await page.locator(`.care-alert[data-alert="${id}"]`).waitFor({ state: 'detached' });
    expect(await alertOf('陈玉兰')).toMatchObject({ outcome: 'safe' });
    expect(await page.locator('.care-alert').count()).toBe(0);
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });

  test('the board follows: the home micro-grid is green again; the alert’s timeline shows every step and the case', async () => {
    const { page } = board;
    const { homeMicrogrid, otherMicrogrid } = world.codes;
    await expect.poll(() => fillOf(page, homeMicrogrid), { timeout: 25_000 }).toBe(GREEN);
    expect(await fillOf(page, otherMicrogrid)).toBe(RED);
    await expect.poll(() => page.locator('.checkins-total--openAlerts .ant-statistic-content').innerText()).toBe('1');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Drill down into the home micro-grid: its people, each leading to their page.
    await boardRow(page, homeMicrogrid).getByRole('button').click();
    await page.locator('.checkins-board').getByRole('link', { name: '褚*珍' }).waitFor();

    // Its alerts: none open any more; this morning's two and 王秀英's of Thursday resolved.
    await page.getByRole('tab', { name: '告警' }).click();
    await page.locator('.checkins-alerts').getByText('近 7 天没有此类告警').waitFor();
    await page.locator('.ant-segmented').getByText('已处置', { exact: true }).click();
    await expect
      .poll(() => page.locator('.checkins-alerts tr.ant-table-row').evaluateAll((rows) => rows.map((row) => row.textContent ?? '')))
      .toEqual([expect.stringContaining('陈*兰'), expect.stringContaining('褚*珍'), expect.stringContaining('王*英')]);
    const row = page.locator('.checkins-alerts tr.ant-table-row').filter({ hasText: '褚*珍' });
    await row.getByText('已送医').waitFor();
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/checkins\/alerts\/\w+$/);
    const steps = page.locator('.checkins-timeline .checkins-step');
    await expect
      .poll(() => steps.evaluateAll((all) => all.map((step) => step.getAttribute('data-step'))))
      .toEqual(['raise', 'ack', 'outcome', 'case']);
    await steps.first().getByText('网格员 1 人', { exact: false }).waitFor();
    await page.locator('.checkins-alert-outcome').getByText('已送医', { exact: false }).waitFor();
    const caseLink = page.locator('.checkins-case-link');
    expect(await caseLink.getAttribute('href')).toBe(`/cases/${(await alertOf('褚秀珍')).case_id}`);
    expect(board.problems).toEqual([]);
  });

  test('grid staff take 郑玉珍’s alert on and record “overslept” from the console', async () => {
    const { page } = board;
    // 09:20: nobody took it on within 15 minutes; the ladder climbs to the grid.
    clock.set(local(MONDAY, '09:20'));
    expect((await sweep()).climbed).toBe(1);
    await page.goto(`/checkins/alerts/${(await alertOf('郑玉珍')).id}`);
    await page.locator('.checkins-alert-page[data-status="open"]').waitFor();
    await page.locator('.checkins-step[data-step="rung:1"]').getByText('第 1 级升级').waitFor();
    await page.locator('.checkins-step[data-step="rung:1"]').getByText('幸福社区第1网格', { exact: false }).waitFor();
    await page.getByRole('button', { name: '确认收到' }).click();
    await page.locator('.checkins-alert-page[data-status="acknowledged"]').waitFor();
    await page.getByRole('button', { name: '记录处置结果' }).click();
    const dialog = page.getByRole('dialog');
    await chooseOption(page, dialog.getByLabel('处置结果'), '睡过头');
    await dialog.getByRole('button', { name: '提交' }).click();
    await page.locator('.checkins-alert-page[data-status="resolved"]').waitFor();
    expect(await alertOf('郑玉珍')).toMatchObject({ outcome: 'overslept' });
    expect(board.problems).toEqual([]);
  });

  test('a person’s page: the 30-day calendar, contacts revealed with a reason, an away period, the personal link', async () => {
    const { page } = board;
    await page.goto(`/checkins/subjects/${subject['王秀英']}`);
    await page.locator('.checkins-subject-name').getByText('王*英').waitFor();
    const days = page.locator('.checkins-calendar .checkins-day');
    await expect.poll(() => days.count()).toBe(30);
    const state = (day: string) => page.locator(`.checkins-day[data-day="${day}"]`).getAttribute('data-state');
    expect(await state('2026-02-25')).toBe('safe');
    expect(await state('2026-02-26')).toBe('resolved'); // missed, then "overslept"
    expect(await state(MONDAY)).toBe('safe');
    expect(await state('2026-02-20')).toBe('none'); // before she joined
    expect(await page.locator('.checkins-day[data-day="2026-02-26"]').getAttribute('style')).toContain('rgb(114, 46, 209)');

    await page.goto(`/checkins/subjects/${subject['褚秀珍']}`);
    await page.locator('.checkins-contacts').getByText('褚*明', { exact: false }).waitFor();
    await page.getByRole('button', { name: '查看完整号码' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('查看原因（记入审计日志）').fill('核实送医情况');
    await dialog.getByRole('button', { name: '查看完整号码' }).click();
    await page.locator('.checkins-contacts').getByText('褚小明（儿子） · 13812340009', { exact: false }).waitFor();
    expect(await state(MONDAY)).toBe('resolved');

    // She stays in hospital until Thursday: tomorrow's check is paused; called off, it waits again.
    await page.getByRole('button', { name: '登记外出' }).click();
    const away = page.getByRole('dialog');
    const [from, to] = [away.locator('.ant-picker-input input').nth(0), away.locator('.ant-picker-input input').nth(1)];
    await from.click();
    await from.fill('2026-03-02 10:00');
    await from.press('Enter');
    await to.fill('2026-03-05 10:00');
    await to.press('Enter');
    await chooseOption(page, away.getByLabel('原因'), '住院');
    await away.getByRole('button', { name: '保存' }).click();
    await page.locator('.checkins-away').getByText('住院', { exact: false }).waitFor();
    const tomorrow = () =>
      db()
        .selectFrom('care_check')
        .select('state')
        .where('subject_id', '=', subject['褚秀珍'])
        .where('day', '=', '2026-03-03')
        .executeTakeFirstOrThrow();
    expect(await tomorrow()).toEqual({ state: 'away' });
    await page.locator('.checkins-away').getByRole('button', { name: '撤销' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '确定' }).click();
    await page.locator('.checkins-away').getByText('无外出登记').waitFor();
    expect(await tomorrow()).toEqual({ state: 'waiting' });

    // Her own "I'm fine" link, shown this once, and it opens her check-in page.
    await page.getByRole('button', { name: '发放平安链接' }).click();
    const ask = page.getByRole('dialog').filter({ hasText: '发放平安链接' });
    await confirmUntil(ask.getByRole('button', { name: '发放', exact: true }), page.locator('.checkins-link-url'));
    const url = await page.locator('.checkins-link-url').innerText();
    expect(url).toMatch(/\/c\/[A-Za-z0-9_-]{43}$/);
    const opened = await server.app.inject({ method: 'GET', url: new URL(url).pathname, headers: { accept: 'application/json' } });
    expect(opened.json()).toEqual({ checkedIn: false, at: null });
    expect(board.problems).toEqual([]);
  });

  test('the month: alerts, false alarms, minutes to the outcome, per unit below', async () => {
    const { page } = board;
    await page.goto('/checkins?tab=monthly&month=2026-03');
    const totals = page.locator('.checkins-monthly-totals');
    // Three alerts on Monday: hospital (serious), safe and overslept (false alarms).
    await totals.getByText('66.7%（2）').waitFor();
    await totals.getByText('已送医 1', { exact: false }).waitFor();
    const units = page.locator('.checkins-monthly-units tr.ant-table-row');
    await expect.poll(() => units.count()).toBe(2);
    await units.filter({ hasText: '1号微网格' }).waitFor();
    expect(board.problems).toEqual([]);
    await board.context.close();
  });
});
