import { escapeHtml, linkPage } from '../../platform/http/linkPage.ts';
import { KIND_NAMES } from './errands.kinds.ts';
import type { ErrandRow } from './errands.repository.ts';

/**
 * The resident's confirmation page at /e/<token>: one small server-rendered page, no script (the
 * Content-Security-Policy allows none inline, and a resident's old phone needs none), a plain form
 * that posts back to the same address. Chinese, as the residents read it.
 */

const STYLE = `
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #f5f5f5; color: #333; }
  main { max-width: 480px; margin: 0 auto; padding: 24px 16px; }
  .card { background: #fff; border-radius: 8px; padding: 20px 16px; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  dl { margin: 0 0 20px; } dt { color: #999; font-size: 13px; margin-top: 12px; } dd { margin: 4px 0 0; font-size: 16px; white-space: pre-wrap; word-break: break-all; }
  button { width: 100%; padding: 14px; font-size: 17px; color: #fff; background: #1677ff; border: 0; border-radius: 6px; }
  .note { color: #999; font-size: 13px; margin-top: 16px; }
  .ok { color: #00b578; } .fail { color: #ff3141; }
`;

const page = (title: string, body: string) => linkPage(title, body, STYLE);

function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** What was done, and the button that confirms it. */
export function confirmPage(errand: ErrandRow, token: string, timeZone: string): string {
  return page(
    '请确认帮办事项',
    `<h1>请确认帮办事项</h1>
<dl>
<dt>事项</dt><dd class="errand-kind">${escapeHtml(KIND_NAMES[errand.kind])}</dd>
<dt>内容</dt><dd class="errand-what">${escapeHtml(errand.what)}</dd>
${errand.done_at ? `<dt>办结时间</dt><dd>${escapeHtml(localTime(errand.done_at, timeZone))}</dd>` : ''}
</dl>
<form method="post" action="/e/${escapeHtml(token)}">
<button type="submit">确认已办好</button>
</form>
<p class="note">网格员已为您办好以上事项。如有疑问，请直接联系您的网格员。</p>`,
  );
}

export function confirmedPage(errand: ErrandRow): string {
  return page(
    '已确认',
    `<h1 class="ok">已确认，谢谢！</h1>
<dl><dt>事项</dt><dd class="errand-kind">${escapeHtml(KIND_NAMES[errand.kind])}</dd></dl>
<p class="note">您的确认已记录。本链接已失效，可以关闭此页面。</p>`,
  );
}

const FAILURES: Record<string, string> = {
  'errand.link_not_found': '链接无效。请核对短信中的链接，或联系您的网格员。',
  'errand.link_used': '该事项已经确认过了，无需再次确认。',
  'errand.link_expired': '链接已过期。如需确认，请联系您的网格员重新发送。',
  'errand.link_rate_limited': '尝试次数过多，请稍后再试。',
};

export function failurePage(code: string): string {
  const message = FAILURES[code] ?? '暂时无法确认，请稍后再试。';
  return page(
    '帮办事项确认',
    `<h1 class="fail">无法确认</h1><p class="failure" data-code="${escapeHtml(code)}">${escapeHtml(message)}</p>`,
  );
}
