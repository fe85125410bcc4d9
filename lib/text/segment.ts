/**
 * Splits a normalised article into the main article and everything else: headline, date line,
 * source line, body paragraphs, related-content blocks, clutter and articles glued on after the
 * main one. Every non-empty line is a paragraph; lines are judged on their search-key form.
 *
 * The main article ends at: a related-content marker with body before it (a marker line on its
 * own, or an inline "اقرأ أيضا: …" after the article's end or with no long paragraph after it),
 * content after an end sign (a source line after body text, "انتهى", ©), or a second date or source
 * line after body text (another article starts; its headline is the last line before it).
 */
import { dateLineDate } from './dates.ts';
import { arabicScriptEvidence, arabicScriptLanguage, scriptRatio } from './language.ts';
import { classifyLine, type LineKind } from './markers.ts';
import { reflowParagraphs } from './reflow.ts';
import { keyOfNormalised } from './search-key.ts';

export interface SegmentedArticle {
  /** Headline. */
  title: string | null;
  /** Main-article paragraphs only, "\n\n"-separated. */
  body: string;
  /** YYYY-MM-DD. */
  publishedAt: string | null;
  outlet: string | null;
  related: { title: string }[];
  /** 'ar' | 'en' | 'fa' | 'ur', or null without Arabic or Latin letters. */
  language: string | null;
}

export interface SegmentHints {
  title?: string | null;
  publishedAt?: string | null;
  outlet?: string | null;
}

/** Lines longer than this are always body: metadata, markers and clutter are short. */
const CLASSIFY_MAX_CHARS = 400;
/** A paragraph this long is article prose, not a headline or a link. */
const LONG_PARAGRAPH_WORDS = 25;
/** After the cut, related blocks are looked for this far: enough for any footer, bounded for 5 MB inputs. */
const TAIL_SCAN_LINES = 400;
const LANGUAGE_SAMPLE_CHARS = 20_000;

interface Line {
  text: string;
  kind: LineKind | { kind: 'date'; date: string };
  words: number;
}

const wordCount = (text: string): number => {
  let words = 1;
  for (let i = text.indexOf(' '); i !== -1; i = text.indexOf(' ', i + 1)) words += 1;
  return words;
};

function classify(text: string): Line {
  const words = wordCount(text);
  if (text.length > CLASSIFY_MAX_CHARS) return { text, kind: { kind: 'content' }, words };
  const key = keyOfNormalised(text);
  const date = dateLineDate(key);
  if (date !== null) return { text, kind: { kind: 'date', date }, words };
  return { text, kind: classifyLine(text, key), words };
}

/** Lines classified on first use: text after the cut is never looked at, beyond the tail scan. */
interface Lines {
  length: number;
  at(index: number): Line | undefined;
}

/** Lines that keep their own line in hard-wrapped text: date, source, marker and end lines. */
const isStructureLine = (text: string): boolean =>
  text.length <= 120 && classify(text).kind.kind !== 'content';

function lazyLines(normalised: string): Lines {
  const texts = reflowParagraphs(normalised, isStructureLine);
  const cache: (Line | undefined)[] = new Array(texts.length);
  return {
    length: texts.length,
    at(index) {
      const cached = cache[index];
      if (cached !== undefined) return cached;
      const text = texts[index];
      if (text === undefined) return undefined;
      const line = classify(text);
      cache[index] = line;
      return line;
    },
  };
}

const isHeadlineLike = (line: Line): boolean =>
  line.words <= LONG_PARAGRAPH_WORDS && line.text.length <= 250 && !/[.:،,]$/u.test(line.text);

/** Headlines are short and stop without a full stop or comma: a longer first line is the lead. */
const HEADLINE_MAX_WORDS = 24;
const HEADLINE_MAX_CHARS = 200;
const isHeadline = (line: Line): boolean =>
  line.words <= HEADLINE_MAX_WORDS && line.text.length <= HEADLINE_MAX_CHARS && !/[.:،,;؛]$/u.test(line.text);

/**
 * The related items of a marker at `index`: the marker's own text after it, else the next line,
 * then further short link-like lines. Returns the items and the index of the first line after them.
 */
function relatedItems(lines: Lines, index: number, rest: string): { titles: string[]; next: number } {
  const titles = rest === '' ? [] : [rest];
  let j = index + 1;
  for (; j < lines.length; j += 1) {
    const line = lines.at(j);
    if (line === undefined || line.kind.kind === 'clutter') continue;
    if (line.kind.kind !== 'content') break;
    const first = titles.length === 0 && line.text.length <= 300;
    if (!first && !isHeadlineLike(line)) break;
    titles.push(line.text);
  }
  return { titles, next: j };
}

