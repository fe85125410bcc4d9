/**
 * Structure-based cleaning, judged on the shape of a block rather than on its words or class
 * names (which also occur inside articles: `Page-ad-margins`, `post-share-enabled`, an ASP.NET
 * `<form>` around the whole page):
 *
 * - before Readability, page furniture by tag or ARIA role (nav, aside, footer…) goes, unless it
 *   holds a large share of the page's text (then it is a wrapper, not furniture);
 * - after Readability, link blocks go: lists and short paragraphs whose text is mostly links
 *   ("read also", related headlines, tag clouds), boilerpipe's link-density signal. A block of
 *   links with dates is a teaser list wherever it sits. Nothing goes when the links would take
 *   a large share of the article, so a page that is mostly links keeps its text.
 *
 * All walks are iterative: a page cannot overflow the stack.
 */
import type { DomElement, DomNode } from '../extract/dom.ts';

const ELEMENT = 1;
const TEXT = 3;

const FURNITURE =
  'nav, aside, footer, form, iframe, object, embed, svg, canvas, button, input, select, textarea, [role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], [hidden], [aria-hidden="true"]';
/** A furniture element holding more than this share of the page's text is a wrapper: kept. */
const WRAPPER_SHARE = 0.4;

/** Whitespace-free length of the text under `node`, counted iteratively. */
export function textLength(node: DomNode): number {
  let total = 0;
  const stack: DomNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as DomNode;
    if (current.nodeType === TEXT) {
      total += (current.textContent ?? '').replace(/\s+/g, '').length;
      continue;
    }
    if (current.nodeType !== ELEMENT) continue;
    const name = current.nodeName.toUpperCase();
    if (name === 'SCRIPT' || name === 'STYLE' || name === 'NOSCRIPT' || name === 'TEMPLATE') continue;
    const children = current.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as DomNode);
  }
  return total;
}

function linkTextLength(el: DomElement): number {
  let total = 0;
  const links = el.querySelectorAll('a');
  for (let i = 0; i < links.length; i++) total += textLength(links[i] as DomElement);
  return total;
}

/**
 * Removes page furniture found by tag or role, except wrappers that hold much of the page's
 * text. Returns how many elements went.
 */
export function removeFurniture(body: DomElement): number {
  const pageText = textLength(body);
  let removed = 0;
  for (const el of Array.from(body.querySelectorAll(FURNITURE))) {
    if (el.parentNode === null) continue;
    if (pageText > 0 && textLength(el) > WRAPPER_SHARE * pageText) continue;
    el.remove();
    removed++;
  }
  return removed;
}

const LIST_BLOCKS = 'nav, aside, footer, ul, ol, dl, table, div, section, p';
/** Share of a block's text in links above which it is a link block (boilerpipe uses ~0.33 for lists). */
const LINK_DENSITY = 0.6;
/** A paragraph this long (non-space characters) is prose even when it is mostly links. */
const LONG_LINK_PARAGRAPH = 400;
/** Link blocks may take at most this share of the article's text; beyond it, the page is kept whole. */
const MAX_PRUNED_SHARE = 0.35;
const DATE = /\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b/;
/** Share of a teaser's text its headline link has at least (the rest: a date, a one-line summary). */
const TEASER_LINK_SHARE = 0.25;
const HEADING = /^H[2-6]$/;
/** A heading this short right before a removed block is that block's title ("Related articles"). */
const BLOCK_TITLE_CHARS = 80;

/** A dated link with a little text: one item of a "more stories" list. */
function isTeaser(el: DomElement): boolean {
  const length = textLength(el);
  if (length === 0 || el.querySelector('a') === null) return false;
  const dated = el.querySelector('time') !== null || DATE.test(el.textContent ?? '');
  return dated && linkTextLength(el) >= TEASER_LINK_SHARE * length;
}

/** Two or more children, nearly all of them teasers: a list of other articles, whatever its tags. */
function isTeaserList(el: DomElement): boolean {
  const children = Array.from(el.children);
  if (children.length < 2) return false;
  const teasers = children.filter(isTeaser).length;
  return teasers >= 2 && teasers >= 0.75 * children.length;
}

interface Candidate {
  el: DomElement;
  length: number;
}

function isLinkBlock(el: DomElement, length: number): boolean {
  if (length === 0) return false;
  const linked = linkTextLength(el);
  const name = el.tagName.toUpperCase();
  const links = el.querySelectorAll('a').length;
  if (links >= 2 && isTeaserList(el)) return true;
  if (name === 'P') return linked >= LINK_DENSITY * length && length < LONG_LINK_PARAGRAPH;
  if (name === 'DIV' || name === 'SECTION') {
    // A container of several links with little else: a teaser list or related box.
    if (links < 2) return false;
    const dated = DATE.test(el.textContent ?? '');
    return linked >= (dated ? 0.5 : LINK_DENSITY) * length;
  }
  return links >= 1 && linked >= LINK_DENSITY * length;
}

