/**
 * Display-safe normalisation: the text that is stored, shown and summarised.
 *
 * One NFC pass, then one scan over the code units that copies clean runs as slices and only stops
 * at characters that need work (spaces, line breaks, invisible controls, tatweel, presentation
 * forms). Already-clean Arabic or ASCII text costs one table lookup per code unit. Two rare
 * follow-ups run only when the scan saw their trigger: Persian-letter folding (Arabic documents)
 * and a second NFC when an edit may have put combining marks next to each other.
 */
import { FOLDABLE_LETTER, foldPersianLetters } from './fold-persian.ts';
import { arabicScriptEvidence, arabicScriptLanguage } from './language.ts';

/** Copied as is; includes the ordinary space and LF, tidied afterwards by native replaces. */
const PLAIN = 0;
const SPACE = 1;
const NEWLINE = 2;
const CR = 3;
const REMOVE = 4;
const TATWEEL = 5;
const PRESENTATION = 6;
/** Kept by the scan but flagged: Persian letters that an Arabic document folds. */
const FOLDABLE = 7;
/** Kept by the scan but flagged: ZWNJ/ZWJ, dropped between Arabic letters of an Arabic document. */
const JOINER = 8;
const PARAGRAPH = 9;

const CLASS = buildClassTable();

function buildClassTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const set = (from: number, to: number, cls: number): void => {
    table.fill(cls, from, to + 1);
  };
  // C0 controls and DEL are never text; tab, vertical tab and form feed read as a space.
  set(0x00, 0x1f, REMOVE);
  set(0x7f, 0x7f, REMOVE);
  set(0x0a, 0x0a, PLAIN);
  for (const c of [0x09, 0x0b, 0x0c, 0xa0, 0x1680, 0x202f, 0x205f, 0x3000]) set(c, c, SPACE);
  set(0x2000, 0x200a, SPACE); // en quad … hair space, including the figure space U+2007
  set(0x85, 0x85, NEWLINE);
  set(0x2028, 0x2028, NEWLINE);
  set(0x0d, 0x0d, CR);
  set(0x2029, 0x2029, PARAGRAPH);
  // Zero-width space, LRM/RLM, Arabic letter mark, bidi embeddings/overrides/isolates, word joiner,
  // soft hyphen, BOM. Not all of \p{Cf}: U+0600–0605 and U+06DD are visible number signs.
  for (const c of [0x200b, 0x200e, 0x200f, 0x061c, 0x2060, 0x00ad, 0xfeff]) set(c, c, REMOVE);
  set(0x202a, 0x202e, REMOVE);
  set(0x2066, 0x2069, REMOVE);
  set(0x0640, 0x0640, TATWEEL);
  set(0xfb50, 0xfdff, PRESENTATION);
  set(0xfe70, 0xfefc, PRESENTATION);
  for (const c of [0x06a9, 0x06cc, 0x06c1, 0x06be]) set(c, c, FOLDABLE);
  set(0x200c, 0x200d, JOINER);
  return table;
}

// Arabic letters and marks of the main Arabic blocks (U+0600–08FF), for the tatweel rule.
const ARABIC_BASE = 0x0600;
const LETTER_KIND = 1;
const MARK_KIND = 2;
// Built on first use: the api folds filter values with this module and should not pay ~1 ms of
// Unicode-property regexes at every cold start.
let arabicKinds: Uint8Array | undefined;

function buildArabicKinds(): Uint8Array {
  const kinds = new Uint8Array(0x300);
  for (let i = 0; i < kinds.length; i += 1) {
    const ch = String.fromCharCode(ARABIC_BASE + i);
    if (/\p{L}/u.test(ch) && /\p{Script=Arabic}/u.test(ch)) kinds[i] = LETTER_KIND;
    else if (/\p{M}/u.test(ch)) kinds[i] = MARK_KIND;
  }
  kinds[0x0640 - ARABIC_BASE] = 0; // tatweel is a "letter" (Lm) of script Common: not a letter here
  return kinds;
}

const arabicKind = (c: number): number => {
  if (c < ARABIC_BASE || c >= 0x0900) return 0;
  arabicKinds ??= buildArabicKinds();
  return arabicKinds[c - ARABIC_BASE] ?? 0;
};

