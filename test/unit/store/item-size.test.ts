import { describe, expect, it } from 'vitest';
import { SummaryTooLargeError } from '../../../lib/errors.ts';
import type { CompletedWork } from '../../../lib/pipeline/ports.ts';
import { assertRecordFits, attributeValueSize, itemSize } from '../../../lib/store/item-size.ts';

const work = (summary: string, llmCalls = 2): CompletedWork => ({
  article: { title: 't', language: 'ar', publishedAt: null, outlet: null, wordCount: 3, related: [] },
  result: {
    summaries: { ar: { title: 'ع', summary, keyPoints: [] } },
    entities: [],
    topics: [],
    flags: [],
    model: { provider: 'openai', name: 'm', promptVersion: 'p' },
    usage: { inputTokens: 900, outputTokens: 120_000, llmCalls },
  },
  contentHash: 'h',
  text: 'نص',
  reusedFrom: null,
  languages: ['ar'],
});

describe('itemSize counts as DynamoDB does', () => {
  it('counts attribute names and UTF-8 string bytes', () => {
    expect(itemSize({ name: 'abc', ar: 'نص' })).toBe(4 + 3 + 2 + 4);
  });

  it('counts numbers by significant digits, booleans and null as one byte', () => {
    expect(attributeValueSize(12345)).toBe(4);
    expect(attributeValueSize(7)).toBe(2);
    expect(attributeValueSize(true)).toBe(1);
    expect(attributeValueSize(null)).toBe(1);
  });

  it('adds three bytes per map or list and one per element', () => {
    expect(attributeValueSize(['ab', 'c'])).toBe(3 + 1 + 2 + 1 + 1);
    expect(attributeValueSize({ k: 'v' })).toBe(3 + 1 + 1 + 1);
    expect(attributeValueSize(new Uint8Array(10))).toBe(10);
  });
});

describe('assertRecordFits', () => {
  it('lets an ordinary summary through', () => {
    expect(() => assertRecordFits('r1', work('ملخص قصير.'))).not.toThrow();
  });

  it('fails a summary too large for one item with summary_too_large, keeping the paid usage', () => {
    const error = (() => {
      try {
        assertRecordFits('r1', work('ن'.repeat(200_000)));
        return null;
      } catch (e: unknown) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(SummaryTooLargeError);
    expect((error as SummaryTooLargeError).code).toBe('summary_too_large');
    expect((error as SummaryTooLargeError).usage).toEqual({
      inputTokens: 900,
      outputTokens: 120_000,
      llmCalls: 2,
    });
  });
});