/**
 * Removes link blocks from an extracted article (outermost first). Figures and their captions
 * are never touched: a credit line with a link is part of the article.
 */
export function pruneLinkBlocks(article: DomElement): void {
  const total = textLength(article);
  if (total === 0) return;
  const blocks = Array.from(article.querySelectorAll(LIST_BLOCKS));
  const { first, last } = proseSpan(blocks);
  const chosen: Candidate[] = [];
  let pruned = 0;
  for (let i = 0; i < blocks.length; i++) {
    const el = blocks[i] as DomElement;
    if (chosen.some((c) => isInside(el, c.el))) continue;
    if (el.closest('figure, figcaption, blockquote, pre') !== null) continue;
    const length = textLength(el);
    if (!isLinkBlock(el, length)) continue;
    // Inside the main text a lone link paragraph is the article's own (a contact, an event
    // page); only the labelled form ("Read also: <a>headline</a>") is another article's teaser.
    const withinProse = i > first && i < last;
    if (withinProse && el.tagName.toUpperCase() === 'P' && !isLabelledLink(el)) continue;
    chosen.push({ el, length });
    pruned += length;
  }
  if (pruned > MAX_PRUNED_SHARE * total) return;
  for (const c of chosen) {
    const title = c.el.previousElementSibling;
    if (title && HEADING.test(title.tagName.toUpperCase()) && textLength(title) <= BLOCK_TITLE_CHARS)
      title.remove();
    c.el.remove();
  }
}

/** A paragraph with this much text outside links is prose. */
const PROSE_CHARS = 100;

/** Indexes of the first and last prose paragraphs among `blocks` (document order). */
function proseSpan(blocks: DomElement[]): { first: number; last: number } {
  let first = -1;
  let last = -1;
  for (let i = 0; i < blocks.length; i++) {
    const el = blocks[i] as DomElement;
    if (el.tagName.toUpperCase() !== 'P') continue;
    if (textLength(el) - linkTextLength(el) < PROSE_CHARS) continue;
    if (first < 0) first = i;
    last = i;
  }
  return { first, last };
}

/** A short label, then a link of several words: "Read also: <a>…</a>", "<b>اقرأ أيضا</b> <a>…</a>". */
function isLabelledLink(p: DomElement): boolean {
  const link = p.querySelector('a');
  if (link === null) return false;
  const linkText = (link.textContent ?? '').trim();
  if ((linkText.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) < 3) return false;
  const whole = (p.textContent ?? '').replace(/\s+/g, ' ').trim();
  const label = whole.slice(0, Math.max(0, whole.indexOf(linkText.replace(/\s+/g, ' ')))).trim();
  if (label === '') return /^[^\p{L}\p{N}]*[\p{L}\s]{2,30}\s*[:：|»>\-–—]/u.test(linkText);
  return label.length <= 40 && (/[:：|»>\-–—]$/u.test(label) || p.querySelector('strong, b') !== null);
}

function isInside(node: DomNode, ancestor: DomNode): boolean {
  for (let p = node.parentNode; p !== null; p = p.parentNode) if (p === ancestor) return true;
  return false;
}

/** A closing section after the main text with less text than this (outside links) is page furniture. */
const MAX_TAIL_CHARS = 200;

/**
 * Drops a closing section that starts with a heading after the last prose paragraph and holds
 * almost no text of its own: "More on this topic", "You may also like", "Share this article"
 * and the few teaser words under them. Captions and credits inside the article are not headings,
 * and a final section with prose of its own stays.
 */
export function trimTail(article: DomElement): void {
  const all = Array.from(article.querySelectorAll('*'));
  let lastProse = -1;
  for (let i = 0; i < all.length; i++) {
    const el = all[i] as DomElement;
    if (el.tagName.toUpperCase() === 'P' && textLength(el) - linkTextLength(el) >= PROSE_CHARS) lastProse = i;
  }
  if (lastProse < 0) return;
  let start = -1;
  for (let i = lastProse + 1; i < all.length; i++) {
    if (
      HEADING.test((all[i] as DomElement).tagName.toUpperCase()) &&
      !isInside(all[i] as DomElement, all[lastProse] as DomElement)
    ) {
      start = i;
      break;
    }
  }
  if (start < 0) return;
  const tail = new Set<DomNode>(all.slice(start));
  const top = all.slice(start).filter((el) => el.parentNode === null || !tail.has(el.parentNode));
  let own = 0;
  for (const el of top) own += textLength(el) - linkTextLength(el);
  if (own > MAX_TAIL_CHARS) return;
  for (const el of top) el.remove();
}
