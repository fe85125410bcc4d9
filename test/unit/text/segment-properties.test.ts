import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExtractiveSummariser } from '../../../lib/summarise/extractive.ts';
import { normaliseText } from '../../../lib/text/normalise.ts';
import { reflowParagraphs } from '../../../lib/text/reflow.ts';
import { segmentArticle } from '../../../lib/text/segment.ts';
import { splitSentences } from '../../../lib/text/sentences.ts';

// Any Unicode: every code point, lone surrogates included.
const anyText = fc.string({ unit: 'binary', maxLength: 400 });

// Article-shaped text: lines of Arabic and Latin words of varied length (some wrapped, some whole
// paragraphs), with terminators, list marks, date and source lines, blank lines and odd characters.
const WORDS = [
  'أعلنت',
  'الوزارة',
  'اليوم',
  'عن',
  'خطة',
  'جديدة،',
  'للمدينة.',
  'وقال',
  'إن',
  'المشروع',
  'ـ',
  'د.',
  'the',
  'city',
  'said.',
  '3.5',
  '؟',
  '!',
  ':',
  '-',
  '1-',
  '«نص»',
  'تاريخ النشر: 2nd, July 2025 GMT',
  'المصدر: الوكالة',
  'اقرأ أيضا:',
  '\u200B',
  '\u0651',
  '\uFEFB',
  '\t',
];
const line = fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }).map((words) => words.join(' '));
const article = fc
  .array(
    fc.oneof(
      line,
      fc.constant(''),
      anyText.map((s) => s.slice(0, 40)),
    ),
    { maxLength: 30 },
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));
const input = fc.oneof(anyText, article);

/** The text a reader sees: line breaks read as spaces (hard wraps are joined with one space). */
const asRead = (normalised: string): string => normalised.replace(/\n+/gu, ' ');

/**
 * The body sentences, in order, whose space-joined text is exactly `summary`, or null when there
 * are none (a summary that is not made of whole body sentences).
 */
function quotedSentences(summary: string, sentences: readonly string[]): string[] | null {
  const failed = new Set<string>();
  const match = (at: number, from: number): string[] | null => {
    if (at >= summary.length) return [];
    if (failed.has(`${at}:${from}`)) return null;
    for (let i = from; i < sentences.length; i += 1) {
      const s = sentences[i] ?? '';
      const end = at + s.length;
      if (!summary.startsWith(s, at) || (end < summary.length && summary[end] !== ' ')) continue;
      const rest = match(end + 1, i + 1);
      if (rest !== null) return [s, ...rest];
    }
    failed.add(`${at}:${from}`);
    return null;
  };
  return match(0, 0);
}

describe('text stages on arbitrary input', () => {
  it('normalises into tidy lines, idempotently', () => {
    fc.assert(
      fc.property(input, (raw) => {
        const text = normaliseText(raw);
        expect(text).not.toMatch(/\r|\n{3}|^[ \n]|[ \n]$| \n|\n | {2}/u);
        expect(normaliseText(text)).toBe(text);
      }),
      { numRuns: 1500 },
    );
  });

  it('splits sentences that are trimmed, non-empty substrings covering every character in order', () => {
    fc.assert(
      fc.property(input, (raw) => {
        const text = normaliseText(raw);
        const sentences = splitSentences(text);
        for (const s of sentences) {
          expect(s).not.toBe('');
          expect(s).toBe(s.trim());
          expect(text).toContain(s);
        }
        expect(sentences.join('').replace(/\s+/gu, '')).toBe(text.replace(/\s+/gu, ''));
      }),
      { numRuns: 1500 },
    );
  });

  it('reflows into paragraphs that invent nothing and lose nothing', () => {
    fc.assert(
      fc.property(input, (raw) => {
        const text = normaliseText(raw);
        const paragraphs = reflowParagraphs(text);
        for (const p of paragraphs) {
          expect(p).not.toBe('');
          expect(asRead(text)).toContain(p);
        }
        expect(paragraphs.join('').replace(/\s+/gu, '')).toBe(text.replace(/\s+/gu, ''));
      }),
      { numRuns: 1500 },
    );
  });

  it('segments into a title and body paragraphs taken from the normalised text', () => {
    fc.assert(
      fc.property(input, (raw) => {
        const text = normaliseText(raw);
        const result = segmentArticle(text);
        const read = asRead(text);
        if (result.title !== null) expect(read).toContain(result.title);
        for (const p of result.body === '' ? [] : result.body.split('\n\n')) expect(read).toContain(p);
        for (const s of splitSentences(result.body)) expect(read).toContain(s);
      }),
      { numRuns: 1500 },
    );
  });

  it('summarises with sentences of the body only, none twice', async () => {
    const summariser = new ExtractiveSummariser();
    await fc.assert(
      fc.asyncProperty(article, async (raw) => {
        const { body, title, language } = segmentArticle(normaliseText(raw));
        const result = await summariser.summarise({
          text: body,
          title,
          language: language ?? 'ar',
          publishedAt: null,
          outlet: null,
          languages: ['ar', 'en'],
        });
        for (const own of Object.values(result.summaries)) {
          const quoted = quotedSentences(own.summary, splitSentences(body));
          expect(quoted, own.summary).not.toBeNull();
          expect(new Set(quoted).size).toBe(quoted?.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
