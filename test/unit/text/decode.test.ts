import { describe, expect, it } from 'vitest';
import { EmptyArticleError, UndecodableError, UnsupportedTypeError } from '../../../lib/errors.ts';
import { decodeBytes } from '../../../lib/text/decode.ts';

const arabic = 'الهيئة الإقليمية للمياه تحذر من تراجع المخزون الجوفي\nنص الخبر.';
const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => {
  const le = utf16le(s);
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return le;
};

describe('decodeBytes', () => {
  it('reads UTF-8 without a BOM', () => {
    expect(decodeBytes(Buffer.from(arabic))).toEqual({ text: arabic, encoding: 'utf-8' });
  });

  it('drops a UTF-8 BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(arabic)]);
    expect(decodeBytes(bytes)).toEqual({ text: arabic, encoding: 'utf-8' });
  });

  it('reads UTF-16LE and UTF-16BE with their BOMs', () => {
    expect(decodeBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(arabic)])).text).toBe(arabic);
    expect(decodeBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(arabic)])).text).toBe(arabic);
  });

  it('recognises UTF-16LE without a BOM from its NUL pattern', () => {
    expect(decodeBytes(utf16le(arabic))).toEqual({ text: arabic, encoding: 'utf-16le' });
  });

  it.each([
    ['zero bytes', Buffer.alloc(0)],
    ['only whitespace', Buffer.from(' \n\t\r\n  ')],
  ])('refuses %s as empty', (_name, bytes) => {
    expect(() => decodeBytes(bytes)).toThrow(EmptyArticleError);
  });

  it.each([
    ['PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0])],
    ['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n')],
    ['random binary with NULs', Buffer.from([1, 0, 0, 0, 7, 0, 0, 200, 0, 0, 3, 3, 0, 0, 0, 9])],
  ])('refuses %s as an unsupported type', (_name, bytes) => {
    expect(() => decodeBytes(bytes)).toThrow(UnsupportedTypeError);
  });

  it('refuses bytes that are not UTF-8 and not UTF-16 as undecodable', () => {
    expect(() => decodeBytes(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x41]))).toThrow(UndecodableError);
  });
});
