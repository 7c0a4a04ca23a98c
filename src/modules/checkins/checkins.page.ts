import { escapeHtml, linkPage } from '../../platform/http/linkPage.ts';
/**
 * The subject's "I'm fine" page at /c/<token>: one small server-rendered page, no script (the
 * Content-Security-Policy allows none inline, and an old phone needs none), one big button that posts
 * back to the same address. Chinese, large type: the people reading it are mostly old. Nothing
 * personal on it: anyone holding the link can open it.
 */

const STYLE = `
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #f5f5f5; color: #333; }
  main { max-width: 480px; margin: 0 auto; padding: 32px 16px; }
  .card { background: #fff; border-radius: 12px; padding: 28px 20px; text-align: center; }
  h1 { font-size: 26px; margin: 0 0 20px; }
  p { font-size: 19px; line-height: 1.6; }
  button { width: 100%; padding: 26px; font-size: 30px; color: #fff; background: #00b578; border: 0; border-radius: 12px; }
  .note { color: #999; font-size: 15px; margin-top: 20px; }
  .ok { color: #00b578; } .fail { color: #ff3141; }
`;

const page = (title: string, body: string) => linkPage(title, body, STYLE);

/** The button; and, when today is already reported, when. */
export function checkinPage(token: string, checkedInAt: string | null): string {
  const already = checkedInAt
    ? `<p class="ok checked-in">今天 ${escapeHtml(checkedInAt)} 已报平安。</p>`
    : '<p>每天按一下，让网格员和家人知道您平安。</p>';
  return page(
    '每日平安',
    `<h1>每日平安</h1>
${already}
<form method="post" action="/c/${escapeHtml(token)}">
<button type="submit">我很好</button>
</form>
<p class="note">如身体不适，请直接拨打 120 或联系您的网格员。</p>`,
  );
}

export function checkedInPage(at: string): string {
  return page(
    '已报平安',
    `<h1 class="ok">已收到，谢谢！</h1><p class="checked-in">${escapeHtml(at)} 已报平安，祝您今天愉快。</p><p class="note">可以关闭此页面。</p>`,
  );
}

const FAILURES: Record<string, string> = {
  'checkin.link_not_found': '链接无效。请联系您的网格员获取新的链接。',
  'checkin.link_rate_limited': '尝试次数过多，请稍后再试。',
};

export function failurePage(code: string): string {
  const message = FAILURES[code] ?? '暂时无法报平安，请稍后再试，或联系您的网格员。';
  return page('每日平安', `<h1 class="fail">无法报平安</h1><p class="failure" data-code="${escapeHtml(code)}">${escapeHtml(message)}</p>`);
}
