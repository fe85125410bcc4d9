/**
 * The reader page's files as string constants, imported (dynamically) only by the reader
 * routes. The page holds no data: its script fetches `summaries` and builds every node with
 * DOM APIs and `textContent` (summaries are LLM output of untrusted articles, so no HTML from
 * data ever reaches the parser). No framework, no external requests; URLs are relative so the
 * page also works under a stage path.
 */

export const READER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const READER_HTML = `<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>khulasa · خلاصة</title>
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
<ol id="records" class="records" aria-live="polite"></ol>
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
main { padding: 0 1.5rem 2rem; max-width: 72rem; }
.ar, [lang="ar"] { font-family: var(--arabic); }
.notice { background: #fff4e5; border: 1px solid #f0c36d; padding: 0.75rem 1rem; border-radius: 6px; }
.token-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 1rem 0; }
.token-form label { flex-basis: 100%; }
.token-form input { flex: 1; min-width: 16rem; padding: 0.4rem; font: inherit; }
.records { list-style: none; margin: 0; padding: 0; }
.record { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: 1rem 1.25rem; }
.record-title { margin: 0 0 0.25rem; font-size: 1.2rem; unicode-bidi: plaintext; }
.meta { margin: 0 0 0.75rem; color: var(--muted); font-size: 0.9rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.meta a { color: var(--accent); }
.badge { display: inline-block; padding: 0 0.5rem; border-radius: 999px; background: #e7ece9; color: var(--ink); }
.badge-done { background: #dff3e8; }
.badge-failed { background: #fde2e1; }
.badge-processing { background: #e6eefb; }
.summaries { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.summary { border-top: 3px solid var(--accent); padding-top: 0.5rem; }
.summary h3 { margin: 0 0 0.4rem; font-size: 1.05rem; }
.summary p { margin: 0 0 0.5rem; }
.summary ul { margin: 0; padding-inline-start: 1.25rem; }
.summary[dir="rtl"] { text-align: right; font-size: 1.1rem; line-height: 1.8; }
.summary.missing { color: var(--muted); font-style: italic; border-top-color: var(--line); }
.error { color: #8a1c1c; }
.status-line { color: var(--muted); }
.older { font: inherit; padding: 0.4rem 1.2rem; }
`;

