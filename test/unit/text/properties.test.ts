import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseText } from '../../../lib/text/normalise.ts';
import { searchKey } from '../../../lib/text/search-key.ts';

// Characters the rules touch, mixed with ordinary Arabic, Latin, digits, marks and whitespace.
const ALPHABET = [
  ...'ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأؤإئةى',
  ...'کیہھپچژگ',
  ...'abcXYZ 019٠٩۰۹.،؟!',
  '\u064B',
  '\u064E',
  '\u0651',
  '\u0652',
  '\u0670',
  '\u0653',
  '\u0654',
  '\u0640',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u202B',
  '\u202C',
  '\u2066',
  '\u2069',
  '\u2060',
  '\u00AD',
  '\uFEFF',
  '\u00A0',
  '\u202F',
  '\u2007',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u2029',
  '\uFEFB',
  '\uFE8D',
  '\uFE91',
  '\uFE70',
  '\uFE71',
  '\uFC5E',
  '\uFDFC',
  '\uFDFD',
  '\uFDFA',
  '\uFB8E',
  '\uFBFC',
  '\u0600',
  '\u06DD',
  'é',
  'e\u0301',
];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }).map((chars) => chars.join(''));

const INVISIBLE = /[\u200B-\u200F\u061C\u202A-\u202E\u2060-\u2069\u00AD\uFEFF]/gu;
const countInvisible = (s: string): number => s.match(INVISIBLE)?.length ?? 0;
const ARABIC_LETTER = /(?=\p{L})\p{Script=Arabic}/gu;
// Letters a rule may change or drop: the Persian/Urdu letters folded in Arabic documents.
const FOLDED = new Set(['ک', 'ی', 'ہ', 'ھ']);
const letterCounts = (s: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const letter of s.match(ARABIC_LETTER) ?? []) counts.set(letter, (counts.get(letter) ?? 0) + 1);
  return counts;
};

describe('normaliseText properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(text, (input) => {
        const once = normaliseText(input);
        expect(normaliseText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('never grows the number of invisible characters', () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(countInvisible(normaliseText(input))).toBeLessThanOrEqual(countInvisible(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('never drops an Arabic letter other than the ones a rule names', () => {
    // Presentation forms are excluded here: they legitimately turn into base letters.
    const plain = text.filter((s) => !/[\uFB50-\uFDFF\uFE70-\uFEFC]/u.test(s));
    fc.assert(
      fc.property(plain, (input) => {
        // Compared decomposed: composing a letter with its mark (ا + ٓ → آ) drops nothing.
        const before = letterCounts(input.normalize('NFD'));
        const after = letterCounts(normaliseText(input).normalize('NFD'));
        for (const [letter, count] of before) {
          if (FOLDED.has(letter)) continue;
          expect(after.get(letter) ?? 0, letter).toBeGreaterThanOrEqual(count);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a text and its normalised form the same search key', () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(searchKey(normaliseText(input))).toBe(searchKey(input));
      }),
      { numRuns: 1000 },
    );
  });
});
