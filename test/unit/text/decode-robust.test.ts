import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { UnsupportedTypeError } from '../../../lib/errors.ts';
import { decodeBytes } from '../../../lib/text/decode.ts';
import { extractDocument } from '../../../lib/text/extract/index.ts';

const arabic = 'أعلنت وزارة الصحة اليوم عن حملة تطعيم جديدة تشمل جميع المحافظات.';
const english = 'The ministry announced a new vaccination campaign covering every province today.';

describe('decodeBytes on damaged text', () => {
  it.each([
    ['Arabic', arabic],
    ['English', english],
  ])('reads %s UTF-8 with a few NUL bytes as text, without the NULs', (_name, text) => {
    const bytes = Buffer.concat([
      Buffer.from(text),
      Buffer.from([0]),
      Buffer.from(`\n${text}`),
      Buffer.from([0]),
    ]);

    const out = decodeBytes(bytes);

    expect(out.text).toBe(`${text}\n${text}`);
  });

  it('refuses binary data that has only a few NULs but every other control byte as well', () => {
    // Every byte value in turn: 16 NULs in 4 KiB, under the stray-NUL share, but a tenth control bytes.
    const everyByte = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));

    expect(() => decodeBytes(everyByte)).toThrow(UnsupportedTypeError);
  });

  it('keeps a text with a few NULs, tabs and line ends among its words', () => {
    const text = `بداية النص.\t${'جملة عربية كتبها فريق خلاصة للاختبار.\n'.repeat(30)}نهاية النص.`;
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, 40)),
      Buffer.from([0]),
      Buffer.from(text.slice(40)),
    ]);

    expect(decodeBytes(bytes).text).toBe(text);
  });

  it('still refuses bytes with many NULs as binary', () => {
    const bytes = Buffer.alloc(400, 0);
    bytes.write('hello world', 0);
    bytes[301] = 0x41;

    expect(() => decodeBytes(bytes)).toThrow(UnsupportedTypeError);
  });

  it.each([
    ['ELF', [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]],
  ])('still refuses a %s file that is otherwise text-like', (_name, magic) => {
    const bytes = Buffer.concat([Buffer.from(magic), Buffer.from(english)]);

    expect(() => decodeBytes(bytes)).toThrow(UnsupportedTypeError);
  });

  it.each([
    ['Arabic', arabic],
    ['English with accents (café, naïve, déjà vu)', `${english} Café, naïve, déjà vu, Zürich, São Paulo.`],
  ])('reads %s UTF-8 with one invalid byte, replacing only that byte', (_name, text) => {
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xff]), Buffer.from(` ${text}`)]);

    const out = decodeBytes(bytes);

    expect(out.text).toBe(`${text}\uFFFD ${text}`);
    expect(out.encoding).toMatch(/^utf-8/);
  });

  it('still reads a windows-1256 file as windows-1256 (its bytes are not nearly UTF-8)', () => {
    const out = decodeBytes(iconv.encode(arabic, 'windows-1256'));

    expect(out).toEqual({ text: arabic, encoding: 'windows-1256' });
  });
});

describe('HTML charset declarations', () => {
  const czech =
    'Vláda schválila nový zákon o veřejných zakázkách, který začne platit příští rok. Žádné výjimky nebudou.';
  const padding = `<!-- ${'x'.repeat(2000)} -->`;

  it('honours a <meta charset> that comes after the first 1,024 bytes of the head', async () => {
    const html = `<!DOCTYPE html><html><head>${padding}<meta charset="windows-1250"><title>Zákon</title></head><body><article><p>${czech}</p><p>${czech}</p></article></body></html>`;

    const out = await extractDocument(iconv.encode(html, 'windows-1250'), {
      contentType: null,
      key: 'a.html',
    });

    expect(out.encoding).toBe('windows-1250');
    expect(out.text).toContain(czech);
  });

  it('honours the charset of the object Content-Type when the page declares none', async () => {
    const html = `<!DOCTYPE html><html><head><title>خبر</title></head><body><article><p>${arabic}</p><p>${arabic}</p></article></body></html>`;

    const out = await extractDocument(iconv.encode(html, 'windows-1256'), {
      contentType: 'text/html; charset=windows-1256',
      key: 'a.html',
    });

    expect(out.encoding).toBe('windows-1256');
    expect(out.text).toContain(arabic);
  });
});
