import { isArticleError, NoTextError } from '../../errors.ts';
import { decodeText } from '../decode.ts';
import { sniffMetaCharset } from '../html/charset.ts';
import { boundMarkup } from '../html/limits.ts';
import { readMetadata } from '../html/metadata.ts';
import { pruneLinkBlocks, removeFurniture, textLength, trimTail } from '../html/structure.ts';
import type { DomDocument, DomElement } from './dom.ts';
import { domToText } from './dom.ts';
import { removeLeadingTitle } from './shared.ts';
import type { ExtractedDocument } from './types.ts';

export { sniffMetaCharset } from '../html/charset.ts';

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

type Parse = (html: string) => DomDocument;
type ReadabilityClass = new (
  document: never,
  options?: object,
) => { parse(): { content?: string | null } | null };

/** Readability's article as a detached body element, or null when it finds none. */
function readArticle(document: DomDocument, parse: Parse, Readability: ReadabilityClass): DomElement | null {
  let article: { content?: string | null } | null;
  try {
    article = new Readability(document as never, { charThreshold: 200 }).parse();
  } catch {
    // Readability trips on some malformed trees; the other run or the fallback still reads the page.
    return null;
  }
  if (!article?.content) return null;
  const body = parse(`<!DOCTYPE html><html><body>${article.content}</body></html>`).body;
  return body && textLength(body) > 0 ? body : null;
}

/** An extracted article's text without its link blocks (the whole text if they were all it had). */
function articleText(article: DomElement): string {
  const whole = domToText(article);
  pruneLinkBlocks(article);
  trimTail(article);
  const pruned = domToText(article);
  return /\S/.test(pruned) ? pruned : whole;
}

/** Lower-cased words of a text, for comparing how much of one extraction another keeps. */
const wordsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Share of `reference`'s words (with multiplicity) that `candidate` also has. */
export function coverage(candidate: string, reference: string): number {
  const counts = new Map<string, number>();
  for (const w of wordsOf(candidate)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ref = wordsOf(reference);
  if (ref.length === 0) return 1;
  let kept = 0;
  for (const w of ref) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      kept++;
      counts.set(w, n - 1);
    }
  }
  return kept / ref.length;
}

/** The cleaned article must keep this share of plain Readability's words, else Readability's own result wins. */
const MIN_COVERAGE = 0.97;

/**
 * HTML → article text. Charset from BOM / Content-Type / `<meta>`; markup bounded (deep nesting
 * flattened, huge pages refused) before any parser runs; metadata from h1, Open Graph, `<time>`
 * and JSON-LD. The article is Readability's (on linkedom) run twice: on the page with its
 * furniture removed by structure, and on the page as is. The cleaned run is kept unless it loses
 * part of what plain Readability finds; link blocks are then pruned from the kept article.
 */
export async function extractHtml(
  bytes: Uint8Array,
  contentTypeCharset: string | null,
): Promise<ExtractedDocument> {
  const { text: decoded, encoding } = await decodeText(bytes, {
    declaredCharset: contentTypeCharset ?? sniffMetaCharset(bytes),
  });
  const html = completeDocument(boundMarkup(decoded).html);
  const [{ parseHTML }, { Readability }] = await Promise.all([
    import('linkedom'),
    import('@mozilla/readability'),
  ]);
  const parse: Parse = (source) => parseHTML(source).document as unknown as DomDocument;
  try {
    return { ...readPage(html, parse, Readability as unknown as ReadabilityClass), encoding };
  } catch (e: unknown) {
    if (isArticleError(e)) throw e;
    // Markup the parsers cannot walk (e.g. cut off inside a tag): their own words go to the log.
    throw new NoTextError('The HTML page is malformed: no article text could be read from it.', { cause: e });
  }
}

function readPage(
  html: string,
  parse: Parse,
  Readability: ReadabilityClass,
): Omit<ExtractedDocument, 'encoding'> {
  const plainDocument = parse(html);
  const meta = readMetadata(plainDocument);
  const cleanedDocument = parse(html);
  const removed = cleanedDocument.body ? removeFurniture(cleanedDocument.body) : 0;
  // The fallback when Readability finds no article (short pages): the cleaned main/article/body.
  const container =
    cleanedDocument.querySelector('article') ?? cleanedDocument.querySelector('main') ?? cleanedDocument.body;
  const fallback = container ? domToText(container) : '';

  const plain = readArticle(plainDocument, parse, Readability);
  const plainText = plain ? articleText(plain) : '';
  // Nothing removed: the cleaned page is the plain page, and Readability's answer is the same.
  const cleaned = removed === 0 ? plain : readArticle(cleanedDocument, parse, Readability);
  const cleanedText = removed === 0 ? plainText : cleaned ? articleText(cleaned) : '';
  const text =
    plain && coverage(cleanedText, plainText) < MIN_COVERAGE ? plainText : cleaned ? cleanedText : fallback;
  const body = removeLeadingTitle(text, meta.title);
  if (!/\S/.test(body)) throw new NoTextError('The HTML page has no article text.');
  return {
    format: 'html',
    text: body,
    title: meta.title,
    publishedAt: meta.publishedAt,
    outlet: meta.outlet,
  };
}
