import { NoTextError } from '../../errors.ts';
import { decodeText } from '../decode.ts';
import type { DomDocument, DomElement } from './dom.ts';
import { domToText } from './dom.ts';
import { isoDate, removeLeadingTitle } from './shared.ts';
import type { ExtractedDocument } from './types.ts';

/** `<meta charset>` or the `http-equiv` form, within the first 1024 bytes as the HTML spec says. */
export function sniffMetaCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const match =
    /<meta\s[^>]*charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ??
    /<meta\s[^>]*content\s*=\s*["'][^"']*charset=([\w.:-]+)/i.exec(head);
  return match?.[1] ?? null;
}

/** Clutter by tag: never part of an article. */
const CLUTTER_TAGS =
  'script, style, noscript, template, nav, header, footer, aside, form, iframe, object, embed, svg, canvas, button, input, select, textarea, [role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], [hidden]';
/** Clutter by class or id: related links, share bars, newsletters, comments, ads. */
const CLUTTER_NAME =
  /related|share|sharing|social|newsletter|subscri|comment|advert|sponsor|promo|breadcrumb|most-?read|recommend|(^|[\s_-])(ads?|tags|outbrain|taboola)([\s_-]|$)/i;
/** Containers a clutter-looking class must never remove (e.g. `<body class="has-share-bar">`). */
const PROTECTED = new Set(['HTML', 'BODY', 'MAIN', 'ARTICLE']);

function metaContent(document: DomDocument, ...selectors: string[]): string | null {
  for (const selector of selectors) {
    const value = document.querySelector(selector)?.getAttribute('content')?.trim();
    if (value) return value;
  }
  return null;
}

const textOf = (el: DomElement | null) => el?.textContent?.replace(/\s+/g, ' ').trim() || null;

/** JSON-LD `NewsArticle` fields, which many Arabic news sites fill more reliably than meta tags. */
function jsonLd(document: DomDocument): { datePublished: string | null; publisher: string | null } {
  const scripts = document.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length; i++) {
    try {
      const data: unknown = JSON.parse(scripts[i]?.textContent ?? '');
      const nodes: unknown[] = Array.isArray(data) ? data : [data];
      for (const node of nodes) {
        if (typeof node !== 'object' || node === null) continue;
        const record = node as Record<string, unknown>;
        const publisher = record.publisher as Record<string, unknown> | undefined;
        const datePublished = typeof record.datePublished === 'string' ? record.datePublished : null;
        const name = typeof publisher?.name === 'string' ? publisher.name : null;
        if (datePublished || name) return { datePublished, publisher: name };
      }
    } catch {
      // Broken JSON-LD is common and harmless: the meta tags are read as well.
    }
  }
  return { datePublished: null, publisher: null };
}

function readMetadata(document: DomDocument) {
  const ld = jsonLd(document);
  const articleH1 = document.querySelector('article h1') ?? document.querySelector('main h1');
  const firstH1 = articleH1 ?? document.querySelector('h1');
  const title =
    textOf(articleH1) ??
    metaContent(document, 'meta[property="og:title"]', 'meta[name="twitter:title"]') ??
    textOf(firstH1) ??
    // <title> usually ends with " | Site" or " - Site": keep the longest part.
    (textOf(document.querySelector('title'))
      ?.split(/\s+[|–—-]\s+/)
      .sort((a, b) => b.length - a.length)[0] ||
      null);
  const time = document.querySelector('article time[datetime]') ?? document.querySelector('time[datetime]');
  const publishedAt = isoDate(
    metaContent(
      document,
      'meta[property="article:published_time"]',
      'meta[name="article:published_time"]',
      'meta[itemprop="datePublished"]',
      'meta[name="pubdate"]',
      'meta[name="publishdate"]',
      'meta[name="DC.date.issued"]',
    ) ??
      ld.datePublished ??
      time?.getAttribute('datetime') ??
      null,
  );
  const outlet =
    metaContent(document, 'meta[property="og:site_name"]', 'meta[name="application-name"]') ?? ld.publisher;
  return { title, publishedAt, outlet };
}