/** Related items of further marker blocks after the cut (a page often has several). */
function tailRelated(lines: Lines, from: number): string[] {
  const titles: string[] = [];
  const end = Math.min(lines.length, from + TAIL_SCAN_LINES);
  for (let j = from; j < end; j += 1) {
    const line = lines.at(j);
    if (line?.kind.kind !== 'marker') continue;
    const items = relatedItems(lines, j, line.kind.rest);
    titles.push(...items.titles);
    j = items.next - 1;
  }
  return titles;
}

function detectArticleLanguage(text: string): string | null {
  const sample = text.length > LANGUAGE_SAMPLE_CHARS ? text.slice(0, LANGUAGE_SAMPLE_CHARS) : text;
  // Per paragraph, so a long English quote cannot outvote an Arabic article by letter count alone.
  let arabic = 0;
  let latin = 0;
  for (const paragraph of sample.split('\n')) {
    const ratio = scriptRatio(paragraph);
    if (ratio.arabic === 0 && ratio.latin === 0) continue;
    if (ratio.arabic >= ratio.latin) arabic += 1;
    else latin += 1;
  }
  if (arabic === 0 && latin === 0) return null;
  if (latin > arabic) return 'en';
  return arabicScriptLanguage(arabicScriptEvidence(sample));
}

export function segmentArticle(normalised: string, hints: SegmentHints = {}): SegmentedArticle {
  const lines = lazyLines(normalised);
  const hintTitle = hints.title?.trim() || null;
  const hintTitleKey = hintTitle === null ? null : keyOfNormalised(hintTitle);

  let title: string | null = hintTitle;
  let publishedAt = hints.publishedAt ?? null;
  let outlet = hints.outlet ?? null;
  const body: Line[] = [];
  const related: string[] = [];
  let sawContent = false;
  let sawDate = false;
  let sawSource = false;
  let bodySinceSource = 0;
  let ended = false;
  let cutAt = lines.length;
  // Index of the last long paragraph: an inline marker with none after it is in the article's tail.
  let lastLong = -1;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    if ((lines.at(i)?.words ?? 0) >= LONG_PARAGRAPH_WORDS) {
      lastLong = i;
      break;
    }
  }

  // Another article starts at `index`: the line before its date/source line is its headline.
  const cutForAppendedArticle = (index: number, headlineBefore: boolean): void => {
    const last = body[body.length - 1];
    if (headlineBefore && last !== undefined && body.length > 1 && isHeadlineLike(last)) {
      body.pop();
      related.push(last.text);
    }
    cutAt = index;
  };

  for (let i = 0; i < lines.length && cutAt === lines.length; i += 1) {
    const line = lines.at(i);
    if (line === undefined) continue;
    const kind = line.kind;
    switch (kind.kind) {
      case 'clutter':
        break;
      case 'end':
        if (body.length > 0) ended = true;
        break;
      case 'date':
        if (!sawDate) {
          sawDate = true;
          if (hints.publishedAt == null) publishedAt = kind.date;
        } else if (body.length > 0) {
          cutForAppendedArticle(i, true);
        }
        break;
      case 'source':
        if (!sawSource) {
          sawSource = true;
          if (hints.outlet == null) outlet = kind.outlet;
          if (body.length > 0) ended = true;
          bodySinceSource = 0;
        } else if (bodySinceSource > 0) {
          cutForAppendedArticle(i, true);
        }
        break;
      case 'marker': {
        const items = relatedItems(lines, i, kind.rest);
        const inline = kind.rest !== '';
        const midArticle = inline && !ended && lastLong > i;
        related.push(...items.titles);
        if (body.length === 0 || midArticle) {
          // Before the article starts (a navigation block) or inline mid-article: drop only the block.
          i = inline ? i : items.next - 1;
        } else {
          related.push(...tailRelated(lines, items.next));
          cutAt = i;
        }
        break;
      }
      case 'content': {
        if (!sawContent) {
          sawContent = true;
          if (hintTitleKey !== null && keyOfNormalised(line.text) === hintTitleKey) break;
          if (title === null && isHeadline(line)) {
            title = line.text;
            break;
          }
        }
        if (ended) {
          // Content after the article's end sign is another article: its first line is its headline.
          if (isHeadlineLike(line)) related.push(line.text);
          related.push(...tailRelated(lines, i + 1));
          cutAt = i;
          break;
        }
        body.push(line);
        bodySinceSource += 1;
        break;
      }
    }
  }

  // A one-line text has no separate headline: the line is the article.
  if (body.length === 0 && hintTitle === null && title !== null) {
    body.push({ text: title, kind: { kind: 'content' }, words: wordCount(title) });
    title = null;
  }
  const bodyText = body.map((line) => line.text).join('\n\n');
  const seen = new Set<string>();
  const relatedItemsOut = related.filter((t) => {
    const key = keyOfNormalised(t);
    if (t === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    title,
    body: bodyText,
    publishedAt,
    outlet,
    related: relatedItemsOut.map((t) => ({ title: t })),
    language: detectArticleLanguage(title === null ? bodyText : `${title}\n${bodyText}`),
  };
}
