import { describe, expect, it } from 'vitest';
import { check, clip } from '../../../lib/summarise/checked.ts';
import { BOUNDS } from '../../../lib/summarise/schema.ts';

const request = {
  text: 'Text of the article.',
  title: null,
  language: 'en',
  publishedAt: null,
  outlet: null,
  languages: ['en'],
} as const;

describe('the answer as stored is bounded even when a server ignored the schema bounds', () => {
  it('clips strings at a word boundary and arrays at their maximum', () => {
    const long = 'word '.repeat(1_000);
    const answer = {
      summaries: {
        en: {
          title: long,
          summary: long,
          keyPoints: Array.from({ length: 30 }, (_, i) => `Point ${'x'.repeat(i)}`),
        },
      },
      entities: Array.from({ length: 50 }, (_, i) => ({ name: `Name ${i}`, type: 'person' as const })),
      topics: Array.from({ length: 20 }, (_, i) => `topic ${i}`),
    };

    const { tidied } = check(answer, '{}', request);

    const en = tidied.summaries.en;
    expect(en?.title.length).toBeLessThanOrEqual(BOUNDS.title);
    expect(en?.title.endsWith('word…')).toBe(true);
    expect(en?.summary.length).toBeLessThanOrEqual(BOUNDS.summary);
    expect(en?.keyPoints).toHaveLength(BOUNDS.keyPoints);
    expect(tidied.entities).toHaveLength(BOUNDS.entities);
    expect(tidied.topics).toHaveLength(BOUNDS.topics);
  });

  it('leaves a string within its bound as it is, whitespace tidied', () => {
    expect(clip('  a   short\ttitle ', 20)).toBe('a short title');
  });
});
