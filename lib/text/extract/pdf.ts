import { NoTextError, UndecodableError } from '../../errors.ts';
import { removeLeadingTitle } from './shared.ts';
import type { ExtractedDocument } from './types.ts';

interface PdfTextItem {
  str: string;
  y: number;
  fontSize: number;
  hasEOL: boolean;
}

/**
 * One page's text items → paragraphs. Items join into lines (pdf.js marks line ends, and a
 * change of baseline ends a line too); lines join into a paragraph with spaces unless the gap
 * to the next line is clearly larger than the line spacing. Arabic PDFs are often stored in
 * visual order; the text is kept as pdf.js gives it (a known limitation).
 */
export function pageToParagraphs(items: readonly PdfTextItem[]): string[] {
  const lines: { text: string; y: number; size: number }[] = [];
  let text = '';
  let y: number | null = null;
  let size = 0;
  const endLine = () => {
    if (text.trim() && y !== null) lines.push({ text: text.replace(/\s+/g, ' ').trim(), y, size });
    text = '';
    y = null;
  };
  for (const item of items) {
    if (y !== null && item.str && Math.abs(item.y - y) > Math.max(item.fontSize, 1) * 0.5) endLine();
    if (item.str) {
      if (y === null) {
        y = item.y;
        size = item.fontSize;
      }
      text += item.str;
    }
    if (item.hasEOL) endLine();
  }
  endLine();

  const paragraphs: string[] = [];
  let current = '';
  lines.forEach((line, i) => {
    const previous = lines[i - 1];
    const gap = previous ? previous.y - line.y : 0;
    const newParagraph = previous !== undefined && (gap > 1.6 * Math.max(previous.size, 1) || gap < 0);
    if (newParagraph) {
      paragraphs.push(current);
      current = line.text;
    } else if (current.endsWith('-') && /^\p{Ll}/u.test(line.text)) {
      current = current.slice(0, -1) + line.text; // a word hyphenated across lines
    } else current = current ? `${current} ${line.text}` : line.text;
  });
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** Text items and metadata; a page pdf.js cannot read is a damaged file, not a retryable failure. */
async function readPdfContent<D>(
  document: D,
  extractTextItems: (d: D) => Promise<{ items: PdfTextItem[][] }>,
  getMeta: (d: D) => Promise<{ info: Record<string, unknown> }>,
): Promise<{ items: PdfTextItem[][]; info: Record<string, unknown> }> {
  try {
    const { items } = await extractTextItems(document);
    const { info } = await getMeta(document);
    return { items, info };
  } catch (e: unknown) {
    throw new UndecodableError(
      'The PDF is damaged: some of its pages cannot be read; export it from its source again and upload it anew.',
      { cause: e },
    );
  }
}

/** PDF → text per page with unpdf (a serverless pdf.js build that runs offline in Node). */
export async function extractPdf(bytes: Uint8Array): Promise<ExtractedDocument> {
  const { getDocumentProxy, extractTextItems, getMeta } = await import('unpdf');
  let document: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: pdf.js may take ownership of (detach) the buffer it is given.
    document = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (e: unknown) {
    const name = e instanceof Error ? e.name : '';
    if (name === 'PasswordException')
      throw new NoTextError('The PDF is encrypted: it needs a password to open, so its text cannot be read.');
    // pdf.js's own words stay in the log through `cause`, never in the record.
    throw new UndecodableError(
      'The PDF is damaged and cannot be read; export it from its source again and upload it anew.',
      { cause: e },
    );
  }
  try {
    const { items, info } = await readPdfContent(document, extractTextItems, getMeta);
    const rawTitle: unknown = info.Title;
    const title =
      typeof rawTitle === 'string' && rawTitle.trim() ? rawTitle.replace(/\s+/g, ' ').trim() : null;
    const text = items
      .map((page) => pageToParagraphs(page).join('\n\n'))
      .filter((page) => page.trim())
      .join('\n\n');
    if (!/\S/.test(text))
      throw new NoTextError(
        'The PDF has no text layer (scanned pages or images only); OCR is not supported.',
      );
    return {
      format: 'pdf',
      text: removeLeadingTitle(text, title),
      title,
      publishedAt: null,
      outlet: null,
      encoding: null,
    };
  } finally {
    await document.loadingTask.destroy();
  }
}
