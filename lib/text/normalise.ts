/**
 * Display-safe normalisation: the text that is stored, shown and summarised.
 * NFC, invisible formatting controls removed, exotic spaces folded, line endings unified,
 * runs of blanks collapsed, paragraphs (blank-line separated) kept.
 */

// Zero-width space, LRM/RLM, Arabic letter mark, bidi embeddings/overrides/isolates, word joiner,
// soft hyphen, BOM. ZWNJ/ZWJ (U+200C/D) are kept: Persian and Urdu spelling needs them.
const INVISIBLE = /[\u200B\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069\u2060\u00AD\uFEFF]/g;
// NBSP, narrow NBSP, figure space and the other fixed-width spaces read as a plain space.
const SPACES = /[\u00A0\u202F\u2007\u2000-\u2006\u2008-\u200A\u3000\t\f\v]+/g;

export function normaliseText(input: string): string {
  const text = input.normalize('NFC').replace(/\r\n?/g, '\n').replace(INVISIBLE, '').replace(SPACES, ' ');
  const lines = text.split('\n').map((line) => line.replace(/ {2,}/g, ' ').trim());
  const out: string[] = [];
  let blank = 0;
  for (const line of lines) {
    if (line.length === 0) {
      blank += 1;
      continue;
    }
    if (out.length > 0) out.push(blank > 0 ? '\n\n' : '\n');
    out.push(line);
    blank = 0;
  }
  return out.join('');
}

/** Words: letters with their marks and digits, in any script. */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu)?.length ?? 0;
}
