import { UnsupportedTypeError } from '../../errors.ts';
import { binarySignature, startsWith } from '../decode.ts';
import { isDocxDirectory, readZipDirectory } from './zip.ts';

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'docx' | 'pdf';

export interface FormatHints {
  contentType: string | null;
  key: string;
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const BY_TYPE: Readonly<Record<string, DocumentFormat>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  [DOCX_TYPE]: 'docx',
  'application/pdf': 'pdf',
};

const BY_EXTENSION: Readonly<Record<string, DocumentFormat>> = {
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  docx: 'docx',
  pdf: 'pdf',
};

/** Types that say nothing about the content: S3 uploads without an explicit type carry these. */
const UNINFORMATIVE = new Set(['application/octet-stream', 'binary/octet-stream', '']);

/** Declared types we can name but not read (so the error says what the file is). */
const UNSUPPORTED_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/^image\//, 'an image'],
  [/^audio\//, 'an audio file'],
  [/^video\//, 'a video'],
  [/^application\/(zip|x-zip-compressed|gzip|x-gzip|x-7z-compressed|x-rar-compressed|x-tar)$/, 'an archive'],
  [/^application\/(msword|vnd\.ms-|vnd\.oasis\.opendocument)/, 'an office format other than DOCX'],
];

/** `text/html; charset=windows-1256` → { mime: 'text/html', charset: 'windows-1256' }. */
export function parseContentType(contentType: string | null): { mime: string; charset: string | null } {
  if (!contentType) return { mime: '', charset: null };
  const [mime = '', ...params] = contentType.split(';');
  const charsetParam = params.map((p) => p.trim()).find((p) => /^charset=/i.test(p));
  const charset = charsetParam ? charsetParam.slice('charset='.length).replace(/^["']|["']$/g, '') : null;
  return { mime: mime.trim().toLowerCase(), charset: charset || null };
}

function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** `<!doctype html` or `<html` at the start, after a BOM and whitespace (ASCII-compatible or UTF-16). */
function looksLikeHtml(bytes: Uint8Array): boolean {
  let head = '';
  if (startsWith(bytes, [0xff, 0xfe])) head = new TextDecoder('utf-16le').decode(bytes.subarray(0, 512));
  else if (startsWith(bytes, [0xfe, 0xff])) head = new TextDecoder('utf-16be').decode(bytes.subarray(0, 512));
  else head = new TextDecoder('latin1').decode(bytes.subarray(0, 512));
  return /^\uFEFF?\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>])/i.test(
    head.replace(/^\u00ef\u00bb\u00bf/, ''),
  );
}

/**
 * Which extractor reads these bytes. Binary magic numbers win over any name or type (a PDF
 * named `.txt` is a PDF; a PNG named `.txt` is refused); then the declared content type, then
 * the key's extension, then sniffing the text for an HTML start.
 */
export function chooseFormat(bytes: Uint8Array, hints: FormatHints): DocumentFormat {
  const signature = binarySignature(bytes);
  if (signature === 'PDF document') return 'pdf';
  if (signature === 'ZIP archive') {
    const directory = readZipDirectory(bytes);
    if (directory && isDocxDirectory(directory)) return 'docx';
    const declaredDocx =
      parseContentType(hints.contentType).mime === DOCX_TYPE || extensionOf(hints.key) === 'docx';
    // A damaged DOCX still gets its precise error from the DOCX extractor.
    if (declaredDocx) return 'docx';
    throw new UnsupportedTypeError('The file is a ZIP archive that is not a Word (DOCX) document.');
  }
  if (signature) throw new UnsupportedTypeError(`The file is a ${signature}, which cannot be summarised.`);

  const { mime } = parseContentType(hints.contentType);
  const byType = BY_TYPE[mime];
  if (byType) return byType;
  if (!UNINFORMATIVE.has(mime)) {
    const unsupported = UNSUPPORTED_TYPES.find(([pattern]) => pattern.test(mime));
    if (unsupported) throw new UnsupportedTypeError(`The file is declared as ${unsupported[1]} (${mime}).`);
  }
  const byExtension = BY_EXTENSION[extensionOf(hints.key)];
  if (byExtension) return byExtension;
  if (mime.startsWith('text/') && mime !== 'text/html') return 'text';
  return looksLikeHtml(bytes) ? 'html' : 'text';
}
