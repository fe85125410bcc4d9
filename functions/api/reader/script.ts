import { FAILURE_HELP } from './failures.ts';
import { FILTERS_JS } from './filters.ts';

/**
 * The reader page's script. Plain ES2022 with no template literals or backslashes, so it lives in
 * this template string as is (characters that need escapes are built with String.fromCharCode).
 *
 * Every string from a record (LLM output of an untrusted article) is set with `textContent`,
 * stripped of bidi embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069: a stray
 * right-to-left override would reverse the rest of its paragraph), and sits in its own
 * bidi-isolated element (`dir`, or `<bdi>` inline), so it cannot reorder the text around it.
 */
export const READER_JS = `'use strict';
(function () {
  var RTL = ['ar', 'fa', 'he', 'ur'];
  var NAMES = { ar: 'Arabic · العربية', en: 'English' };
  var MISSING = { ar: 'لا يوجد ملخص عربي.', en: 'No English summary.' };
  var ORDER = ['en', 'ar'];
  var FAILURE_HELP = ${JSON.stringify(FAILURE_HELP)};
  var PARAMS = new URLSearchParams(location.search);
  // '?limit=' on the page's own URL sets the page size (1-100), like the API's parameter.
  var PAGE_SIZE = Math.min(100, Math.max(1, parseInt(PARAMS.get('limit') || '10', 10) || 10));
  // '?text=<id>' shows that article's full text instead of the list.
  var TEXT_ID = PARAMS.get('text');
  var TOKEN_KEY = 'khulasa.token';
  // 'generation' counts list restarts (a filter change): a page answered for an older one is dropped.
  var state = { mode: 'none', cursor: null, loading: null, generation: 0 };
  var ch = String.fromCharCode;
  var BIDI_CONTROLS = new RegExp('[' + ch(0x202a) + '-' + ch(0x202e) + ch(0x2066) + '-' + ch(0x2069) + ']', 'g');
  var NEWLINE = ch(10);

  var $ = function (id) { return document.getElementById(id); };
  function clean(text) { return String(text).replace(BIDI_CONTROLS, ''); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined && text !== null) node.textContent = clean(text);
    return node;
  }
  function append(parent, children) { children.forEach(function (c) { parent.append(c); }); return parent; }
  function say(text) { $('status').textContent = text; }
  function notice(text) { var n = $('notice'); n.textContent = text; n.hidden = !text; }

  function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function headers(accept) {
    var h = { accept: accept || 'application/json' };
    var t = token();
    if (state.mode === 'jwt' && t) h.authorization = 'Bearer ' + t;
    return h;
  }

  async function request(url, accept) {
    var res = await fetch(url, { headers: headers(accept), credentials: 'same-origin' });
    if (res.ok) return res;
    var body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    var err = new Error((body && (body.detail || body.title)) || ('HTTP ' + res.status));
    err.status = res.status;
    throw err;
  }
  async function getJson(url) { return (await request(url)).json(); }

  function baseLang(lang) { return String(lang || '').toLowerCase().split('-')[0]; }
  function dirOf(lang) { return RTL.indexOf(baseLang(lang)) >= 0 ? 'rtl' : 'ltr'; }
  function titleOf(r) {
    var article = r.article || {};
    var s = r.summaries || {};
    return article.title || (s.en && s.en.title) || (s.ar && s.ar.title) || r.source.key;
  }

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

  // The CLI command that re-runs this record, as the README documents it.
  function rerunCommand(run, r) {
    if (run === 'redrive') return 'npm run khulasa -- redrive';
    return 'npm run khulasa -- reprocess --prefix ' + JSON.stringify(r.source.key) + ' --yes';
  }

  function failure(r) {
    var error = r.error || { code: 'internal', message: '' };
    var help = FAILURE_HELP[error.code] || FAILURE_HELP.internal;
    var box = el('div', { class: 'failure', 'data-code': error.code });
    box.appendChild(el('p', { class: 'failure-what' }, help.what));
    var todo = el('p', { class: 'failure-todo' }, help.todo);
    if (help.run) append(todo, [' ', el('code', { dir: 'ltr' }, rerunCommand(help.run, r))]);
    box.appendChild(todo);
    box.appendChild(append(el('p', { class: 'failure-detail' }), [
      el('code', null, error.code), ': ', el('bdi', null, error.message),
    ]));
    return box;
  }

  function recordItem(r) {
    var article = r.article || {};
    var item = el('li', { class: 'record', 'data-id': r.id, 'data-status': r.status });
    item.appendChild(el('h2', { class: 'record-title', dir: 'auto', lang: article.language }, titleOf(r)));
    var meta = el('p', { class: 'meta' });
    if (article.publishedAt) meta.appendChild(el('time', { datetime: article.publishedAt }, article.publishedAt));
    if (article.outlet) meta.appendChild(outletNode(article.outlet));
    meta.appendChild(el('span', { class: 'badge badge-' + r.status }, r.status));
    // Only a summarised article has its text stored: other cards get no link to a 404.
    if (r.status === 'done') {
      meta.appendChild(el('a', { class: 'text-link', href: '?text=' + encodeURIComponent(r.id) }, 'Full text'));
    }
    item.appendChild(meta);
    if (r.status === 'failed') item.appendChild(failure(r));
    var langs = ORDER.slice();
    Object.keys(r.summaries || {}).forEach(function (l) { if (langs.indexOf(l) < 0) langs.push(l); });
    if (r.status === 'done' || Object.keys(r.summaries || {}).length > 0) {
      var grid = el('div', { class: 'summaries' });
      langs.forEach(function (l) { grid.appendChild(summaryBlock(l, (r.summaries || {})[l])); });
      item.appendChild(grid);
    }
    if (Array.isArray(r.entities) && r.entities.length > 0) item.appendChild(entityList(r.entities));
    return item;
  }

  function refused(e) {
    if (state.mode !== 'jwt' || (e.status !== 401 && e.status !== 403)) return false;
    $('token-form').hidden = false;
    say('The token was refused; paste a valid one.');
    return true;
  }

  async function loadList() {
    var generation = state.generation;
    if (state.loading === generation) return;
    state.loading = generation;
    $('older').hidden = true;
    say('Loading…');
    document.documentElement.removeAttribute('data-loaded');
    try {
      var url = 'summaries?limit=' + PAGE_SIZE + filterQuery() +
        (state.cursor ? '&cursor=' + encodeURIComponent(state.cursor) : '');
      var page = await getJson(url);
      if (generation !== state.generation) return;
      var list = $('records');
      page.items.forEach(function (r) { list.appendChild(recordItem(r)); });
      state.cursor = page.nextCursor;
      $('older').hidden = !state.cursor;
      var none = anyFilter() && filters.available ? 'No summaries match these filters.' : 'No summaries yet.';
      say(list.children.length === 0 ? none : (state.cursor ? '' : 'No older summaries.'));
      document.documentElement.setAttribute('data-loaded', 'true');
    } catch (e) {
      if (generation === state.generation && !refused(e)) say('Could not load summaries: ' + e.message);
    } finally {
      if (state.loading === generation) state.loading = null;
    }
  }
  function reloadList() {
    state.generation += 1;
    state.cursor = null;
    $('records').replaceChildren();
    loadList();
  }

  // The article's text as paragraphs, laid out in the article's own direction.
  async function loadText(id) {
    var view = $('full-text');
    view.hidden = false;
    view.querySelectorAll('.record-title, .text-body').forEach(function (n) { n.remove(); });
    say('Loading the text…');
    try {
      var path = 'summaries/' + encodeURIComponent(id);
      var record = await getJson(path);
      var text = await (await request(path + '/text', 'text/plain')).text();
      var lang = (record.article && record.article.language) || null;
      view.appendChild(el('h2', { class: 'record-title', dir: 'auto', lang: lang }, titleOf(record)));
      var body = el('div', { class: 'text-body', lang: lang, dir: lang ? dirOf(lang) : 'auto' });
      text.split(NEWLINE).map(function (p) { return p.trim(); }).filter(Boolean).forEach(function (p) {
        body.appendChild(el('p', lang ? null : { dir: 'auto' }, p));
      });
      view.appendChild(body);
      document.title = clean(titleOf(record)) + ' · khulasa';
      say('');
      document.documentElement.setAttribute('data-loaded', 'true');
    } catch (e) {
      if (!refused(e)) say('Could not load the text: ' + e.message);
    }
  }

${FILTERS_JS}
  async function show() {
    document.documentElement.setAttribute('data-view', TEXT_ID ? 'text' : 'list');
    if (TEXT_ID) return loadText(TEXT_ID);
    await loadFacets();
    reloadList();
  }
  function restart() { show(); }

  async function start() {
    $('older').addEventListener('click', loadList);
    startFilters();
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
    show();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
