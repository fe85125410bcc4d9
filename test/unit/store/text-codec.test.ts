import { describe, expect, it } from 'vitest';
import { chunkSortKey, compressText, decompressText, splitChunks } from '../../../lib/store/text-codec.ts';

describe('text codec', () => {
  it('round-trips Arabic text through brotli', () => {
    const text = 'خلاصة الخبر: قال الإنتربول إن العملية شملت 12 دولة.\n\nEnglish too.';
    expect(decompressText(compressText(text))).toBe(text);
  });

  it('splits into chunks that concatenate back to the input', () => {
    const data = new Uint8Array(10).map((_, i) => i);
    const chunks = splitChunks(data, 4);
    expect(chunks.map((c) => c.byteLength)).toEqual([4, 4, 2]);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(data));
  });

  it('names chunk items under the text# prefix in index order', () => {
    expect(chunkSortKey(0, 'g1')).toBe('text#0000#g1');
    expect(chunkSortKey(12, 'g1') > chunkSortKey(2, 'g1')).toBe(true);
  });
});