function removeClutter(document: DomDocument): void {
  const byTag = document.querySelectorAll(CLUTTER_TAGS);
  for (const el of Array.from(byTag)) el.remove();
  const named = document.querySelectorAll('[class], [id]');
  for (const el of Array.from(named)) {
    if (PROTECTED.has(el.tagName.toUpperCase())) continue;
    const name = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    if (CLUTTER_NAME.test(name)) el.remove();
  }
  // Lists that are nothing but links are menus or "more stories", not article text.
  for (const list of Array.from(document.querySelectorAll('ul, ol'))) {
    const text = textOf(list) ?? '';
    const links = Array.from(list.querySelectorAll('a'))
      .map((a) => textOf(a) ?? '')
      .join(' ');
    if (text.length === 0 || links.length >= 0.8 * text.length) list.remove();
  }
}

/**
 * linkedom builds the tree as written: it does not imply the html/body elements the HTML
 * parsing algorithm adds, so a page without `<body>` would have an empty body. Add them.
 */
function completeDocument(html: string): string {
  let s = html.replace(/^\uFEFF?\s*<!doctype[^>]*>/i, '');
  if (!/<body[\s>]/i.test(s)) {
    s = /<\/head>/i.test(s) ? `${s.replace(/<\/head>/i, '</head><body>')}</body>` : `<body>${s}</body>`;
  }
  // Its `document.body` (which Readability uses) is the element right after the head, so
  // whatever precedes <body> (a bare <title>, <meta>…) must sit in a head.
  if (!/<head[\s>]/i.test(s)) {
    const open = /<html[^>]*>/i.exec(s)?.[0] ?? '<html>';
    s = s.replace(/<\/?html[^>]*>/gi, '');
    const bodyAt = s.search(/<body[\s>]/i);
    s = `${open}<head>${s.slice(0, bodyAt)}</head>${s.slice(bodyAt)}</html>`;
  }
  if (!/<html[\s>]/i.test(s)) s = `<html>${s}</html>`;
  return `<!DOCTYPE html>${s}`;
}

/**
 * HTML → article text: charset from BOM / `<meta>` / content type, metadata from h1, Open Graph,
 * `<time>` and JSON-LD, clutter removed, then Readability picks the article on linkedom.
 * Readability runs on linkedom as is (no jsdom): the parts of the DOM it uses (selectors,
 * attributes, childNodes, innerHTML) are implemented by linkedom, as the HTML tests show.
 */
export async function extractHtml(
  bytes: Uint8Array,
  contentTypeCharset: string | null,
): Promise<ExtractedDocument> {
  const { text: html, encoding } = await decodeText(bytes, {
    declaredCharset: sniffMetaCharset(bytes) ?? contentTypeCharset,
  });
  const [{ parseHTML }, { Readability }] = await Promise.all([
    import('linkedom'),
    import('@mozilla/readability'),
  ]);
  const document = parseHTML(completeDocument(html)).document as unknown as DomDocument;
  const meta = readMetadata(document);
  removeClutter(document);

  // The fallback when Readability finds no article (short pages): the cleaned main/article/body.
  const container = document.querySelector('article') ?? document.querySelector('main') ?? document.body;
  const fallback = container ? domToText(container) : '';

  const article = new Readability(document as never, { charThreshold: 200 }).parse();
  let text = fallback;
  if (article?.content) {
    const parsed = parseHTML(`<!DOCTYPE html><html><body>${article.content}</body></html>`);
    const body = (parsed.document as unknown as DomDocument).body;
    const readable = body ? domToText(body) : '';
    // Readability can settle on one block of a short page; never return less than the fallback's bulk.
    if (readable.length >= 0.5 * fallback.length) text = readable;
  }
  text = removeLeadingTitle(text, meta.title);
  if (!/\S/.test(text)) throw new NoTextError('The HTML page has no article text.');
  return {
    format: 'html',
    text,
    title: meta.title,
    publishedAt: meta.publishedAt,
    outlet: meta.outlet,
    encoding,
  };
}
