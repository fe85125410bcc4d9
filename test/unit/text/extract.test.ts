import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EmptyArticleError, UnsupportedTypeError } from '../../../lib/errors.ts';
import { chooseFormat, extractDocument } from '../../../lib/text/extract/index.ts';
import { docx, newsPageHtml, pdf, zip } from '../../support/documents.ts';
import { scrapedArticleBytes } from '../../support/fixtures.ts';

const fixture = scrapedArticleBytes();
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('chooseFormat', () => {
  const html = Buffer.from('<!DOCTYPE html><html><body><p>x</p></body></html>');
  const text = Buffer.from('نص');

  it.each([
    ['text/plain; charset=utf-8', 'a.bin', 'text'],
    ['text/markdown', 'a', 'markdown'],
    ['text/html; charset=windows-1256', 'a.txt', 'html'],
    ['application/xhtml+xml', 'a', 'html'],
  ] as const)('trusts the content type %s first', (contentType, key, format) => {
    expect(chooseFormat(text, { contentType, key })).toBe(format);
  });

  it.each([
    ['a.txt', 'text'],
    ['dir/a.TEXT', 'text'],
    ['news/مقال.md', 'markdown'],
    ['a.markdown', 'markdown'],
    ['a.htm', 'html'],
    ['a.html', 'html'],
    ['a.xhtml', 'html'],
  ] as const)('falls back to the extension of %s when the type is octet-stream', (key, format) => {
    expect(chooseFormat(text, { contentType: 'application/octet-stream', key })).toBe(format);
    expect(chooseFormat(text, { contentType: null, key })).toBe(format);
  });

  it('sniffs an HTML start when neither type nor extension says anything', () => {
    expect(chooseFormat(html, { contentType: 'binary/octet-stream', key: 'upload' })).toBe('html');
    expect(chooseFormat(text, { contentType: null, key: 'upload' })).toBe('text');
  });

  it('lets binary magic numbers win over a wrong extension or type', () => {
    expect(chooseFormat(pdf({ pages: [[['x']]] }), { contentType: 'text/plain', key: 'a.txt' })).toBe('pdf');
    expect(chooseFormat(docx([{ text: 'x' }]), { contentType: null, key: 'a.txt' })).toBe('docx');
  });

  it.each([
    ['PNG bytes named .txt', PNG, 'text/plain', 'a.txt', /PNG image/],
    ['a plain ZIP', zip([{ name: 'a.txt', data: 'x' }]), null, 'a.zip', /ZIP archive that is not a Word/],
    ['a gzip stream', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), null, 'a.txt', /gzip/],
    [
      'a legacy .doc',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]),
      null,
      'a.doc',
      /OLE2/,
    ],
    ['text declared as an image', text, 'image/jpeg', 'a.txt', /image/],
  ])('refuses %s as unsupported_type, naming what it is', (_name, bytes, contentType, key, message) => {
    expect(() => chooseFormat(bytes, { contentType, key })).toThrow(UnsupportedTypeError);
    expect(() => chooseFormat(bytes, { contentType, key })).toThrow(message);
  });

  it('sends a ZIP declared as DOCX to the DOCX reader, which explains what is wrong with it', async () => {
    const bytes = zip([{ name: 'a.txt', data: 'x' }]);
    expect(chooseFormat(bytes, { contentType: DOCX_TYPE, key: 'a' })).toBe('docx');
    await expect(extractDocument(bytes, { contentType: DOCX_TYPE, key: 'a' })).rejects.toThrow(
      /without word\/document\.xml/,
    );
  });
});

describe('extractDocument for plain text', () => {
  it('decodes the Arabic fixture and leaves structure to the later stages', async () => {
    const out = await extractDocument(fixture, {
      contentType: 'text/plain',
      key: 'incoming/ar-scraped-news.txt',
    });
    expect(out).toEqual({
      format: 'text',
      text: fixture.toString('utf8'),
      title: null,
      publishedAt: null,
      outlet: null,
      encoding: 'utf-8',
    });
  });

  it('honours a charset in the content type for a legacy file', async () => {
    const bytes = iconv.encode('Déjà vu', 'windows-1252');
    const out = await extractDocument(bytes, { contentType: 'text/plain; charset=iso-8859-1', key: 'a.txt' });
    expect(out.text).toBe('Déjà vu');
    expect(out.encoding).toBe('windows-1252');
  });

  it('refuses an empty upload as empty', async () => {
    await expect(extractDocument(Buffer.from('  \n '), { contentType: null, key: 'a.txt' })).rejects.toThrow(
      EmptyArticleError,
    );
  });
});

describe('extractDocument for Markdown', () => {
  const source = [
    '---',
    'layout: post',
    '---',
    '# الإنتربول **يحذر** من الاتجار بالبشر',
    '',
    'حذرت *وكالة الشرطة الدولية* من [عمليات الاحتيال](https://example.com/a "رابط") ![صورة](a.png)',
    'في مراكز إلكترونية.',
    '',
    '## خلفية',
    '',
    '- الضحايا من 66 دولة',
    '1. مراكز في آسيا',
    '',
    '> قال المتحدث: "أزمة عالمية"',
    '',
    '| الدولة | العدد |',
    '|---|---:|',
    '| مصر | 3 |',
    '',
    '```',
    'const keep = "as text";',
    '```',
    '',
    '---',
    '',
    'نص <b>بعلامات</b> HTML و snake_case و 2*3*4 و \\*نجمة\\* &amp; كيان.',
    '',
    '[ref]: https://example.com',
  ].join('\n');

  it('strips markup, keeps paragraphs and lines, and takes the first # headline as the title', async () => {
    const out = await extractDocument(Buffer.from(source), { contentType: null, key: 'news/a.md' });
    expect(out.format).toBe('markdown');
    expect(out.title).toBe('الإنتربول يحذر من الاتجار بالبشر');
    expect(out.text).toBe(
      [
        'حذرت وكالة الشرطة الدولية من عمليات الاحتيال\nفي مراكز إلكترونية.',
        'خلفية',
        'الضحايا من 66 دولة\nمراكز في آسيا',
        'قال المتحدث: "أزمة عالمية"',
        'الدولة العدد\nمصر 3',
        'const keep = "as text";',
        'نص بعلامات HTML و snake_case و 2*3*4 و *نجمة* & كيان.',
      ].join('\n\n'),
    );
  });

  it('reads a setext (=== underlined) headline as the title too', async () => {
    const out = await extractDocument(Buffer.from('Headline\n========\n\nBody text.'), {
      contentType: 'text/markdown',
      key: 'a',
    });
    expect(out).toMatchObject({ title: 'Headline', text: 'Body text.' });
  });
});

describe('extractDocument for HTML sniffed from bytes', () => {
  it('reads an HTML page uploaded without type or extension as HTML', async () => {
    const out = await extractDocument(Buffer.from(newsPageHtml()), { contentType: null, key: 'upload' });
    expect(out.format).toBe('html');
  });
});
