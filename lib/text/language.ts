/**
 * Script-based language guessing. `\w` and `\b` do not match Arabic in JS regular expressions,
 * so everything here uses Unicode script properties or code points.
 */

const LETTER = /\p{L}/gu;
// Only letters count on both sides: Arabic-script digits, marks and punctuation are not letters.
const ARABIC_LETTER = /(?=\p{L})\p{Script=Arabic}/gu;
const LATIN_LETTER = /(?=\p{L})\p{Script=Latin}/gu;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** Share of the letters in `text` that are Arabic-script and Latin-script (0 when there are no letters). */
export function scriptRatio(text: string): { arabic: number; latin: number } {
  const letters = count(text, LETTER);
  if (letters === 0) return { arabic: 0, latin: 0 };
  return { arabic: count(text, ARABIC_LETTER) / letters, latin: count(text, LATIN_LETTER) / letters };
}

/**
 * Letters that tell Arabic-script languages apart. Arabic writes ة ي ك ى; Persian and Urdu write
 * ک ی (and پ چ ژ گ, which Arabic lacks); only Urdu writes ٹ ڈ ڑ ں ے ۓ ہ ھ.
 */
export interface ArabicScriptEvidence {
  arabic: number;
  persian: number;
  urdu: number;
}

const ARABIC_ONLY = [0x0629, 0x064a, 0x0643, 0x0649];
const PERSIAN = [0x06a9, 0x06cc, 0x067e, 0x0686, 0x0698, 0x06af];
const URDU_ONLY = [0x0679, 0x0688, 0x0691, 0x06ba, 0x06d2, 0x06d3, 0x06c1, 0x06be];
// Kind per code point of U+0600–06FF: 1 Arabic-only, 2 Persian, 3 Urdu-only.
const EVIDENCE_KIND = new Uint8Array(0x100);
for (const c of ARABIC_ONLY) EVIDENCE_KIND[c - 0x0600] = 1;
for (const c of PERSIAN) EVIDENCE_KIND[c - 0x0600] = 2;
for (const c of URDU_ONLY) EVIDENCE_KIND[c - 0x0600] = 3;

/** Counts the distinguishing letters; one linear scan over code units. */
export function arabicScriptEvidence(text: string): ArabicScriptEvidence {
  let arabic = 0;
  let persian = 0;
  let urdu = 0;
  const kinds = EVIDENCE_KIND;
  for (let i = 0; i < text.length; i += 1) {
    const offset = text.charCodeAt(i) - 0x0600;
    if (offset < 0 || offset >= 0x100) continue;
    const kind = kinds[offset];
    if (kind === 1) arabic += 1;
    else if (kind === 2) persian += 1;
    else if (kind === 3) urdu += 1;
  }
  return { arabic, persian, urdu };
}

/**
 * Which Arabic-script language the letters point to. Ties go to Arabic: a document with as many
 * Arabic-only letters as Persian ones is an Arabic text typed on a Persian keyboard.
 */
export function arabicScriptLanguage(evidence: ArabicScriptEvidence): 'ar' | 'fa' | 'ur' {
  const other = evidence.persian + evidence.urdu;
  if (evidence.arabic >= other) return 'ar';
  // Urdu uses ہ/ے/ں in almost every sentence; Persian text has none of them.
  return evidence.urdu * 10 >= other ? 'ur' : 'fa';
}

/**
 * `ar`, `fa` or `ur` when Arabic-script letters are at least as many as Latin letters, `en` when
 * Latin letters win, `null` when the text has neither (no letters at all, or only other scripts).
 * Ties go to the Arabic script: the service is Arabic-first and an even mix is almost always an
 * Arabic article quoting English names.
 */
export function detectLanguage(text: string): string | null {
  const { arabic, latin } = scriptRatio(text);
  if (arabic === 0 && latin === 0) return null;
  if (arabic < latin) return 'en';
  return arabicScriptLanguage(arabicScriptEvidence(text));
}
