/**
 * Real S3 puts object keys into event notifications form-encoded, the way Java's
 * `URLEncoder.encode(key, "UTF-8")` does — except that `/` is left as is. Consumers therefore
 * decode with "`+` is a space, then percent-decoding" (the ingest function's first step). The
 * local S3 server encodes keys here the same way, to keep that decoding path honest.
 */

/** Bytes URLEncoder leaves alone: ASCII letters, digits, `.`, `-`, `_`, `*`; and S3 keeps `/`. */
const isKeptAsIs = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  byte === 0x2e || // .
  byte === 0x2d || // -
  byte === 0x5f || // _
  byte === 0x2a || // *
  byte === 0x2f; // /

const SPACE = 0x20;

/** Encodes an object key exactly as S3 writes `s3.object.key` in an event notification. */
export function encodeS3EventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    if (isKeptAsIs(byte)) encoded += String.fromCharCode(byte);
    else if (byte === SPACE) encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
