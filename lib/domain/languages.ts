/**
 * Language codes khulasa accepts (ISO 639, as `SUMMARY_LANGUAGES` and `?lang=` take them): any
 * code the runtime's ICU names, in any case. Pure; no imports.
 */
// Built on first use, not at import: loading ICU's language names costs a cold start 15–50 ms.
let names: Intl.DisplayNames | undefined;
// Codes ISO 639 reserves for "no language", "several", "uncoded" and "undetermined".
const NOT_A_LANGUAGE = new Set(['mis', 'mul', 'und', 'zxx']);

/** A few codes to show people next to a refused one. */
export const EXAMPLE_LANGUAGES = ['ar', 'en', 'fr', 'es', 'de', 'tr', 'fa', 'ur'] as const;

/**
 * ISO 639-1, the two-letter codes: checked without ICU, because the ingest function validates
 * `SUMMARY_LANGUAGES` at every cold start. Three-letter codes (rare here) ask ICU.
 */
const ISO_639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy ' +
    'da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu ' +
    'hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb ' +
    'lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om ' +
    'or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ' +
    'ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

/** `EN` → `en`; null unless `code` is an ISO 639-1 code or a three-letter code ICU knows (deprecated aliases such as `iw` are refused). */
export function knownLanguage(code: string): string | null {
  const lower = code.trim().toLowerCase();
  if (!/^[a-z]{2,3}$/.test(lower) || NOT_A_LANGUAGE.has(lower)) return null;
  if (lower.length === 2) return ISO_639_1.has(lower) ? lower : null;
  names ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  return names.of(lower) === undefined ? null : lower;
}
