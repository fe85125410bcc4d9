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

  it('drops bidi controls and invisible characters from every string, so no answer can reverse a page', () => {
    const answer = {
      summaries: {
        en: {
          title: '\u202Eevil\u202C title',
          summary: 'A\u200F summary\u2066 here\u2069.',
          keyPoints: ['\uFEFFpoint'],
        },
      },
      entities: [{ name: '\u202Eevil\u202C', type: 'organization' as const }],
      topics: ['\u200Btopic\u0007'],
    };

    const { tidied } = check(answer, '{}', request);

    expect(tidied.summaries.en).toEqual({
      title: 'evil title',
      summary: 'A summary here.',
      keyPoints: ['point'],
    });
    expect(tidied.entities).toEqual([{ name: 'evil', type: 'organization' }]);
    expect(tidied.topics).toEqual(['topic']);
  });

  it('keeps the zero-width non-joiner Persian spelling needs', () => {
    const answer = {
      summaries: { en: { title: 'می\u200Cخواهم', summary: 'Text.', keyPoints: [] } },
      entities: [],
      topics: [],
    };

    expect(check(answer, '{}', request).tidied.summaries.en?.title).toBe('می\u200Cخواهم');
  });

  it('leaves a string within its bound as it is, whitespace tidied', () => {
    expect(clip('  a   short\ttitle ', 20)).toBe('a short title');
  });
});
