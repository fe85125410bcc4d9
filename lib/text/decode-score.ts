/**
 * Judging a decoding: how Arabic, Latin or garbled a candidate text reads, and the repair of
 * UTF-8 that was read as windows-1252 and saved again as UTF-8.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isArabicLetter = (c: number) =>
  (c >= 0x0620 && c <= 0x064a) ||
  (c >= 0x066e && c <= 0x06d3) ||
  (c >= 0x06fa && c <= 0x06ff) ||
  (c >= 0xfb50 && c <= 0xfdff) ||
  (c >= 0xfe70 && c <= 0xfefc);
const isArabicMark = (c: number) => (c >= 0x064b && c <= 0x0652) || c === 0x0670;
const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Latin-1 letters (À–ÿ without × ÷): the tell-tale of Arabic bytes read in a Latin code page. */
const isLatin1Letter = (c: number) => c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7;
const isBadControl = (c: number) =>
  (c >= 0x80 && c <= 0x9f) || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c);
/** Letters of scripts no article here uses: what UTF-16 misreads of 8-bit text turn into. */
const isForeign = (c: number) =>
  (c >= 0x0250 && c < 0x0600) || (c >= 0x0700 && c < 0x2000) || (c >= 0x2c00 && c < 0xfb50);

export interface Score {
  arabic: number;
  ascii: number;
  latin1: number;
  /** Replacement characters, C1/C0 controls, Latin-1 letters touching Arabic ones, stray marks, foreign script. */
  bad: number;
}

export function scoreText(text: string): Score {
  let arabic = 0;
  let ascii = 0;
  let latin1 = 0;
  let bad = 0;
  let prev = 0x20;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isArabicLetter(c)) {
      arabic++;
      if (isLatin1Letter(prev)) bad++;
    } else if (isAsciiLetter(c)) ascii++;
    else if (isLatin1Letter(c)) {
      latin1++;
      if (isArabicLetter(prev)) bad++;
    } else if (isArabicMark(c)) {
      // A harakah belongs on a letter (or on another mark, e.g. shadda + fatha), never after a space.
      if (!isArabicLetter(prev) && !isArabicMark(prev)) bad++;
    } else if (c === 0xfffd || isBadControl(c) || isForeign(c)) bad++;
    prev = c;
  }
  return { arabic, ascii, latin1, bad };
}

/** Arabic text that reads cleanly: real Arabic letters, Arabic the main script, no garbage. */
export function isCleanArabic(s: Score): boolean {
  const letters = s.arabic + s.ascii + s.latin1;
  return s.arabic >= 3 && s.arabic >= 0.3 * letters && s.bad <= s.arabic * 0.01;
}

/** Latin text in windows-1252: mostly ASCII letters, accents rare, nothing undefined. */
export function isPlausibleLatin(s: Score): boolean {
  const letters = s.arabic + s.ascii + s.latin1;
  return s.bad === 0 && s.arabic === 0 && s.ascii >= 3 && s.latin1 <= 0.3 * letters;
}

// Mojibake: UTF-8 bytes read as windows-1252 and saved again as UTF-8 ("Ø§Ù„…").

/** windows-1252's 0x80–0x9F block, by the character each byte shows as. */
const CP1252_HIGH: ReadonlyMap<number, number> = new Map(
  [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
    0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
    0x0153, 0, 0x017e, 0x0178,
  ]
    .map((ch, i) => [ch, 0x80 + i] as [number, number])
    .filter(([ch]) => ch !== 0),
);

/** Ø Ù Ú Û (the lead bytes D8–DB of Arabic UTF-8) followed by what a continuation byte shows as. */
const MOJIBAKE_HINT =
  /[\u00d8-\u00db][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

export function repairMojibake(text: string): string | null {
  if (!MOJIBAKE_HINT.test(text)) return null;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Tools that replace windows-1252's undefined bytes lose 0x81 as U+FFFD; after Ù (0xD9) that
    // byte is almost always ف (D9 81), the only common Arabic letter whose UTF-8 hits such a hole.
    const lost = c === 0xfffd && text.charCodeAt(i - 1) === 0xd9 ? 0x81 : undefined;
    const b = c <= 0xff ? c : (CP1252_HIGH.get(c) ?? lost);
    if (b === undefined) return null; // a character no Latin reading could have produced
    bytes[i] = b;
  }
  let repaired: string;
  try {
    repaired = utf8.decode(bytes);
  } catch {
    return null;
  }
  return isCleanArabic(scoreText(repaired)) ? repaired : null;
}
