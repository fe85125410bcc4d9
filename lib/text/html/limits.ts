/**
 * Bounded work for HTML: one cheap pass over the tags, before any parser sees the page.
 *
 * The DOM parser and Readability both slow down sharply with nesting depth (Readability's
 * scoring walks ancestors and re-serialises subtrees: a few thousand nested `<div>`s take
 * minutes, fifty thousand take the parser seconds and exhaust recursive tree walks). Deep
 * nesting carries no article structure, so tags opened below `maxDepth` are dropped (their text
 * stays, in order) and the page still extracts. A page with more elements than `maxElements`
 * is refused with `too_complex`: its extraction time would be unbounded.
 */
import { TooComplexError } from '../../errors.ts';

export interface MarkupLimits {
  /** Elements deeper than this are unwrapped: their tags are removed, their content kept. */
  maxDepth: number;
  /** More start tags than this → `too_complex`. */
  maxElements: number;
}

const DEFAULT_MARKUP_LIMITS: MarkupLimits = { maxDepth: 48, maxElements: 50_000 };

/** Elements that never have content or an end tag. */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Elements whose content is raw text up to their end tag: no tags inside count. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes']);
/** Elements a start tag of the same name closes implicitly (`<p>a<p>b`, `<li>a<li>b`). */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'option', 'tr', 'td', 'th']);
/** Attribute-less start tags in a row, with nothing between them, kept before the rest are dropped. */
const MAX_BARE_WRAPPERS = 8;
/** How far up the open-element stack an end tag looks for its start tag (stray end tags are common). */
const END_TAG_SEARCH = 64;

const TAG = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][^\s/>]*)[^>]*>/g;

interface Open {
  name: string;
  dropped: boolean;
}

export interface MarkupStats {
  html: string;
  /** Elements left after flattening. */
  elements: number;
  /** The deepest nesting seen in the source (before flattening). */
  depth: number;
  /** How many start tags were dropped to flatten the page. */
  flattened: number;
}

/**
 * Counts elements and nesting depth without building a tree, and drops the start and end tags of
 * elements nested deeper than `limits.maxDepth`. Iterative (an explicit stack), linear in the
 * page size. Throws `TooComplexError` past `limits.maxElements`.
 */
export function boundMarkup(html: string, limits: MarkupLimits = DEFAULT_MARKUP_LIMITS): MarkupStats {
  const stack: Open[] = [];
  /** Start offsets and ends of the tags to remove, in order. */
  const cuts: number[] = [];
  let kept = 0;
  let elements = 0;
  let depth = 0;
  let flattened = 0;
  // Only the elements the parser will see count: flattened tags cost it nothing.
  const countElement = () => {
    elements++;
    if (elements > limits.maxElements) {
      throw new TooComplexError(`The HTML page has more than ${limits.maxElements} elements.`);
    }
  };
  const lower = html.toLowerCase();
  /** Start tags in a row with nothing but whitespace between them, and where the last tag ended. */
  let bareRun = 0;
  let lastEnd = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match !== null; match = TAG.exec(html)) {
    const rawName = match[2];
    if (rawName === undefined) continue; // a comment
    const name = rawName.toLowerCase();
    const start = match.index;
    const end = TAG.lastIndex;
    const bare = match[1] !== '/' && onlySpace(html, lastEnd, start);
    bareRun = bare ? bareRun + 1 : match[1] === '/' ? 0 : 1;
    lastEnd = end;
    if (match[1] === '/') {
      const at = findOpen(stack, name);
      if (at < 0) continue;
      const open = stack[at] as Open;
      for (let i = stack.length - 1; i >= at; i--) if (!(stack[i] as Open).dropped) kept--;
      stack.length = at;
      if (open.dropped) cuts.push(start, end);
      continue;
    }
    if (RAW_TEXT.has(name)) {
      countElement();
      const close = lower.indexOf(`</${name}`, end);
      TAG.lastIndex = close < 0 ? html.length : close;
      continue;
    }
    if (VOID.has(name) || html.charCodeAt(end - 2) === 0x2f /* "/>" */) {
      countElement();
      continue;
    }
    const top = stack[stack.length - 1];
    if (top !== undefined && top.name === name && SELF_CLOSING_SIBLINGS.has(name)) {
      stack.pop();
      if (!top.dropped) kept--;
    }
    // A long chain of attribute-less wrappers (`<div><div><div>…`) says nothing: keep its first few.
    const emptyWrapper = bareRun > MAX_BARE_WRAPPERS && end - start === name.length + 2;
    const dropped = kept >= limits.maxDepth || emptyWrapper;
    stack.push({ name, dropped });
    if (dropped) {
      flattened++;
      cuts.push(start, end);
    } else {
      kept++;
      countElement();
    }
    if (stack.length > depth) depth = stack.length;
  }
  return { html: cuts.length === 0 ? html : cutOut(html, cuts), elements, depth, flattened };
}

function onlySpace(html: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = html.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d && c !== 0x0c) return false;
  }
  return true;
}

function findOpen(stack: Open[], name: string): number {
  const stop = Math.max(0, stack.length - END_TAG_SEARCH);
  for (let i = stack.length - 1; i >= stop; i--) if ((stack[i] as Open).name === name) return i;
  return -1;
}

function cutOut(html: string, cuts: number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < cuts.length; i += 2) {
    parts.push(html.slice(from, cuts[i]));
    from = cuts[i + 1] as number;
  }
  parts.push(html.slice(from));
  return parts.join('');
}
