/**
 * Extract: bytes of any supported upload → the article's plain text and the metadata the
 * format itself carries. Each parser (linkedom + Readability, mammoth, unpdf, iconv-lite) is
 * imported on first use inside its extractor, so a plain UTF-8 text article loads none of them
 * (the cold-start budget).
 */
import { NoTextError } from '../../errors.ts';
import { decodeText } from '../decode.ts';
import type { DocumentFormat, FormatHints } from './format.ts';
import { chooseFormat, parseContentType } from './format.ts';
import { markdownToText } from './markdown.ts';
import type { ExtractedDocument } from './types.ts';

export type { DocumentFormat, FormatHints } from './format.ts';
export { chooseFormat } from './format.ts';
export type { ExtractedDocument } from './types.ts';

async function extractText(bytes: Uint8Array, charset: string | null): Promise<ExtractedDocument> {
  const { text, encoding } = await decodeText(bytes, { declaredCharset: charset });
  return { format: 'text', text, title: null, publishedAt: null, outlet: null, encoding };
}

async function extractMarkdown(bytes: Uint8Array, charset: string | null): Promise<ExtractedDocument> {
  const { text: source, encoding } = await decodeText(bytes, { declaredCharset: charset });
  const { text, title } = markdownToText(source);
  return { format: 'markdown', text, title, publishedAt: null, outlet: null, encoding };
}

/**
 * Reads `bytes` as the format chosen from the content type, the key's extension and the bytes
 * themselves. Throws the typed article errors: `UnsupportedTypeError` (binary or unknown
 * format, damaged or oversized DOCX), `UndecodableError`, `EmptyArticleError`, `NoTextError`
 * (encrypted or image-only PDF, nothing left after extraction).
 */
export async function extractDocument(bytes: Uint8Array, hints: FormatHints): Promise<ExtractedDocument> {
  const format: DocumentFormat = chooseFormat(bytes, hints);
  const { charset } = parseContentType(hints.contentType);
  let extracted: ExtractedDocument;
  switch (format) {
    case 'text':
      extracted = await extractText(bytes, charset);
      break;
    case 'markdown':
      extracted = await extractMarkdown(bytes, charset);
      break;
    case 'html':
      extracted = await (await import('./html.ts')).extractHtml(bytes, charset);
      break;
    case 'docx':
      extracted = await (await import('./docx.ts')).extractDocx(bytes);
      break;
    case 'pdf':
      extracted = await (await import('./pdf.ts')).extractPdf(bytes);
      break;
  }
  if (!/\S/.test(extracted.text) && !extracted.title) {
    throw new NoTextError(`No article text could be found in the ${format.toUpperCase()} file.`);
  }
  return extracted;
}
