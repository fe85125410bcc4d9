import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { UndecodableError, UnsupportedTypeError } from '../../../lib/errors.ts';
import { decodeBytes, decodeText } from '../../../lib/text/decode.ts';
import { scrapedArticle } from '../../support/fixtures.ts';

const original = scrapedArticle();
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return le;
};
/** UTF-8 bytes read as Latin-1 and saved again as UTF-8, as broken scrapers do. */
const latin1Mojibake = (s: string) => Buffer.from(Buffer.from(s, 'utf8').toString('latin1'), 'utf8');
/** The same through windows-1252 in a tool that turns its undefined bytes (0x81…) into U+FFFD. */
const cp1252Mojibake = (s: string) =>
  Buffer.from(iconv.decode(Buffer.from(s, 'utf8'), 'windows-1252'), 'utf8');

describe('decodeBytes on the Arabic fixture in every encoding it is found in', () => {
  it.each([
    ['windows-1256', iconv.encode(original, 'windows-1256'), 'windows-1256'],
    ['ISO-8859-6', iconv.encode(original, 'iso-8859-6'), 'iso-8859-6'],
    [
      'UTF-16LE with BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original, 'utf16le')]),
      'utf-16le',
    ],
    ['UTF-16LE without BOM', Buffer.from(original, 'utf16le'), 'utf-16le'],
    ['UTF-16BE without BOM', utf16be(original), 'utf-16be'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(original)]), 'utf-16be'],
    [
      'UTF-8 with BOM and CRLF',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(original.replace(/\n/g, '\r\n'))]),
      'utf-8',
    ],
  ])('reads %s back to the UTF-8 original', (_name, bytes, encoding) => {
    const decoded = decodeBytes(bytes);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text.replace(/\r\n/g, '\n')).toBe(original);
  });

  it('tells ISO-8859-6 from windows-1256 although both read most Arabic bytes alike', () => {
    const sample = 'قال المتحدث باسم الشرطة: لن نسمح بذلك، وكل من يخالف يُحاسب.';
    expect(decodeBytes(iconv.encode(sample, 'iso-8859-6'))).toEqual({ text: sample, encoding: 'iso-8859-6' });
    expect(decodeBytes(iconv.encode(sample, 'windows-1256'))).toEqual({
      text: sample,
      encoding: 'windows-1256',
    });
  });

  it('repairs UTF-8 read as Latin-1 (mojibake) back to the original Arabic', () => {
    const bytes = latin1Mojibake(original);
    expect(bytes.toString('utf8')).toContain('Ø§Ù');
    expect(decodeBytes(bytes)).toEqual({ text: original, encoding: 'utf-8 (repaired mojibake)' });
  });

  it('repairs windows-1252 mojibake whose undefined byte 0x81 became U+FFFD, restoring ف', () => {
    // Kasratan, damma and kasra (D9 8D/8F/90) are lost the same way and cannot be told from ف, so
    // this sample has none of them: that loss is a documented limit of the repair.
    const sample = original.replace(/[\u064d\u064f\u0650]/g, '');
    const bytes = cp1252Mojibake(sample);
    expect(bytes.toString('utf8')).toContain('Ù\ufffd');
    expect(decodeBytes(bytes)).toEqual({ text: sample, encoding: 'utf-8 (repaired mojibake)' });
  });

  it('leaves genuine Latin-1 text alone even when it contains Ø or Ù', () => {
    const text = 'Søren Ørsted went to Ùrbino — “naïve” café';
    expect(decodeBytes(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
  });

  it('reads an English windows-1252 file with curly quotes as windows-1252, not as Arabic', () => {
    const text = '“Smart quotes” aren’t ASCII – and the café’s résumé costs €5…';
    const decoded = decodeBytes(iconv.encode(text, 'windows-1252'));
    expect(decoded).toEqual({ text, encoding: 'windows-1252' });
  });

  it('honours a declared legacy charset when the bytes are not UTF-8', () => {
    const text = 'Déjà vu';
    expect(decodeBytes(iconv.encode(text, 'windows-1252'), { declaredCharset: 'ISO-8859-1' })).toEqual({
      text,
      encoding: 'windows-1252',
    });
  });

  it('prefers valid UTF-8 over a stale declared charset', () => {
    const text = 'عنوان الخبر';
    expect(decodeBytes(Buffer.from(text), { declaredCharset: 'windows-1256' })).toEqual({
      text,
      encoding: 'utf-8',
    });
  });

  it('refuses a GIF, a JPEG and a gzip stream by their magic numbers', () => {
    for (const bytes of [
      Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
      Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]),
    ]) {
      expect(() => decodeBytes(bytes)).toThrow(UnsupportedTypeError);
    }
  });

  it('refuses random high bytes that read as neither Arabic nor Latin text', () => {
    const noise = Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + ((i * 37) % 0x7f)));
    expect(() => decodeBytes(noise)).toThrow(UndecodableError);
  });
});

describe('decodeText', () => {
  it('gives the same answer as decodeBytes, loading the legacy codec only when needed', async () => {
    const bytes = iconv.encode(original, 'windows-1256');
    await expect(decodeText(bytes)).resolves.toEqual({ text: original, encoding: 'windows-1256' });
    await expect(decodeText(Buffer.from(original))).resolves.toEqual({ text: original, encoding: 'utf-8' });
  });
});
