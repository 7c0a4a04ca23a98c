import { join } from 'node:path';
import { withDemoDay } from '../src/demo/careDayJob.ts';
import { checkinsModule } from '../src/modules/checkins/module.ts';
import { DEFAULT_WEB_DIR } from '../src/server.ts';
import { fakeClock } from '../test/support/clock.ts';
import { as, signIn, startTestServer } from '../test/support/server.ts';
import { buildWebIfStale, launchChromium, openPage, repo, signInToConsole } from './support/browser.ts';

/**
 * The curtain pact's board for the docs (`npx tsx e2e/screenshotCheckins.ts [file]`, default
 * docs/screenshot-checkins-board.png): the demo district at 09:20 on a Monday, its day played by the
 * demo's simulated morning, the console board of the subdistrict with the most open alerts. About a
 * minute (the demo loads first). Not a test: the browser suite checks the same screens on a world of its own.
 */
const out = process.argv[2] ?? join(repo, 'docs', 'screenshot-checkins-board.png');
buildWebIfStale();
const clock = fakeClock(new Date('2026-03-02T09:20:00+08:00').toISOString());
// The browser's cookies live in real time, the server on 2 March 2026: sessions long enough for both.
const server = await startTestServer('sqlite', { WANGGE_DEMO: '1', SESSION_TTL_HOURS: '100000' }, { clock, webDir: DEFAULT_WEB_DIR });
try {
  // The check-in jobs once, as at start: the demo's morning is played up to 09:20 and swept.
  await Promise.all(withDemoDay(server.platform, checkinsModule.jobs!(server.platform)).map((job) => job.run()));
  const admin = as(server, await signIn(server, 'admin', 'wangge-demo'));
  const board = (await admin('GET', '/api/checkins/board')).json() as { rows: { code: string; openAlerts: number }[] };
  const busiest = [...board.rows].sort((a, b) => b.openAlerts - a.openAlerts)[0];
  const browser = await launchChromium();
  try {
    const { page, problems } = await openPage(browser, server.url, {
      viewport: { width: 1440, height: 1100 },
      timezoneId: 'Asia/Shanghai',
    });
    await signInToConsole(page, 'admin', 'wangge-demo');
    await page.goto(`/checkins?unit=${busiest.code}`);
    await page.locator(`.unit-map[data-within="${busiest.code}"]`).waitFor({ timeout: 30_000 });
    await page.locator('.checkins-board-table tr[data-unit]').first().waitFor();
    await page.screenshot({ path: out, fullPage: true });
    if (problems.length > 0) throw new Error(`the page reported problems: ${problems.join('; ')}`);
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  await server.dispose();
}
