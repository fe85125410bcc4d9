import type { LanguageSummary } from '../domain/record.ts';
import { scriptRatio } from '../text/language.ts';
import { keyOfNormalised } from '../text/search-key.ts';
import type { SummaryRequest } from './port.ts';

/**
 * Quality checks on a summary. Pure: flags only, the caller decides.
 *
 * - `missing_language:<l>` a requested language is absent (or has no letters at all);
 * - `wrong_language:<l>` the part is not mostly in the script of `l`;
 * - `ungrounded_number:<n>` a number in a title, summary or key point that the source never states.
 */

// Languages written in Arabic script; the others we know are written in Latin script. Languages in
// neither list (e.g. `ru`) get no script check rather than a false flag.
const ARABIC_SCRIPT = new Set(['ar', 'fa', 'ur', 'ps', 'ckb', 'sd', 'ug', 'ku']);
const LATIN_SCRIPT = new Set([
  'en',
  'fr',
  'de',
  'es',
  'it',
  'pt',
  'nl',
  'tr',
  'id',
  'ms',
  'sw',
  'ha',
  'so',
  'az',
  'uz',
  'pl',
  'ro',
  'sv',
  'da',
  'no',
  'nb',
  'fi',
  'cs',
  'hu',
  'vi',
]);

/** Share of letters that must be in the language's script: "mostly", i.e. more than half. */
const MIN_SCRIPT_SHARE = 0.5;

const baseLanguage = (code: string): string => code.toLowerCase().split('-')[0] ?? code;

const partText = (part: LanguageSummary): string => [part.title, part.summary, ...part.keyPoints].join('\n');

function inExpectedScript(language: string, text: string): boolean {
  const base = baseLanguage(language);
  const ratio = scriptRatio(text);
  if (ARABIC_SCRIPT.has(base)) return ratio.arabic > MIN_SCRIPT_SHARE;
  if (LATIN_SCRIPT.has(base)) return ratio.latin > MIN_SCRIPT_SHARE;
  return true;
}

// A number: digit groups with thousands separators (`,` `٬`) and an optional decimal part (`.` `٫`).
// A separator must be followed by exactly three digits, so "1,2" is two numbers and "1,000" is one.
const NUMBER = /\d+(?:[,\u066C]\d{3}(?!\d))*(?:[.\u066B]\d+)?/gu;

/** Canonical form: no separators, `.` decimals, no leading zeros, no trailing decimal zeros. */
function canonical(raw: string): string {
  const [int = '', frac = ''] = raw.replace(/[,\u066C]/gu, '').split(/[.\u066B]/u);
  const whole = int.replace(/^0+(?=\d)/u, '');
  const decimals = frac.replace(/0+$/u, '');
  return decimals === '' ? whole : `${whole}.${decimals}`;
}

/** Every number in `text` in canonical form (digit shapes folded as in search keys, separators stripped). */
export function extractNumbers(text: string): string[] {
  return Array.from(keyOfNormalised(text).matchAll(NUMBER), (m) => canonical(m[0]));
}

export function verifySummary(
  result: { summaries: Record<string, LanguageSummary> },
  request: Pick<SummaryRequest, 'text' | 'title' | 'publishedAt' | 'outlet' | 'languages'>,
): string[] {
  const flags = new Set<string>();
  for (const language of request.languages) {
    const part = result.summaries[language];
    if (part === undefined || !/\p{L}/u.test(partText(part))) flags.add(`missing_language:${language}`);
  }
  // The metadata was given to the model too, so a date or number taken from it is grounded.
  const source = [request.title, request.publishedAt, request.outlet, request.text]
    .filter((s) => s !== null)
    .join('\n');
  const grounded = new Set(extractNumbers(source));
  for (const [language, part] of Object.entries(result.summaries)) {
    const text = partText(part);
    if (/\p{L}/u.test(text) && !inExpectedScript(language, text)) flags.add(`wrong_language:${language}`);
    for (const n of extractNumbers(text)) if (!grounded.has(n)) flags.add(`ungrounded_number:${n}`);
  }
  return [...flags];
}
