import { describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';

/** The decoding S3 documents for consumers of event notifications: `+` is a space, then percent-decoding. */
const decodeLikeConsumers = (encoded: string): string => decodeURIComponent(encoded.replaceAll('+', ' '));

describe('encodeS3EventKey', () => {
  it('leaves letters, digits, ". - _ *" and "/" as they are', () => {
    expect(encodeS3EventKey('incoming/2025-07_a.b*c.txt')).toBe('incoming/2025-07_a.b*c.txt');
  });

  it('turns spaces into "+" and percent-encodes Arabic as uppercase UTF-8 bytes', () => {
    expect(encodeS3EventKey('incoming/تقرير 1.txt')).toBe('incoming/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1+1.txt');
  });

  it('encodes a literal "+" as %2B so it cannot be mistaken for a space', () => {
    expect(encodeS3EventKey('some+key.txt')).toBe('some%2Bkey.txt');
  });

  it('encodes "%" as %25', () => {
    expect(encodeS3EventKey('100%.txt')).toBe('100%25.txt');
  });

  it('encodes parentheses, as a browser download suffix "(1)" has them', () => {
    expect(encodeS3EventKey('report (1).txt')).toBe('report+%281%29.txt');
  });

  it('encodes ":" and the other reserved ASCII characters URLEncoder escapes', () => {
    expect(encodeS3EventKey("a:b!~'=&?#,;@$")).toBe('a%3Ab%21%7E%27%3D%26%3F%23%2C%3B%40%24');
  });

  it('encodes an emoji as its four UTF-8 bytes', () => {
    expect(encodeS3EventKey('news/📰.txt')).toBe('news/%F0%9F%93%B0.txt');
  });

  it('round-trips through the consumers’ decoding for a mixed Arabic key', () => {
    const key = 'incoming/الإنتربول يحذر (2) + 100% : تقرير.txt';

    const decoded = decodeLikeConsumers(encodeS3EventKey(key));

    expect(decoded).toBe(key);
  });
});