const MARK = /^\p{M}/u;
// Whether a code unit is a combining mark, answered by the regex once per code unit and then
// from this table: the scan asks after every edit, and a Unicode-property regex per ask is slow.
const markCache = new Int8Array(0x10000).fill(-1);
function isMarkUnit(c: number): boolean {
  let known = markCache[c] ?? -1;
  if (known === -1) {
    known = MARK.test(String.fromCharCode(c)) ? 1 : 0;
    markCache[c] = known;
  }
  return known === 1;
}

// Honorific ligatures that writers choose as one sign; NFKC would spell them out as whole phrases.
const KEEP_LIGATURES = new Set([0xfdfa, 0xfdfb, 0xfdfd]);
const presentationCache = new Map<number, string>();

/** A presentation form's base letters: per-character NFKC with the known exceptions. */
function basePresentation(c: number): string {
  const cached = presentationCache.get(c);
  if (cached !== undefined) return cached;
  const ch = String.fromCharCode(c);
  let base = ch;
  if (c === 0xfdfc) {
    base = 'ريال'; // NFKC spells the rial sign with the Persian yeh
  } else if (!KEEP_LIGATURES.has(c)) {
    // Isolated harakat (U+FE70–FE7F) and the shadda ligatures U+FC5E–FC63 gain a leading space.
    base = ch.normalize('NFKC').replace(/^ +/, '');
    if (base === '') base = ch;
  }
  presentationCache.set(c, base);
  return base;
}

export interface NormaliseOptions {
  /**
   * Whether this is an Arabic (not Persian or Urdu) document, which enables the Persian-letter
   * folding. Default: decided from the letters of the text itself.
   */
  arabic?: boolean;
}

const nextIsMark = (s: string, i: number): boolean => i < s.length && isMarkUnit(s.charCodeAt(i));

/**
 * The next character that survives the scan (skipping removed ones), as its base letter. `memo`
 * keeps the last answer: every start inside the same removable run has it, so runs of tatweel
 * and invisible controls are scanned once, not once per tatweel.
 */
function nextVisible(s: string, from: number, memo: { from: number; at: number; code: number }): number {
  if (from >= memo.from && from <= memo.at) return memo.code;
  let j = from;
  let code = 0;
  for (; j < s.length; j += 1) {
    const c = s.charCodeAt(j);
    const cls = CLASS[c];
    if (cls === REMOVE || cls === TATWEEL) continue;
    code = cls === PRESENTATION ? basePresentation(c).charCodeAt(0) : c;
    break;
  }
  memo.from = from;
  memo.at = j;
  memo.code = code;
  return code;
}

/**
 * Index of the next character that needs work. Kept tiny and monomorphic on purpose: it is the
 * only per-character code, so V8 optimises it early and it never deoptimises on a rare branch.
 */
function nextSpecial(s: string, from: number, table: Uint8Array): number {
  const n = s.length;
  for (let i = from; i < n; i += 1) {
    if (table[s.charCodeAt(i)] !== 0) return i;
  }
  return n;
}

/** The last code unit written so far; only the last two pieces can be empty-then-not, so this is O(1). */
function lastOutput(out: readonly string[]): number {
  for (let k = out.length - 1; k >= 0; k -= 1) {
    const piece = out[k] ?? '';
    if (piece !== '') return piece.charCodeAt(piece.length - 1);
  }
  return 0;
}

