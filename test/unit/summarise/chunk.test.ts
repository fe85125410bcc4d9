import { describe, expect, it } from 'vitest';
import { splitIntoChunks } from '../../../lib/summarise/chunk.ts';
import { loadTokenCounter } from '../../../lib/summarise/tokens.ts';

// A stand-in counter that makes budgets easy to reason about: one token per 4 characters.
const quarter = (text: string): number => Math.ceil(text.length / 4);
const words = (text: string): string[] => text.split(/\s+/u).filter((w) => w !== '');

const arabicSentences = [
  'حذرت وكالة الشرطة الدولية من تزايد الاتجار بالبشر.',
  'هل تتحرك الدول المتضررة بسرعة كافية؟',
  'وقال الإنتربول إن الضحايا يتحدرون من 66 دولة!',
  'ويضم الإنتربول 196 دولة عضوا.',
];

describe('splitIntoChunks', () => {
  it('keeps a text within the budget as one chunk', () => {
    expect(splitIntoChunks('فقرة أولى.\n\nفقرة ثانية.', 100, quarter)).toEqual(['فقرة أولى.\n\nفقرة ثانية.']);
  });

  it('cuts between paragraphs when whole paragraphs fit', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(15).trim()}.`);

    const chunks = splitIntoChunks(paragraphs.join('\n\n'), 60, quarter);

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flatMap((c) => c.split('\n\n'))).toEqual(paragraphs);
    for (const c of chunks) expect(quarter(c)).toBeLessThanOrEqual(60);
  });

  it('cuts a paragraph over the budget after sentence ends, Arabic question marks included', () => {
    const paragraph = Array.from({ length: 5 }, () => arabicSentences.join(' ')).join(' ');

    const chunks = splitIntoChunks(paragraph, 40, quarter);

    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(quarter(c)).toBeLessThanOrEqual(40);
      expect(c).toMatch(/[.!؟]$/u);
    }
    expect(words(chunks.join(' '))).toEqual(words(paragraph));
  });

  it('cuts a sentence with no punctuation at spaces, and text with no spaces by characters', () => {
    const run = 'كلمة '.repeat(200).trim();
    const blob = 'x'.repeat(1_000);

    const spaced = splitIntoChunks(run, 50, quarter);
    const solid = splitIntoChunks(blob, 50, quarter);

    for (const c of [...spaced, ...solid]) expect(quarter(c)).toBeLessThanOrEqual(50);
    expect(words(spaced.join(' '))).toEqual(words(run));
    expect(solid.join('')).toBe(blob);
  });

  it('is deterministic, so cached notes of a chunk are found again', () => {
    const text = Array.from({ length: 40 }, (_, i) => `الفقرة ${i}: ${arabicSentences.join(' ')}`).join(
      '\n\n',
    );

    expect(splitIntoChunks(text, 120, quarter)).toEqual(splitIntoChunks(text, 120, quarter));
  });

  it('keeps every chunk within the budget as counted by o200k', async () => {
    const count = await loadTokenCounter();
    const text = Array.from({ length: 60 }, (_, i) => `الفقرة ${i}: ${arabicSentences.join(' ')}`).join(
      '\n\n',
    );

    const chunks = splitIntoChunks(text, 200, count);

    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(count(c)).toBeLessThanOrEqual(200);
    expect(words(chunks.join('\n\n'))).toEqual(words(text));
  });

  it('refuses a budget that is not a positive integer', () => {
    expect(() => splitIntoChunks('text', 0, quarter)).toThrow(/budget/);
  });
});
