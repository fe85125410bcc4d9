import { describe, expect, it } from 'vitest';
import { EXTRACTIVE_MODEL, ExtractiveSummariser, foldArabic } from '../../../lib/summarise/extractive.ts';
import type { SummaryRequest } from '../../../lib/summarise/port.ts';
import { splitSentences } from '../../../lib/text/sentences.ts';
import { SCRAPED, scrapedParagraphs } from '../../support/fixtures.ts';

// The main article as the segment stage hands it over: after the headline and date line, before the source line.
const headline = SCRAPED.title;
const mainBody = scrapedParagraphs().join('\n\n');

const request = (over: Partial<SummaryRequest>): SummaryRequest => ({
  text: mainBody,
  title: headline,
  language: 'ar',
  publishedAt: SCRAPED.publishedAt,
  outlet: SCRAPED.outlet,
  languages: ['ar', 'en'],
  ...over,
});

const english = [
  'The city council approved a new budget for public transport on Tuesday.',
  'The budget adds money for buses, trams and the repair of old stations across the city.',
  'Council members said public transport use has grown every year since the pandemic.',
  'Opposition members argued the budget ignores roads in the outer districts.',
  'The mayor said the new buses and trams will run from next spring.',
  'Transport unions welcomed the budget but asked for more drivers on the night buses.',
  'A final vote on the city budget is expected next month.',
].join(' ');

describe('ExtractiveSummariser', () => {
  it('summarises the Arabic fixture with sentences taken verbatim from the article', async () => {
    const result = await new ExtractiveSummariser().summarise(request({}));

    const ar = result.summaries.ar;
    expect(ar).toBeDefined();
    const sourceSentences = new Set(splitSentences(mainBody));
    const summarySentences = splitSentences(ar?.summary ?? '');
    expect(summarySentences.length).toBeGreaterThanOrEqual(3);
    expect(summarySentences.length).toBeLessThanOrEqual(5);
    for (const s of summarySentences) expect(sourceSentences.has(s)).toBe(true);
    expect(ar?.title).toBe(headline);
    expect(ar?.keyPoints.length).toBeGreaterThan(0);
    expect(ar?.keyPoints.length).toBeLessThanOrEqual(5);
    for (const p of ar?.keyPoints ?? []) expect(mainBody).toContain(p.replace(/…$/u, ''));
  });

  it('produces only the article language and flags the one it cannot translate', async () => {
    const result = await new ExtractiveSummariser().summarise(request({}));

    expect(Object.keys(result.summaries)).toEqual(['ar']);
    expect(result.flags).toEqual(['missing_language:en']);
    expect(result.model).toEqual({
      provider: 'extractive',
      name: EXTRACTIVE_MODEL,
      promptVersion: expect.any(String),
    });
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0, llmCalls: 0 });
    expect(result.entities).toEqual([]);
  });

  it('keeps the summary sentences in their original order', async () => {
    const result = await new ExtractiveSummariser().summarise(request({}));

    const positions = splitSentences(result.summaries.ar?.summary ?? '').map((s) => mainBody.indexOf(s));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('summarises an English text in English only, detecting the language when unknown', async () => {
    const result = await new ExtractiveSummariser().summarise(
      request({ text: english, title: null, language: null, outlet: null }),
    );

    expect(Object.keys(result.summaries)).toEqual(['en']);
    expect(result.flags).toEqual(['missing_language:ar']);
    // Without a headline the title comes from the lead sentence, and the summary still quotes the lead.
    expect(result.summaries.en?.title).toBe(
      'The city council approved a new budget for public transport on Tuesday',
    );
    expect(result.summaries.en?.summary.startsWith('The city council approved a new budget')).toBe(true);
    for (const s of splitSentences(result.summaries.en?.summary ?? '')) expect(english).toContain(s);
  });

  it('is deterministic', async () => {
    const a = await new ExtractiveSummariser().summarise(request({}));
    const b = await new ExtractiveSummariser().summarise(request({}));

    expect(a).toEqual(b);
  });

  it('produces nothing when the article language was not requested', async () => {
    const result = await new ExtractiveSummariser().summarise(request({ languages: ['en', 'fr'] }));

    expect(result.summaries).toEqual({});
    expect(result.flags).toEqual(['missing_language:en', 'missing_language:fr']);
  });

  it('offers frequent content words as topics, in a spelling the article uses', async () => {
    const result = await new ExtractiveSummariser().summarise(request({}));

    expect(result.topics.length).toBeGreaterThan(0);
    for (const t of result.topics) expect(mainBody).toContain(t);
  });

  it('still summarises a very short article', async () => {
    const result = await new ExtractiveSummariser().summarise(
      request({
        text: 'The port reopened on Monday after the storm.',
        title: 'Port reopens',
        language: 'en',
        languages: ['en'],
      }),
    );

    expect(result.summaries.en?.summary).toBe('The port reopened on Monday after the storm.');
    expect(result.flags).toEqual([]);
  });
});

describe('foldArabic', () => {
  it('folds diacritics, tatweel, alef forms, alef maqsura and teh marbuta', () => {
    expect(foldArabic('إِنَّ أحمد آمن ٱلـمدرسة على')).toBe('ان احمد امن المدرسه علي');
  });
});