/** Character-level edits: one scan; clean runs are copied as slices, and a clean text is returned as is. */
function editCharacters(s: string): {
  text: string;
  renormalise: boolean;
  foldable: boolean;
  joiners: boolean;
} {
  const n = s.length;
  const out: string[] = [];
  let runStart = 0;
  let renormalise = false;
  let foldable = false;
  let joiners = false;
  const memo = { from: -1, at: -1, code: 0 };
  for (let i = nextSpecial(s, 0, CLASS); i < n; i = nextSpecial(s, i + 1, CLASS)) {
    const c = s.charCodeAt(i);
    switch (CLASS[c]) {
      case FOLDABLE:
        foldable = true;
        break;
      case JOINER:
        joiners = true;
        break;
      case SPACE:
        out.push(s.slice(runStart, i), ' ');
        runStart = i + 1;
        break;
      case CR:
        // CRLF: drop the CR and let the LF start the next run.
        if (i > runStart) out.push(s.slice(runStart, i));
        runStart = s.charCodeAt(i + 1) === 0x0a ? i + 1 : i;
        if (runStart === i) {
          out.push('\n');
          runStart = i + 1;
        }
        break;
      case NEWLINE:
        out.push(s.slice(runStart, i), '\n');
        runStart = i + 1;
        break;
      case PARAGRAPH:
        out.push(s.slice(runStart, i), '\n\n');
        runStart = i + 1;
        break;
      case REMOVE:
        // Only non-empty pieces: the tatweel rule reads the output's last character from them.
        if (i > runStart) out.push(s.slice(runStart, i));
        runStart = i + 1;
        if (nextIsMark(s, i + 1)) renormalise = true;
        break;
      case TATWEEL: {
        let end = i + 1;
        while (s.charCodeAt(end) === 0x0640) end += 1;
        // The rule looks at the output neighbours, so that a second pass decides the same way.
        const before = arabicKind(i > runStart ? s.charCodeAt(i - 1) : lastOutput(out));
        const after = arabicKind(nextVisible(s, end, memo));
        // Only a stretch inside a word goes; "هـ" (hijri) and "6 ـ 4 ـ 1959" keep theirs.
        if (before !== 0 && after === LETTER_KIND) {
          if (i > runStart) out.push(s.slice(runStart, i));
          runStart = end;
        }
        i = end - 1;
        break;
      }
      case PRESENTATION: {
        const base = basePresentation(c);
        if (base.length === 1 && base.charCodeAt(0) === c) break;
        out.push(s.slice(runStart, i), base);
        runStart = i + 1;
        if (!foldable && FOLDABLE_LETTER.test(base)) foldable = true;
        // A mapped mark, or a mapped letter followed by a mark, may need reordering or composing.
        if (isMarkUnit(base.charCodeAt(0)) || nextIsMark(s, i + 1)) renormalise = true;
        break;
      }
    }
  }
  if (runStart === 0) return { text: s, renormalise, foldable, joiners };
  out.push(s.slice(runStart));
  return { text: out.join(''), renormalise, foldable, joiners };
}

/**
 * Spaces and lines: collapse runs, trim lines, one blank line between paragraphs. Each step is a
 * native replace that only runs when its cheap literal check finds work.
 */
function tidyWhitespace(text: string): string {
  // One quick literal scan decides whether any of the replaces below has work to do.
  if (!/ [ \n]|\n[ \n]/.test(text)) return trimEnds(text);
  let t = text;
  if (t.includes('  ')) t = t.replace(/ {2,}/g, ' ');
  if (t.includes(' \n') || t.includes('\n ')) t = t.replace(/ ?\n ?/g, '\n');
  if (t.includes('\n\n\n')) t = t.replace(/\n{3,}/g, '\n\n');
  return trimEnds(t);
}

function trimEnds(t: string): string {
  // Trim the ends by hand: a `[ \n]+$` regex would try every space in the text.
  let start = 0;
  let end = t.length;
  while (start < end && (t.charCodeAt(start) === 0x20 || t.charCodeAt(start) === 0x0a)) start += 1;
  while (end > start && (t.charCodeAt(end - 1) === 0x20 || t.charCodeAt(end - 1) === 0x0a)) end -= 1;
  return start === 0 && end === t.length ? t : t.slice(start, end);
}

export function normaliseText(input: string, options: NormaliseOptions = {}): string {
  const edited = editCharacters(input.normalize('NFC'));
  let text = tidyWhitespace(edited.text);
  if (edited.renormalise) text = text.normalize('NFC');
  if (edited.foldable || edited.joiners) {
    const arabic = options.arabic ?? arabicScriptLanguage(arabicScriptEvidence(text)) === 'ar';
    if (arabic) text = foldPersianLetters(text);
  }
  return text;
}

/** Words: letters with their marks and digits, in any script. */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu)?.length ?? 0;
}
