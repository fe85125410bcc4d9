/**
 * Language codes khulasa accepts (ISO 639, as `SUMMARY_LANGUAGES` and `?lang=` take them): any
 * code the runtime's ICU names, in any case. Pure; no imports.
 */
const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
// Codes ISO 639 reserves for "no language", "several", "uncoded" and "undetermined".
const NOT_A_LANGUAGE = new Set(['mis', 'mul', 'und', 'zxx']);

/** A few codes to show people next to a refused one. */
export const EXAMPLE_LANGUAGES = ['ar', 'en', 'fr', 'es', 'de', 'tr', 'fa', 'ur'] as const;

/** `EN` → `en`; null when `code` is not a two- or three-letter language code ICU knows. */
export function knownLanguage(code: string): string | null {
  const lower = code.trim().toLowerCase();
  if (!/^[a-z]{2,3}$/.test(lower) || NOT_A_LANGUAGE.has(lower)) return null;
  return names.of(lower) === undefined ? null : lower;
}
