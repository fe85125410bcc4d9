/**
 * Publication dates in the forms Arabic and English news pages print them, read from the
 * search-key form of a line (digits already ASCII, hamza seats and case folded):
 * "2 يوليو 2025", "2 تموز 2025", "2 جويلية 2025", "2/7/2025" (day first), "2025-07-02",
 * "2nd, July 2025", "July 2, 2025", and Hijri lines with "الموافق" (the Gregorian date wins).
 * Only the date is kept: "م" after a year (AD) and after a time (PM) are both just date-line words.
 */

import { normaliseText } from './normalise.ts';
import { keyOfNormalised } from './search-key.ts';

/** Month names in key form (أ→ا, ة→ه, ى→ي, lower case). */
const MONTHS: ReadonlyArray<readonly [string, number]> = [
  // Gregorian names used in Egypt and the Gulf
  ['يناير', 1],
  ['فبراير', 2],
  ['مارس', 3],
  ['ابريل', 4],
  ['مايو', 5],
  ['يونيو', 6],
  ['يونيه', 6],
  ['يوليو', 7],
  ['يوليه', 7],
  ['اغسطس', 8],
  ['سبتمبر', 9],
  ['اكتوبر', 10],
  ['نوفمبر', 11],
  ['ديسمبر', 12],
  // Levantine and Iraqi (Syriac) names
  ['كانون الثاني', 1],
  ['شباط', 2],
  ['اذار', 3],
  ['نيسان', 4],
  ['ايار', 5],
  ['حزيران', 6],
  ['تموز', 7],
  ['اب', 8],
  ['ايلول', 9],
  ['تشرين الاول', 10],
  ['تشرين الثاني', 11],
  ['كانون الاول', 12],
  // Maghrebi (French) names
  ['جانفي', 1],
  ['فيفري', 2],
  ['افريل', 4],
  ['ماي', 5],
  ['جوان', 6],
  ['جويليه', 7],
  ['اوت', 8],
  // English, full and abbreviated
  ['january', 1],
  ['february', 2],
  ['march', 3],
  ['april', 4],
  ['may', 5],
  ['june', 6],
  ['july', 7],
  ['august', 8],
  ['september', 9],
  ['october', 10],
  ['november', 11],
  ['december', 12],
  ['jan', 1],
  ['feb', 2],
  ['mar', 3],
  ['apr', 4],
  ['jun', 6],
  ['jul', 7],
  ['aug', 8],
  ['sep', 9],
  ['sept', 9],
  ['oct', 10],
  ['nov', 11],
  ['dec', 12],
];
const MONTH_NUMBER = new Map(MONTHS);
const MONTH = [...MONTH_NUMBER.keys()].sort((a, b) => b.length - a.length).join('|');
// "2 تموز/يوليو 2025": Levantine papers print both names.
const MONTH_GROUP = `(${MONTH})(?:\\s*[/(-]\\s*(?:${MONTH})\\s*\\)?)?`;
const ORDINAL = '(?:st|nd|rd|th)?';
const SEP = '[\\s,.\\-/]*';

const PATTERNS: ReadonlyArray<{ re: RegExp; order: 'ymd' | 'dmy' | 'd-name-y' | 'name-d-y' }> = [
  { re: /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/g, order: 'ymd' },
  { re: /(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)/g, order: 'ymd' },
  { re: /(?<![\d:])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)/g, order: 'dmy' },
  {
    re: new RegExp(
      `(?<!\\d)(\\d{1,2})${ORDINAL}${SEP}(?:of\\s+|من\\s+)?${MONTH_GROUP}(?!\\p{L})${SEP}(\\d{4})(?!\\d)`,
      'gu',
    ),
    order: 'd-name-y',
  },
  {
    re: new RegExp(
      `(?<!\\p{L})${MONTH_GROUP}(?!\\p{L})\\.?\\s+(\\d{1,2})${ORDINAL}\\s*,?\\s*(\\d{4})(?!\\d)`,
      'gu',
    ),
    order: 'name-d-y',
  },
];

function isoDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null; // 31 February rolls over: invalid
  return date.toISOString().slice(0, 10);
}

function dateOfMatch(m: RegExpExecArray, order: (typeof PATTERNS)[number]['order']): string | null {
  const [, a = '', b = '', c = ''] = m;
  switch (order) {
    case 'ymd':
      return isoDate(Number(a), Number(b), Number(c));
    case 'dmy':
      return isoDate(Number(c), Number(b), Number(a));
    case 'd-name-y':
      return isoDate(Number(c), MONTH_NUMBER.get(b) ?? 0, Number(a));
    case 'name-d-y':
      return isoDate(Number(c), MONTH_NUMBER.get(a) ?? 0, Number(b));
  }
}

/** The earliest valid Gregorian date in a key-form text. */
function firstDate(key: string): string | null {
  let best: { index: number; date: string } | null = null;
  for (const { re, order } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(key); m !== null; m = re.exec(key)) {
      if (best !== null && m.index >= best.index) break;
      const date = dateOfMatch(m, order);
      if (date !== null) {
        best = { index: m.index, date };
        break;
      }
    }
  }
  return best?.date ?? null;
}

/** The Gregorian date in a key-form text; after "الموافق" when a Hijri date comes first. */
function dateInKey(key: string): string | null {
  const corresponding = key.indexOf('الموافق');
  if (corresponding !== -1) {
    const after = firstDate(key.slice(corresponding));
    if (after !== null) return after;
  }
  return firstDate(key);
}

/** The Gregorian publication date (YYYY-MM-DD) written in `text`, or null. */
export function parseDate(text: string): string | null {
  return dateInKey(keyOfNormalised(normaliseText(text)));
}

// Words a date line may hold besides the date: labels, weekdays, Hijri months, era and time words.
const DATE_WORDS = new Set([
  ...MONTHS.flatMap(([name]) => name.split(' ')),
  ...'تاريخ التاريخ النشر نشر نشرت بتاريخ في يوم اخر تحديث التحديث تم محدث حدث الموافق موافق ه م ص هجري هجريه ميلادي ميلاديه مساء صباحا ظهرا عصرا بتوقيت توقيت غرينتش جرينتش مكه المكرمه الساعه'.split(
    ' ',
  ),
  ...'الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت احد اثنين ثلاثاء اربعاء خميس جمعه سبت'.split(' '),
  ...'محرم صفر ربيع الاول الاخر الثاني جمادي الاولي الاخره رجب شعبان رمضان شوال ذو ذي القعده الحجه'.split(
    ' ',
  ),
  ...'published updated posted last modified date on at gmt utc am pm est edt bst cet'.split(' '),
  ...'monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun'.split(' '),
]);
const TOKEN = /[\p{L}\p{N}]+/gu;
const NUMBERISH = /^\d+(?:st|nd|rd|th|h)?$/;

/**
 * The date of a line that is a date line ("تاريخ النشر: …", "الأربعاء 2 يوليو 2025", "Published: …"),
 * or null when the line has no date or is a sentence that merely mentions one.
 */
export function dateLineDate(key: string): string | null {
  const tokens = key.match(TOKEN);
  if (tokens === null || tokens.length > 24) return null;
  let other = 0;
  for (const token of tokens) {
    if (!DATE_WORDS.has(token) && !NUMBERISH.test(token)) other += 1;
    if (other > 2) return null;
  }
  return dateInKey(key);
}
