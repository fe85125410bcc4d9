import { describe, expect, it } from 'vitest';
import { NoTextError, UndecodableError, UnsupportedTypeError } from '../../../lib/errors.ts';
import { extractDocument } from '../../../lib/text/extract/index.ts';
import { docx, docxBomb, pdf, zip } from '../../support/documents.ts';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('extractDocument for DOCX', () => {
  it('reads paragraphs and soft line breaks, taking the Title paragraph as the title', async () => {
    const bytes = docx([
      { text: 'الهيئة الإقليمية للمياه تحذر من تراجع المخزون الجوفي', style: 'Title' },
      { text: 'حذرت وكالة الشرطة الدولية من عمليات الاتجار بالبشر.' },
      { text: '', lines: ['السطر الأول', 'السطر الثاني'] },
      { text: 'خلفية', style: 'Heading2' },
      { text: 'المصدر: الجزيرة' },
    ]);
    const out = await extractDocument(bytes, { contentType: DOCX_TYPE, key: 'a.docx' });
    expect(out).toEqual({
      format: 'docx',
      title: 'الهيئة الإقليمية للمياه تحذر من تراجع المخزون الجوفي',
      text: 'حذرت وكالة الشرطة الدولية من عمليات الاتجار بالبشر.\n\nالسطر الأول\nالسطر الثاني\n\nخلفية\n\nالمصدر: الجزيرة',
      publishedAt: null,
      outlet: null,
      encoding: null,
    });
  });

  it('takes a Heading 1 as the title when there is no Title paragraph', async () => {
    const bytes = docx([{ text: 'Headline', style: 'Heading1' }, { text: 'Body.' }]);
    const out = await extractDocument(bytes, { contentType: 'application/octet-stream', key: 'upload.docx' });
    expect(out).toMatchObject({ title: 'Headline', text: 'Body.' });
  });

  it('refuses a zip bomb from its central directory before inflating it', async () => {
    const bomb = docxBomb(60);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const attempt = extractDocument(bomb, { contentType: null, key: 'bomb.docx' });
    await expect(attempt).rejects.toThrow(UnsupportedTypeError);
    await expect(extractDocument(bomb, { contentType: null, key: 'bomb.docx' })).rejects.toThrow(
      /decompresses to \d+ bytes/,
    );
  });

  it('refuses a DOCX whose directory declares a size beyond the limit, whatever its content', async () => {
    const entries = [{ name: 'word/document.xml', data: '<w:document/>', declaredSize: 0xfffffffe }];
    await expect(extractDocument(zip(entries), { contentType: DOCX_TYPE, key: 'a.docx' })).rejects.toThrow(
      /decompresses to 4294967294 bytes/,
    );
  });

  it('reports a truncated DOCX as unsupported_type with a clear message, not a crash', async () => {
    const whole = docx([{ text: 'x' }]);
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const attempt = extractDocument(truncated, { contentType: DOCX_TYPE, key: 'a.docx' });
    await expect(attempt).rejects.toThrow(UnsupportedTypeError);
    await expect(extractDocument(truncated, { contentType: DOCX_TYPE, key: 'a.docx' })).rejects.toThrow(
      /DOCX file is damaged/,
    );
  });

  it('reports a DOCX whose document part is not XML as damaged', async () => {
    const bytes = zip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: 'not xml at all <<<' },
    ]);
    await expect(extractDocument(bytes, { contentType: null, key: 'a.docx' })).rejects.toThrow(
      /DOCX file is damaged/,
    );
  });
});

describe('extractDocument for PDF', () => {
  it('reads the text layer page by page, joining the lines of a paragraph', async () => {
    const bytes = pdf({
      title: 'Interpol warns of human trafficking',
      pages: [
        [
          ['Interpol warns of human trafficking'],
          ['The international police agency warned that a growing', 'number of countries is affected.'],
          ['Victims come from 66 countries.'],
        ],
        [['Second page paragraph.']],
      ],
    });
    const out = await extractDocument(bytes, { contentType: 'application/pdf', key: 'a.pdf' });
    expect(out).toEqual({
      format: 'pdf',
      title: 'Interpol warns of human trafficking',
      text: 'The international police agency warned that a growing number of countries is affected.\n\nVictims come from 66 countries.\n\nSecond page paragraph.',
      publishedAt: null,
      outlet: null,
      encoding: null,
    });
  });

  it('reads PDF bytes uploaded with a .txt name as a PDF', async () => {
    const out = await extractDocument(pdf({ pages: [[['Plain words.']]] }), {
      contentType: 'text/plain',
      key: 'a.txt',
    });
    expect(out).toMatchObject({ format: 'pdf', title: null, text: 'Plain words.' });
  });

  it('refuses an encrypted PDF as no_text, saying it is encrypted', async () => {
    const attempt = extractDocument(pdf({ pages: [[['secret']]], encrypted: true }), {
      contentType: 'application/pdf',
      key: 'a.pdf',
    });
    await expect(attempt).rejects.toThrow(NoTextError);
    await expect(
      extractDocument(pdf({ pages: [[['secret']]], encrypted: true }), { contentType: null, key: 'a.pdf' }),
    ).rejects.toThrow(/encrypted/);
  });

  it('refuses an image-only PDF (no text layer) as no_text', async () => {
    const attempt = extractDocument(pdf({ pages: [[]] }), {
      contentType: 'application/pdf',
      key: 'scan.pdf',
    });
    await expect(attempt).rejects.toThrow(NoTextError);
    await expect(
      extractDocument(pdf({ pages: [[]] }), { contentType: null, key: 'scan.pdf' }),
    ).rejects.toThrow(/no text layer/);
  });

  it('refuses a corrupt PDF as undecodable instead of crashing', async () => {
    const bytes = Buffer.from('%PDF-1.4\nthis is not really a pdf\n%%EOF\n');
    await expect(extractDocument(bytes, { contentType: 'application/pdf', key: 'a.pdf' })).rejects.toThrow(
      UndecodableError,
    );
  });
});
