/**
 * Persian/Urdu letters an Arabic document spells the Arabic way (ک → ك, ی → ي/ى, ہ ھ → ه), and
 * zero-width (non-)joiners dropped between two Arabic letters. Only run on Arabic documents.
 */

// Joiner runs and the Persian letters an Arabic document spells the Arabic way. No lookbehind in
// the pattern: a leading lookbehind makes the engine try it at every position of a 5 MB text.
const ARABIC_FOLD = /[\u200C\u200D]+|[\u06A9\u06C1\u06BE\u06CC]/g;
export const FOLDABLE_LETTER = /[\u06A9\u06C1\u06BE\u06CC]/;
const FOLLOWED_BY_ARABIC_LETTER = /^\p{M}*(?=\p{L})\p{Script=Arabic}/u;
const PRECEDED_BY_ARABIC_LETTER = /(?=\p{L})\p{Script=Arabic}\p{M}*$/u;

export function foldPersianLetters(text: string): string {
  const folded = text.replace(ARABIC_FOLD, (match: string, offset: number) => {
    switch (match) {
      case '\u06A9':
        return '\u0643'; // ک → ك
      case '\u06C1':
      case '\u06BE':
        return '\u0647'; // ہ ھ → ه
      case '\u06CC': {
        // ی → ي inside a word, ى (alef maksura) at its end.
        const after = text.slice(offset + 1, offset + 8);
        return FOLLOWED_BY_ARABIC_LETTER.test(after) ? '\u064A' : '\u0649';
      }
      default: {
        // A ZWNJ/ZWJ run goes only between two Arabic letters (it breaks their joining).
        const before = text.slice(Math.max(0, offset - 8), offset);
        const after = text.slice(offset + match.length, offset + match.length + 1);
        const between = PRECEDED_BY_ARABIC_LETTER.test(before) && FOLLOWED_BY_ARABIC_LETTER.test(after);
        return between ? '' : match;
      }
    }
  });
  // ي/ه followed by a combining hamza or madda compose under NFC (ي + ٔ → ئ).
  return /[\u0653-\u0655]/u.test(folded) ? folded.normalize('NFC') : folded;
}
