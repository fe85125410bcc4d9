/**
 * Language codes khulasa accepts (ISO 639, as `SUMMARY_LANGUAGES` and `?lang=` take them): any
 * code the runtime's ICU names, in any case. Pure; no imports.
 */
// Built on first use, not at import: loading ICU's language names costs a cold start 15–50 ms, and
// the api needs them only for a request that names a language.
let names: Intl.DisplayNames | undefined;
// Codes ISO 639 reserves for "no language", "several", "uncoded" and "undetermined".
const NOT_A_LANGUAGE = new Set(['mis', 'mul', 'und', 'zxx']);

/** A few codes to show people next to a refused one. */
export const EXAMPLE_LANGUAGES = ['ar', 'en', 'fr', 'es', 'de', 'tr', 'fa', 'ur'] as const;

/** `EN` → `en`; null when `code` is not a two- or three-letter language code ICU knows. */
export function knownLanguage(code: string): string | null {
  const lower = code.trim().toLowerCase();
  if (!/^[a-z]{2,3}$/.test(lower) || NOT_A_LANGUAGE.has(lower)) return null;
  names ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  return names.of(lower) === undefined ? null : lower;
}
