import { createRequire } from 'node:module';
import { EmptyArticleError, UndecodableError, UnsupportedTypeError } from '../errors.ts';

export interface DecodedText {
  text: string;
  /** The encoding the bytes were read as, e.g. `utf-8`, `utf-16le`, `windows-1256`. */
  encoding: string;
}

export interface DecodeOptions {
  /**
   * A charset the container declared (HTML `<meta charset>`, a `Content-Type` charset). It wins
   * over guessing, but not over a BOM or over bytes that are valid UTF-8 with non-ASCII text
   * (pages re-saved as UTF-8 keep their old declaration far more often than the reverse).
   */
  declaredCharset?: string | null;
}

/** The part of iconv-lite we use; loaded only when a file is not UTF-8 (issue 8, budget 2). */
interface LegacyCodec {
  decode(bytes: Uint8Array, encoding: string): string;
  encodingExists(encoding: string): boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/** Magic numbers of formats that are never plain text, whatever the name says. */
export const BINARY_SIGNATURES: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'WebP/RIFF file', bytes: [0x52, 0x49, 0x46, 0x46] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: 'PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'gzip archive', bytes: [0x1f, 0x8b] },
  { name: 'legacy Word/Office (OLE2) document', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { name: '7-Zip archive', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'RAR archive', bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
];

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

/** The name of the binary format the bytes start with, or null when they may be text. */
export function binarySignature(bytes: Uint8Array): string | null {
  return BINARY_SIGNATURES.find((s) => startsWith(bytes, s.bytes))?.name ?? null;
}

// ---------------------------------------------------------------------------------------------
// Lazy legacy codec. `decodeText` (async) loads it with a dynamic import so bundlers see it and
// a UTF-8 article never evaluates it; the synchronous `decodeBytes` falls back to `require`.

let legacyCodec: LegacyCodec | null = null;

export async function loadLegacyCodec(): Promise<LegacyCodec> {
  if (!legacyCodec) legacyCodec = (await import('iconv-lite')).default;
  return legacyCodec;
}

function legacyCodecSync(): LegacyCodec {
  if (!legacyCodec) legacyCodec = createRequire(import.meta.url)('iconv-lite') as LegacyCodec;
  return legacyCodec;
}

/** Thrown inside `decodeText` when the legacy codec is needed but not loaded yet. */
class LegacyCodecNeeded extends Error {}

// ---------------------------------------------------------------------------------------------
// Scoring candidates.

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

interface Score {
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
function isCleanArabic(s: Score): boolean {
  const letters = s.arabic + s.ascii + s.latin1;
  return s.arabic >= 3 && s.arabic >= 0.3 * letters && s.bad <= s.arabic * 0.01;
}

/** Latin text in windows-1252: mostly ASCII letters, accents rare, nothing undefined. */
function isPlausibleLatin(s: Score): boolean {
  const letters = s.arabic + s.ascii + s.latin1;
  return s.bad === 0 && s.arabic === 0 && s.ascii >= 3 && s.latin1 <= 0.3 * letters;
}

// ---------------------------------------------------------------------------------------------
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

function repairMojibake(text: string): string | null {
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

// ---------------------------------------------------------------------------------------------

/** NUL bytes mean binary unless they sit in the alternating positions of UTF-16 text. */
function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = Math.min(bytes.length, 4096) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNul += 1;
    if (bytes[i + 1] === 0) oddNul += 1;
  }
  if (sample === 0) return null;
  // Latin text in UTF-16 has a NUL in every other byte; Arabic (U+06xx) has 0x06 there instead,
  // so look for one side being consistently "high byte" shaped and the other never NUL.
  if (oddNul > 0 && evenNul === 0) return 'utf-16le';
  if (evenNul > 0 && oddNul === 0) return 'utf-16be';
  return null;
}

function tryDecode(decoder: { decode(input: Uint8Array): string }, bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** WHATWG: the Latin-1 and ASCII labels mean windows-1252; a few Arabic aliases. */
function canonicalCharset(label: string): string {
  const l = label.trim().toLowerCase();
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'cp1252'].includes(l))
    return 'windows-1252';
  if (['cp1256', 'x-cp1256'].includes(l)) return 'windows-1256';
  if (['arabic', 'iso8859-6', 'iso_8859-6', 'asmo-708', 'ecma-114'].includes(l)) return 'iso-8859-6';
  if (l === 'utf8') return 'utf-8';
  return l;
}

type CodecAccess = () => LegacyCodec;

/** Bytes without BOM or NULs that are not UTF-8: score every legacy reading, keep the clean one. */
function decodeLegacy(bytes: Uint8Array, codec: CodecAccess, declared: string | null): DecodedText {
  if (declared && declared !== 'utf-8' && !declared.startsWith('utf-16')) {
    const iconv = codec();
    if (iconv.encodingExists(declared)) return { text: iconv.decode(bytes, declared), encoding: declared };
  }
  const candidates: DecodedText[] = [];
  const iconv = codec();
  for (const encoding of ['windows-1256', 'iso-8859-6']) {
    candidates.push({ text: iconv.decode(bytes, encoding), encoding });
  }
  if (bytes.length % 2 === 0) {
    for (const [encoding, decoder] of [
      ['utf-16le', utf16le],
      ['utf-16be', utf16be],
    ] as const) {
      const text = tryDecode(decoder, bytes);
      if (text !== null) candidates.push({ text, encoding });
    }
  }
  let best: { candidate: DecodedText; score: Score } | null = null;
  for (const candidate of candidates) {
    const score = scoreText(candidate.text);
    if (!isCleanArabic(score)) continue;
    // Ties go to the earlier candidate: windows-1256 is by far the most common legacy Arabic file.
    if (!best || score.arabic - 10 * score.bad > best.score.arabic - 10 * best.score.bad) {
      best = { candidate, score };
    }
  }
  if (best) return best.candidate;

  const latin = iconv.decode(bytes, 'windows-1252');
  if (isPlausibleLatin(scoreText(latin))) return { text: latin, encoding: 'windows-1252' };
  throw new UndecodableError();
}

function decodeWith(bytes: Uint8Array, options: DecodeOptions, codec: CodecAccess): DecodedText {
  if (bytes.length === 0) throw new EmptyArticleError();

  const signature = binarySignature(bytes);
  if (signature) throw new UnsupportedTypeError(`The file is a ${signature}, not text.`);

  let decoded: DecodedText;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const text = tryDecode(utf8, bytes.subarray(3));
    if (text === null) throw new UndecodableError('The file starts with a UTF-8 BOM but is not valid UTF-8.');
    decoded = { text, encoding: 'utf-8' };
  } else if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const le = bytes[0] === 0xff;
    const text = tryDecode(le ? utf16le : utf16be, bytes.subarray(2));
    if (text === null)
      throw new UndecodableError('The file starts with a UTF-16 BOM but is not valid UTF-16.');
    decoded = { text, encoding: le ? 'utf-16le' : 'utf-16be' };
  } else if (bytes.includes(0)) {
    const guess = utf16Guess(bytes);
    const text = guess ? tryDecode(guess === 'utf-16le' ? utf16le : utf16be, bytes) : null;
    if (!guess || text === null) throw new UnsupportedTypeError('The file contains binary data, not text.');
    decoded = { text, encoding: guess };
  } else {
    // The common path: one fatal UTF-8 pass. Pure ASCII is valid in every candidate, so a
    // declared legacy charset only matters when this fails.
    const text = tryDecode(utf8, bytes);
    const declared = options.declaredCharset ? canonicalCharset(options.declaredCharset) : null;
    decoded = text !== null ? { text, encoding: 'utf-8' } : decodeLegacy(bytes, codec, declared);
  }

  if (decoded.encoding === 'utf-8') {
    const repaired = repairMojibake(decoded.text);
    if (repaired !== null) decoded = { text: repaired, encoding: 'utf-8 (repaired mojibake)' };
  }
  if (!/\S/.test(decoded.text)) throw new EmptyArticleError();
  return decoded;
}

/**
 * Bytes → text: BOM, then strict UTF-8 (with mojibake repair), then UTF-16 without BOM when the
 * NUL pattern says so, then legacy Arabic encodings chosen by scoring, then windows-1252 for
 * Latin text. Binary input is refused with `unsupported_type`, garbage with `undecodable`,
 * empty input with `empty`. Synchronous: loads iconv-lite with `require` on the legacy path;
 * prefer `decodeText`, which imports it lazily.
 */
export function decodeBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText {
  return decodeWith(bytes, options, legacyCodecSync);
}

/** Like `decodeBytes`, but imports iconv-lite with a dynamic `import()` only when a file needs it. */
export async function decodeText(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedText> {
  const loadedOnly: CodecAccess = () => {
    if (!legacyCodec) throw new LegacyCodecNeeded();
    return legacyCodec;
  };
  try {
    return decodeWith(bytes, options, loadedOnly);
  } catch (e: unknown) {
    if (!(e instanceof LegacyCodecNeeded)) throw e;
  }
  await loadLegacyCodec();
  return decodeWith(bytes, options, loadedOnly);
}
