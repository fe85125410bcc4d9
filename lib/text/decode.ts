import { createRequire } from 'node:module';
import { EmptyArticleError, UndecodableError, UnsupportedTypeError } from '../errors.ts';
import { isCleanArabic, isPlausibleLatin, repairMojibake, type Score, scoreText } from './decode-score.ts';

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

/** The part of iconv-lite we use; loaded only when a file is not UTF-8, to keep cold starts light. */
interface LegacyCodec {
  decode(bytes: Uint8Array, encoding: string): string;
  encodingExists(encoding: string): boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/** Magic numbers of formats that are never plain text, whatever the name says. */
const BINARY_SIGNATURES: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
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
  { name: 'ELF executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'Windows executable', bytes: [0x4d, 0x5a, 0x90, 0x00] },
  { name: 'WebAssembly module', bytes: [0x00, 0x61, 0x73, 0x6d] },
];

/** Text with NULs in at most this share of its bytes (or a handful in a short text) has stray NULs (dropped); more is binary. */
const MAX_STRAY_NULS = 16;
const MAX_STRAY_NUL_SHARE = 0.01;
/** Tab, line feed, vertical tab, form feed, carriage return, escape, substitute (DOS end of file). */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b]);
/** UTF-8 with invalid bytes still reads as UTF-8 when its valid multi-byte characters outnumber them this much. */
const MIN_VALID_PER_INVALID = 4;
/** Share of 2-byte units with a NUL on one side that makes BOM-less bytes UTF-16. */
const MIN_UTF16_NUL_SHARE = 0.05;
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

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

async function loadLegacyCodec(): Promise<LegacyCodec> {
  if (!legacyCodec) legacyCodec = (await import('iconv-lite')).default;
  return legacyCodec;
}

function legacyCodecSync(): LegacyCodec {
  if (!legacyCodec) legacyCodec = createRequire(import.meta.url)('iconv-lite') as LegacyCodec;
  return legacyCodec;
}

/** Thrown inside `decodeText` when the legacy codec is needed but not loaded yet. */
class LegacyCodecNeeded extends Error {}

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
  // A few NULs are strays in 8-bit text; UTF-16 has one in most ASCII characters (spaces, digits).
  if (Math.max(evenNul, oddNul) < MIN_UTF16_NUL_SHARE * (sample / 2)) return null;
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

/**
 * Bytes with a few NULs (a stray terminator, a copy-paste accident) minus those NULs; else binary.
 * Other C0 controls count with them: text has tabs, line ends and the odd escape, never a share of
 * control bytes, while binary data has every byte value.
 */
function withoutStrayNuls(bytes: Uint8Array): Uint8Array {
  let odd = 0;
  for (const b of bytes) if (b === 0 || (b < 0x20 && !TEXT_CONTROLS.has(b)) || b === 0x7f) odd++;
  const stray =
    odd <= MAX_STRAY_NUL_SHARE * bytes.length || (odd <= MAX_STRAY_NULS && odd * 20 <= bytes.length);
  if (!stray) {
    throw new UnsupportedTypeError('The file contains binary data, not text.');
  }
  return bytes.filter((b) => b !== 0);
}

/**
 * UTF-8 where it is valid — or nearly so: a few invalid bytes among many valid multi-byte
 * characters are a damaged UTF-8 file (each becomes U+FFFD), not a legacy code page. Else the
 * declared or best-scoring legacy encoding.
 */
function decodeSingleByteFamily(bytes: Uint8Array, options: DecodeOptions, codec: CodecAccess): DecodedText {
  const utf8Text = nearlyUtf8(bytes);
  if (utf8Text !== null) return utf8Text;
  const declared = options.declaredCharset ? canonicalCharset(options.declaredCharset) : null;
  return decodeLegacy(bytes, codec, declared);
}

/** Valid UTF-8 (one fatal pass, the common path), or UTF-8 with a few invalid bytes replaced; else null. */
function nearlyUtf8(bytes: Uint8Array): DecodedText | null {
  const text = tryDecode(utf8, bytes);
  if (text !== null) return { text, encoding: 'utf-8' };
  const lenient = lenientUtf8.decode(bytes);
  let invalid = 0;
  let multiByte = 0;
  for (let i = 0; i < lenient.length; i++) {
    const c = lenient.charCodeAt(i);
    if (c === 0xfffd) invalid++;
    else if (c >= 0x80 && !(c >= 0xdc00 && c <= 0xdfff)) multiByte++;
  }
  return multiByte > 0 && multiByte >= MIN_VALID_PER_INVALID * invalid
    ? { text: lenient, encoding: 'utf-8 (invalid bytes replaced)' }
    : null;
}

function throwUndecodable(mark: string, encoding: string): never {
  throw new UndecodableError(`The file starts with ${mark} but is not valid ${encoding}.`);
}

function decodeWith(bytes: Uint8Array, options: DecodeOptions, codec: CodecAccess): DecodedText {
  if (bytes.length === 0) throw new EmptyArticleError();

  const signature = binarySignature(bytes);
  if (signature) throw new UnsupportedTypeError(`The file is a ${signature}, not text.`);

  let decoded: DecodedText;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    decoded = nearlyUtf8(bytes.subarray(3)) ?? throwUndecodable('a UTF-8 BOM', 'UTF-8');
  } else if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const le = bytes[0] === 0xff;
    const text =
      tryDecode(le ? utf16le : utf16be, bytes.subarray(2)) ?? throwUndecodable('a UTF-16 BOM', 'UTF-16');
    decoded = { text, encoding: le ? 'utf-16le' : 'utf-16be' };
  } else if (bytes.includes(0)) {
    const guess = utf16Guess(bytes);
    const text = guess ? tryDecode(guess === 'utf-16le' ? utf16le : utf16be, bytes) : null;
    if (text !== null && guess) decoded = { text, encoding: guess };
    else decoded = decodeSingleByteFamily(withoutStrayNuls(bytes), options, codec);
  } else decoded = decodeSingleByteFamily(bytes, options, codec);

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
