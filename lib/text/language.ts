/**
 * Script-based language guessing. `\w` and `\b` do not match Arabic in JS regular expressions,
 * so everything here uses Unicode script properties.
 */

const LETTER = /\p{L}/gu;
// Only letters count on both sides: Arabic-script digits, marks and punctuation are not letters.
const ARABIC_LETTER = /(?=\p{L})\p{Script=Arabic}/gu;
const LATIN_LETTER = /(?=\p{L})\p{Script=Latin}/gu;

const count = (text: string, pattern: RegExp): number => {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n += 1;
  return n;
};

/** Share of the letters in `text` that are Arabic-script and Latin-script (0 when there are no letters). */
export function scriptRatio(text: string): { arabic: number; latin: number } {
  const letters = count(text, LETTER);
  if (letters === 0) return { arabic: 0, latin: 0 };
  return { arabic: count(text, ARABIC_LETTER) / letters, latin: count(text, LATIN_LETTER) / letters };
}

/**
 * `ar` when Arabic letters are at least as many as Latin letters, `en` when Latin letters win,
 * `null` when the text has neither (no letters at all, or only other scripts).
 * Ties go to Arabic: the service is Arabic-first and an even mix is almost always an Arabic article
 * quoting English names.
 */
export function detectLanguage(text: string): 'ar' | 'en' | null {
  const { arabic, latin } = scriptRatio(text);
  if (arabic === 0 && latin === 0) return null;
  return arabic >= latin ? 'ar' : 'en';
}
