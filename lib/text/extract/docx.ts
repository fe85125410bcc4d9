import { UnsupportedTypeError } from '../../errors.ts';
import type { DomDocument } from './dom.ts';
import { domToText } from './dom.ts';
import type { ExtractedDocument } from './types.ts';
import { isDocxDirectory, readZipDirectory } from './zip.ts';

/** A news article in Word is kilobytes; even with pictures it stays far below this. */
export const MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
/** Text XML deflates about 5–20×; far beyond that (and big) means a bomb, not a document. */
const MAX_RATIO = 100;
const RATIO_FLOOR_BYTES = 5 * 1024 * 1024;

/** Refuses, from the central directory alone and before inflating anything, what would explode. */
function checkDirectory(bytes: Uint8Array): void {
  const directory = readZipDirectory(bytes);
  if (!directory)
    throw new UnsupportedTypeError('The DOCX file is damaged: its ZIP directory cannot be read.');
  if (!isDocxDirectory(directory))
    throw new UnsupportedTypeError(
      'The file is a ZIP archive without word/document.xml, not a DOCX document.',
    );
  const inflated = directory.reduce((sum, e) => sum + e.uncompressedSize, 0);
  const deflated = directory.reduce((sum, e) => sum + e.compressedSize, 0);
  if (
    inflated > MAX_DOCX_UNCOMPRESSED_BYTES ||
    (inflated > RATIO_FLOOR_BYTES && inflated > MAX_RATIO * Math.max(1, deflated))
  ) {
    const size = Number.isFinite(inflated) ? `${inflated} bytes` : 'more than 4 GB (ZIP64)';
    throw new UnsupportedTypeError(
      `The DOCX file decompresses to ${size} from ${bytes.length}; the limit is ${MAX_DOCX_UNCOMPRESSED_BYTES} bytes and ${MAX_RATIO}:1.`,
    );
  }
}

/**
 * DOCX → text through mammoth's HTML (so headings, paragraphs, lists and tables keep their
 * structure), then the same DOM walk as HTML pages. Title: the first Title or Heading 1 paragraph.
 */
export async function extractDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  checkDirectory(bytes);
  const [{ default: mammoth }, { parseHTML }] = await Promise.all([import('mammoth'), import('linkedom')]);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"],
        // Pictures are not text: skip them instead of inlining them as base64.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch (e: unknown) {
    // The parser's own words (and paths) stay in the log through `cause`, never in the record.
    throw new UnsupportedTypeError(
      'The DOCX file is damaged and cannot be read; open it in Word or LibreOffice, save it again and upload it anew.',
      { cause: e },
    );
  }
  const document = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`)
    .document as unknown as DomDocument;
  const heading = document.querySelector('h1');
  const title = heading?.textContent?.replace(/\s+/g, ' ').trim() || null;
  heading?.remove();
  const text = document.body ? domToText(document.body) : '';
  return { format: 'docx', text, title, publishedAt: null, outlet: null, encoding: null };
}