// Plain ES2022 with no template literals or backslashes, so it lives in this template string as is.
export const READER_JS = `'use strict';
(function () {
  var RTL = ['ar', 'fa', 'he', 'ur'];
  var NAMES = { ar: 'Arabic · العربية', en: 'English' };
  var MISSING = { ar: 'لا يوجد ملخص عربي.', en: 'No English summary.' };
  var ORDER = ['en', 'ar'];
  // '?limit=' on the page's own URL sets the page size (1-100), like the API's parameter.
  var PAGE_SIZE = Math.min(100, Math.max(1, parseInt(new URLSearchParams(location.search).get('limit') || '10', 10) || 10));
  var TOKEN_KEY = 'khulasa.token';
  var state = { mode: 'none', cursor: null, loading: false };

  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function say(text) { $('status').textContent = text; }
  function notice(text) { var n = $('notice'); n.textContent = text; n.hidden = !text; }

  function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function headers() {
    var h = { accept: 'application/json' };
    var t = token();
    if (state.mode === 'jwt' && t) h.authorization = 'Bearer ' + t;
    return h;
  }

  async function getJson(url) {
    var res = await fetch(url, { headers: headers(), credentials: 'same-origin' });
    var body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      var err = new Error((body && (body.detail || body.title)) || ('HTTP ' + res.status));
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function dirOf(lang) { return RTL.indexOf(lang) >= 0 ? 'rtl' : 'ltr'; }

  function summaryBlock(lang, s) {
    var section = el('section', { class: 'summary summary-' + lang, lang: lang, dir: dirOf(lang), 'data-lang': lang });
    if (!s) {
      section.classList.add('missing');
      section.appendChild(el('p', null, MISSING[lang] || ('No summary in ' + lang + '.')));
      return section;
    }
    section.appendChild(el('h3', null, s.title));
    section.appendChild(el('p', { class: 'summary-text' }, s.summary));
    if (Array.isArray(s.keyPoints) && s.keyPoints.length > 0) {
      var list = el('ul', { class: 'key-points', 'aria-label': NAMES[lang] || lang });
      s.keyPoints.forEach(function (p) { list.appendChild(el('li', null, p)); });
      section.appendChild(list);
    }
    return section;
  }

  function recordItem(r) {
    var article = r.article || {};
    var item = el('li', { class: 'record', 'data-id': r.id, 'data-status': r.status });
    item.appendChild(el('h2', { class: 'record-title', dir: 'auto', lang: article.language }, article.title || r.source.key));
    var meta = el('p', { class: 'meta' });
    if (article.publishedAt) meta.appendChild(el('time', { datetime: article.publishedAt }, article.publishedAt));
    if (article.outlet) meta.appendChild(el('span', { class: 'outlet', dir: 'auto' }, article.outlet));
    meta.appendChild(el('span', { class: 'badge badge-' + r.status }, r.status));
    var link = el('a', { class: 'text-link', href: 'summaries/' + encodeURIComponent(r.id) + '/text' }, 'Full text');
    link.addEventListener('click', function (event) { openText(event, r.id, item); });
    meta.appendChild(link);
    item.appendChild(meta);
    if (r.error) item.appendChild(el('p', { class: 'error' }, r.error.code + ': ' + r.error.message));
    var grid = el('div', { class: 'summaries' });
    var langs = ORDER.slice();
    Object.keys(r.summaries || {}).forEach(function (l) { if (langs.indexOf(l) < 0) langs.push(l); });
    if (r.status === 'done' || Object.keys(r.summaries || {}).length > 0) {
      langs.forEach(function (l) { grid.appendChild(summaryBlock(l, (r.summaries || {})[l])); });
      item.appendChild(grid);
    }
    return item;
  }

  // A plain link works without auth; with a JWT the text is fetched with the token instead.
  async function openText(event, id, item) {
    if (state.mode !== 'jwt') return;
    event.preventDefault();
    try {
      var res = await fetch('summaries/' + encodeURIComponent(id) + '/text', { headers: headers() });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      var pre = item.querySelector('pre.full-text') || item.appendChild(el('pre', { class: 'full-text', dir: 'auto' }));
      pre.textContent = await res.text();
    } catch (e) { say('Could not load the text: ' + e.message); }
  }

  async function load() {
    if (state.loading) return;
    state.loading = true;
    $('older').hidden = true;
    say('Loading…');
    try {
      var url = 'summaries?limit=' + PAGE_SIZE + (state.cursor ? '&cursor=' + encodeURIComponent(state.cursor) : '');
      var page = await getJson(url);
      var list = $('records');
      page.items.forEach(function (r) { list.appendChild(recordItem(r)); });
      state.cursor = page.nextCursor;
      $('older').hidden = !state.cursor;
      say(list.children.length === 0 ? 'No summaries yet.' : (state.cursor ? '' : 'No older summaries.'));
      document.documentElement.setAttribute('data-loaded', 'true');
    } catch (e) {
      if (state.mode === 'jwt' && (e.status === 401 || e.status === 403)) {
        $('token-form').hidden = false;
        say('The token was refused; paste a valid one.');
      } else {
        say('Could not load summaries: ' + e.message);
      }
    } finally {
      state.loading = false;
    }
  }

  function restart() { state.cursor = null; $('records').replaceChildren(); load(); }

  async function start() {
    $('older').addEventListener('click', load);
    $('token-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var value = $('token').value.trim();
      if (!value) return;
      try { sessionStorage.setItem(TOKEN_KEY, value); } catch (e) { /* private mode: no storage */ }
      $('token').value = '';
      $('token-form').hidden = true;
      restart();
    });
    try {
      state.mode = (await getJson('app-config.json')).authMode;
    } catch (e) {
      say('Could not load the page configuration: ' + e.message);
      return;
    }
    document.documentElement.setAttribute('data-auth-mode', state.mode);
    if (state.mode === 'iam') {
      notice('This API accepts only AWS IAM (SigV4) signed requests, which a browser cannot send. ' +
        'Browsing needs a JWT-protected or public API; use the khulasa CLI meanwhile.');
      return;
    }
    if (state.mode === 'jwt' && !token()) {
      $('token-form').hidden = false;
      say('Waiting for a token.');
      return;
    }
    load();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
