import { EmptyArticleError, UndecodableError, UnsupportedTypeError } from '../errors.ts';

export interface DecodedText {
  text: string;
  /** The encoding the bytes were read as, e.g. `utf-8`, `utf-16le`. */
  encoding: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/** Magic numbers of formats that are never plain text, whatever the name says. */
const BINARY_SIGNATURES: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'gzip archive', bytes: [0x1f, 0x8b] },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

/** NUL bytes mean binary unless they sit in the alternating positions of UTF-16 text. */
function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = Math.min(bytes.length, 4096) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNul += 1;
    if (bytes[i + 1] === 0) oddNul += 1;
  }
  const pairs = sample / 2;
  if (pairs === 0) return null;
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

/**
 * Bytes → text: BOM first, then strict UTF-8, then UTF-16 without BOM when the NUL pattern says so.
 * Binary input is refused with `unsupported_type`, empty input with `empty`.
 */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new EmptyArticleError();

  const signature = BINARY_SIGNATURES.find((s) => startsWith(bytes, s.bytes));
  if (signature) throw new UnsupportedTypeError(`The file is a ${signature.name}, not text.`);

  let decoded: DecodedText | null = null;
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
    const text = tryDecode(utf8, bytes);
    if (text === null) throw new UndecodableError();
    decoded = { text, encoding: 'utf-8' };
  }

  if (decoded.text.trim().length === 0) throw new EmptyArticleError();
  return decoded;
}
