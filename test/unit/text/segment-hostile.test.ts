import { describe, expect, it } from 'vitest';
import type { ArticleError } from '../../../lib/errors.ts';
import { ExtractiveSummariser } from '../../../lib/summarise/extractive.ts';
import { prepareArticle } from '../../../lib/text/prepare.ts';

// Shapes that once made a text stage quadratic. Each must finish the whole plain-text path (the
// test's own time limit would catch a regression) with a title and a bounded summary.
const LETTERS = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';
const noSpaces = Array.from({ length: 300_000 }, (_, i) => LETTERS[(i * 7) % LETTERS.length]).join('');
const abbreviations = 'د. '.repeat(60_000);
const tatweelBetweenControls = `كلمة ب${'\u200Bـ'.repeat(100_000)}ت عربية`;
const runOnWithDots = Array.from({ length: 200_000 }, (_, i) => (i % 5 === 4 ? '.' : LETTERS[i % 28])).join(
  '',
);

async function throughTextPath(text: string) {
  const prepared = await prepareArticle(new TextEncoder().encode(text), {
    maxTextChars: 2_000_000,
    key: 'in.txt',
  });
  const result = await new ExtractiveSummariser().summarise({
    text: prepared.body,
    title: prepared.title,
    language: prepared.language ?? 'ar',
    publishedAt: null,
    outlet: null,
    languages: ['ar'],
  });
  return result.summaries.ar;
}

describe('the plain-text path on hostile input', () => {
  it.each([
    ['a 300 KB line of letters without a space', noSpaces],
    ['60,000 single-letter abbreviations in a row', abbreviations],
    ['a line of letters with a full stop every five', runOnWithDots],
  ])('ends with a title and a bounded summary for %s', async (_name, text) => {
    const summary = await throughTextPath(text);

    expect(summary?.title).not.toBe('');
    expect(summary?.summary.length).toBeGreaterThan(0);
    expect(summary?.summary.length).toBeLessThanOrEqual(4001);
  });

  it('drops a 200 KB stretch of tatweel and invisible controls inside a word', async () => {
    const summary = await throughTextPath(tatweelBetweenControls);

    expect(summary?.summary).toBe('كلمة بت عربية');
  });

  it('refuses a text over the character limit with too_long', async () => {
    const error = await prepareArticle(new TextEncoder().encode(noSpaces), {
      maxTextChars: 100_000,
      key: 'in.txt',
    }).catch((e: unknown) => e);

    expect((error as ArticleError).code).toBe('too_long');
  });
});
