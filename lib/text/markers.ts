/**
 * What a single line of a scraped article is, judged on its search-key form: a related-content
 * marker, a source/outlet line, an end-of-article sign, social or page clutter, or content.
 * Phrases are listed in key form (أ إ آ → ا, ة → ه, ى → ي, no diacritics, lower case).
 */

/** Related-content markers. Longer phrases first so "related articles" wins over "related". */
const MARKERS = [
  'اقرا ايضا',
  'ايضا اقرا',
  'اقرا المزيد',
  'شاهد ايضا',
  'طالع ايضا',
  'انظر ايضا',
  'مواضيع ذات صله',
  'موضوعات ذات صله',
  'مقالات ذات صله',
  'الاخبار ذات الصله',
  'اخبار ذات صله',
  'اخبار متعلقه',
  'مقالات قد تهمك',
  'المزيد من الاخبار',
  'قصص مقترحه',
  'اخترنا لكم',
  'related articles',
  'related stories',
  'related news',
  'related content',
  'read also',
  'also read',
  'read more',
  'see also',
  'more from',
  'related',
].sort((a, b) => b.length - a.length);

/** Markers that also begin ordinary English sentences; they need a colon, a dash or nothing after. */
const AMBIGUOUS_MARKERS = new Set(['related', 'see also', 'read more', 'more from']);

/** Page and social clutter that begins a short line. */
const CLUTTER_PHRASES = [
  'تم نسخ الرابط',
  'نسخ الرابط',
  'رابط مختصر',
  'الرابط المختصر',
  'انشر الخبر',
  'تابعونا علي',
  'تابعونا عبر',
  'تابعنا علي',
  'تابعنا عبر',
  'اضغط هنا',
  'جميع الحقوق محفوظه',
  'link copied',
  'copy link',
  'follow us',
  'all rights reserved',
  'click here',
].sort((a, b) => b.length - a.length);

/** One-word share buttons: clutter only when nothing but network names or filler follows them. */
const SHARE_WORDS = new Set([
  'شارك',
  'شاركها',
  'شاركوا',
  'غرد',
  'انشر',
  'طباعه',
  'share',
  'tweet',
  'print',
  'email',
]);
const SOCIAL_WORDS = new Set([
  ...SHARE_WORDS,
  ...'فيسبوك فيس بوك تويتر اكس واتساب واتس اب تيليجرام تلغرام تليجرام لينكدان لينكد ان انستغرام انستجرام يوتيوب ماسنجر بريد الكتروني علي عبر الخبر المقال مشاركه'.split(
    ' ',
  ),
  ...'facebook twitter x whatsapp telegram linkedin instagram pinterest reddit messenger youtube mail on via this article story share'.split(
    ' ',
  ),
]);

const LEADING_NOISE = /^[\s\p{P}\p{S}]+/u;
const TOKEN = /[\p{L}\p{N}]+/gu;
const URL = /(?:https?:\/\/|www\.)\S+/gu;
const SEPARATOR = /^[\s:\-–—|»«>.…،,)(]+/u;

const startsWithPhrase = (key: string, phrase: string): boolean =>
  key.startsWith(phrase) && !/[\p{L}\p{N}]/u.test(key.charAt(phrase.length));

export type LineKind =
  | { kind: 'marker'; rest: string }
  | { kind: 'source'; outlet: string }
  | { kind: 'end' }
  | { kind: 'clutter' }
  | { kind: 'content' };

/** The display text after the first `words` words of `line`, without leading separators. */
function afterWords(line: string, words: number): string {
  const parts = line.replace(LEADING_NOISE, '').split(' ');
  return parts.slice(words).join(' ').replace(SEPARATOR, '').trim();
}

function markerKind(line: string, key: string): LineKind | null {
  const marker = MARKERS.find((m) => startsWithPhrase(key, m));
  if (marker === undefined) return null;
  const tail = key.slice(marker.length);
  const restKey = tail.replace(SEPARATOR, '');
  if (AMBIGUOUS_MARKERS.has(marker) && restKey !== '') {
    // "Related: …" and "More from Reuters" are markers; "Related to this, the minister said …" is not.
    const separated = /^\s*[:\-–—|]/u.test(tail);
    const shortMoreFrom = marker === 'more from' && (restKey.match(TOKEN)?.length ?? 0) <= 4;
    if (!separated && !shortMoreFrom) return null;
    if (marker === 'more from') return { kind: 'marker', rest: '' };
  }
  if ((key.match(TOKEN)?.length ?? 0) > 40) return null;
  return { kind: 'marker', rest: afterWords(line, marker.split(' ').length) };
}

/** "المصدر: الجزيرة", "المصدر : وكالات", "Source: Reuters". */
function sourceKind(line: string, key: string): LineKind | null {
  const m = /^(?:المصدر|مصدر|source)\s*[:\-–—]\s*(\S.*)$/u.exec(key);
  if (m === null || (m[1]?.match(TOKEN)?.length ?? 0) > 8) return null;
  const colon = line.search(/[:\-–—]/u);
  const outlet = line
    .slice(colon + 1)
    .trim()
    .replace(/[.\s]+$/u, '');
  return outlet === '' ? null : { kind: 'source', outlet };
}

function clutterOrEnd(key: string, fullKey: string, tokens: string[]): LineKind | null {
  if (fullKey.includes('©') || key.includes('جميع الحقوق محفوظه') || key.includes('all rights reserved')) {
    return tokens.length <= 20 ? { kind: 'end' } : null;
  }
  if (tokens.length === 1 && tokens[0] === 'انتهي') return { kind: 'end' };
  if (tokens.length > 10) return null;
  const withoutUrls = key.replace(URL, ' ');
  const phrase = CLUTTER_PHRASES.find((p) => startsWithPhrase(withoutUrls, p));
  if (phrase !== undefined) {
    const rest = withoutUrls.slice(phrase.length).match(TOKEN) ?? [];
    if (rest.length <= 3) return { kind: 'clutter' };
  }
  const words = withoutUrls.match(TOKEN) ?? [];
  if (words.length > 0 && SHARE_WORDS.has(words[0] ?? '') && words.every((w) => SOCIAL_WORDS.has(w))) {
    return { kind: 'clutter' };
  }
  if (words.length > 0 && words.length <= 4 && words.every((w) => SOCIAL_WORDS.has(w)))
    return { kind: 'clutter' };
  return null;
}

/** Classifies one normalised line given its search key (already `keyOfNormalised`). */
export function classifyLine(line: string, key: string): LineKind {
  const trimmedKey = key.replace(LEADING_NOISE, '');
  const tokens = trimmedKey.match(TOKEN) ?? [];
  return (
    markerKind(line, trimmedKey) ??
    sourceKind(line, trimmedKey) ??
    clutterOrEnd(trimmedKey, key, tokens) ?? { kind: 'content' }
  );
}
