/**
 * The small server-rendered pages behind single-purpose links sent to residents (confirm an errand,
 * "I'm fine"): no script (the Content-Security-Policy allows none inline, and an old phone needs
 * none), Chinese, not indexed. Each module brings its own style and body.
 */
export function linkPage(title: string, body: string, style: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body><main><div class="card">${body}</div></main></body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
