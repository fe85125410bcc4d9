import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExtractiveSummariser } from '../../lib/summarise/extractive.ts';
import { prepareArticle } from '../../lib/text/prepare.ts';

// Opt-in (`npm run test:shared`): the shared scraped Arabic article kept beside the repository.
// It is third-party text, so `npm test` never reads it; this suite fails loudly when it is absent.
const path = fileURLToPath(new URL('../../../shared/fixtures/interpol-ar.txt', import.meta.url));

describe('the shared scraped Arabic article', () => {
  it('is present beside the repository', () => {
    expect(existsSync(path), `${path} is missing: test:shared needs ../shared`).toBe(true);
  });

  it('yields its headline, date, outlet and every paragraph of the main article, nothing appended', async () => {
    const bytes = readFileSync(path);
    const lines = bytes.toString('utf8').split('\n');
    const source = lines.findIndex((l) => l.startsWith('المصدر:'));

    const article = await prepareArticle(bytes, {
      contentType: 'text/plain',
      key: 'interpol-ar.txt',
      maxTextChars: 1_000_000,
    });

    expect(article.title).toBe(lines[0]);
    expect(article.publishedAt).toBe('2025-07-02');
    expect(article.outlet).toBe('الجزيرة');
    expect(article.body.split('\n\n')).toEqual(lines.slice(2, source));
    expect(article.body).not.toContain(lines.at(-1)?.slice(0, 40));
    expect(article.related).toHaveLength(1);
  });

  it('is summarised offline with sentences of the main article only', async () => {
    const bytes = readFileSync(path);
    const article = await prepareArticle(bytes, {
      contentType: 'text/plain',
      key: 'interpol-ar.txt',
      maxTextChars: 1_000_000,
    });

    const result = await new ExtractiveSummariser().summarise({
      text: article.body,
      title: article.title,
      language: 'ar',
      publishedAt: article.publishedAt,
      outlet: article.outlet,
      languages: ['ar', 'en'],
    });

    const ar = result.summaries.ar;
    expect(ar?.summary.length).toBeGreaterThan(0);
    for (const point of ar?.keyPoints ?? []) expect(article.body).toContain(point);
  });
});
