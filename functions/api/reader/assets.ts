/**
 * The reader page's files as string constants, imported (dynamically) only by the reader
 * routes. The page holds no data: its script fetches `summaries` and builds every node with
 * DOM APIs and `textContent` (summaries are LLM output of untrusted articles, so no HTML from
 * data ever reaches the parser). No framework, no external requests; URLs are relative so the
 * page also works under a stage path. One page, two views: the list, and `?text=<id>` for an
 * article's full text laid out in its own direction.
 */
export { READER_JS } from './script.ts';

// `data:` only for images: the icon below is inline, so browsers stop asking for /favicon.ico.
export const READER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#0b6e4f"/>' +
  '<path d="M8 10h16M8 16h16M8 22h10" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>';
const ICON = `data:image/svg+xml;base64,${Buffer.from(ICON_SVG).toString('base64')}`;

export const READER_HTML = `<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>khulasa · خلاصة</title>
<link rel="icon" type="image/svg+xml" href="${ICON}">
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<header class="masthead">
<h1>khulasa <span lang="ar" dir="rtl" class="ar">خلاصة</span></h1>
<p>Newest news summaries, Arabic beside English.</p>
</header>
<main>
<p id="notice" class="notice" role="alert" hidden></p>
<form id="token-form" class="token-form" hidden>
<label for="token">This API needs a token (JWT). Paste it here; it is kept in this tab only.</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit">Use token</button>
</form>
<form id="filters" class="filters" role="search" aria-label="Filter summaries" hidden>
<label>Outlet <select id="filter-outlet" name="outlet"></select></label>
<label>Mentions <select id="filter-entity" name="entity"></select></label>
<button id="filter-clear" class="filter-clear" type="button" hidden>Clear filters</button>
</form>
<ol id="records" class="records" aria-live="polite"></ol>
<article id="full-text" class="full-text" hidden>
<p class="back"><a href="./">← All summaries</a></p>
</article>
<p id="status" class="status-line" role="status"></p>
<button id="older" class="older" type="button" hidden>Older</button>
</main>
</body>
</html>
`;

export const READER_CSS = `:root {
  color-scheme: light;
  --ink: #1d2329; --muted: #5b6670; --line: #d9dee3; --paper: #ffffff; --bg: #f4f5f2; --accent: #0b6e4f;
  --arabic: "Noto Naskh Arabic", "Amiri", "Geeza Pro", "Arabic Typesetting", "DejaVu Sans", serif;
  --latin: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 16px/1.5 var(--latin); }
.masthead { padding: 1.25rem 1.5rem 0.5rem; }
.masthead h1 { margin: 0; font-size: 1.6rem; }
.masthead p { margin: 0.25rem 0 0; color: var(--muted); }
main { padding: 0 1.5rem 2rem; }
.ar, [lang="ar"] { font-family: var(--arabic); }
.notice { background: #fff4e5; border: 1px solid #f0c36d; padding: 0.75rem 1rem; border-radius: 6px; }
.token-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 1rem 0; }
.token-form label { flex-basis: 100%; }
.token-form input { flex: 1; min-width: 16rem; padding: 0.4rem; font: inherit; }
/* As many cards side by side as the window holds, each wide enough for Arabic beside English. */
.records { list-style: none; margin: 1rem 0; padding: 0; display: grid; gap: 1rem; align-items: start;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 40rem), 1fr)); }
.record { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; margin: 0; padding: 1rem 1.25rem; min-width: 0; }
.record-title { margin: 0 0 0.25rem; font-size: 1.2rem; unicode-bidi: plaintext; }
.meta { margin: 0 0 0.75rem; color: var(--muted); font-size: 0.9rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.meta a { color: var(--accent); }
.badge { display: inline-block; padding: 0 0.5rem; border-radius: 999px; background: #e7ece9; color: var(--ink); }
.badge-done { background: #dff3e8; }
.badge-failed { background: #fde2e1; }
.badge-processing { background: #e6eefb; }
.summaries { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr)); gap: 1rem; }
.summary { border-top: 3px solid var(--accent); padding-top: 0.5rem; }
.summary h3 { margin: 0 0 0.4rem; font-size: 1.05rem; }
.summary p { margin: 0 0 0.5rem; }
.summary ul { margin: 0; padding-inline-start: 1.25rem; }
.summary[dir="rtl"] { text-align: right; font-size: 1.1rem; line-height: 1.8; }
.summary.missing { color: var(--muted); font-style: italic; border-top-color: var(--line); }
.failure { border-inline-start: 4px solid #c0392b; background: #fdf3f2; padding: 0.5rem 0.75rem; border-radius: 4px; }
.failure p { margin: 0 0 0.35rem; }
.failure p:last-child { margin-bottom: 0; }
.failure-what { color: #8a1c1c; font-weight: 600; }
.failure-detail { color: var(--muted); font-size: 0.9rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; background: #eef0ee; padding: 0 0.25rem; border-radius: 3px; overflow-wrap: anywhere; }
.full-text { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; margin: 1rem auto; padding: 1rem 1.5rem 1.5rem; max-width: 48rem; }
.full-text .back { margin: 0 0 0.75rem; }
.full-text .back a { color: var(--accent); }
.text-body p { margin: 0 0 0.9em; overflow-wrap: break-word; }
.text-body[dir="rtl"] { font-size: 1.15rem; line-height: 1.9; }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-end; margin: 1rem 0 0; }
.filters label { display: flex; flex-direction: column; gap: 0.15rem; font-size: 0.85rem; color: var(--muted); min-width: 0; }
.filters select { font: inherit; font-size: 1rem; color: var(--ink); padding: 0.3rem; min-width: 14rem; max-width: 100%; }
.filter-clear { font: inherit; padding: 0.3rem 0.9rem; }
.outlet-filter { font: inherit; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer;
  text-decoration: underline dotted; }
.entities { list-style: none; margin: 0.75rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
.entity { display: inline-block; font: inherit; font-size: 0.85rem; color: var(--ink); background: #eef2ef;
  border: 1px solid var(--line); border-radius: 999px; padding: 0.05rem 0.6rem; }
button.entity { cursor: pointer; }
button.entity[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
.status-line { color: var(--muted); }
.older { font: inherit; padding: 0.4rem 1.2rem; }
@media (max-width: 30rem) {
  .masthead { padding: 1rem 0.75rem 0.25rem; }
  main { padding: 0 0.75rem 1.5rem; }
  .record, .full-text { padding: 0.75rem 0.9rem; }
  .filters label { flex: 1 1 100%; }
  .filters select { width: 100%; min-width: 0; }
}
`;
