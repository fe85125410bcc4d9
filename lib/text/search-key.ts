/**
 * The search-key form of a text: used to match markers, de-duplicate and check grounding, never
 * displayed. On top of `normaliseText` it drops what spelling varies on — diacritics, tatweel,
 * hamza seats (on alef, waw and yeh), alef maksura vs yeh, teh marbuta vs heh, digit shapes, Latin case and the
 * Persian letter variants — so "إقرأ أيضاً" and "اقرا ايضا" get the same key.
 */
import { normaliseText } from './normalise.ts';

const FOLDS = new Map<string, string>([
  ['\u0623', '\u0627'], // أ → ا
  ['\u0625', '\u0627'], // إ → ا
  ['\u0622', '\u0627'], // آ → ا
  ['\u0671', '\u0627'], // ٱ → ا
  ['\u0624', '\u0648'], // ؤ → و (hamza on waw, often typed without it)
  ['\u0626', '\u064A'], // ئ → ي (hamza on yeh)
  ['\u0649', '\u064A'], // ى → ي
  ['\u0629', '\u0647'], // ة → ه
  ['\u06A9', '\u0643'], // ک → ك
  ['\u06CC', '\u064A'], // ی → ي
  ['\u06C1', '\u0647'], // ہ → ه
  ['\u06BE', '\u0647'], // ھ → ه
]);
for (let d = 0; d <= 9; d += 1) {
  FOLDS.set(String.fromCharCode(0x0660 + d), String(d)); // Arabic-Indic ٠–٩
  FOLDS.set(String.fromCharCode(0x06f0 + d), String(d)); // Extended (Persian) ۰–۹
}

// Diacritics U+064B–0652 and the dagger alef U+0670, tatweel and joiners are dropped outright.
const KEY_CHARS =
  /[\u064B-\u0652\u0670\u0640\u0622\u0623\u0624\u0625\u0626\u0671\u0649\u0629\u06A9\u06CC\u06C1\u06BE\u0660-\u0669\u06F0-\u06F9]|\u200C|\u200D/g;

/** The key of text that already went through `normaliseText` (skips that second pass). */
export function keyOfNormalised(normalised: string): string {
  const key = normalised.replace(KEY_CHARS, (ch) => FOLDS.get(ch) ?? '').toLowerCase();
  // A dropped standalone tatweel ("6 ـ 4") leaves two spaces behind.
  return key.includes('  ') ? key.replace(/ {2,}/g, ' ').replace(/^ | $/gm, '') : key;
}

/** The search key of any text. */
export function searchKey(text: string): string {
  return keyOfNormalised(normaliseText(text));
}
