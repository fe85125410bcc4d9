/** S3's XML: escaping, the error document, and the few request bodies S3 clients send as XML. */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An S3 error answered as `<Error>…</Error>` with `status`. */
export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  readonly extra: Record<string, string>;
  /** Response headers sent with the error document (e.g. `x-amz-delete-marker`). */
  headers: Record<string, string> = {};

  constructor(code: string, status: number, message: string, extra: Record<string, string> = {}) {
    super(message);
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.extra = extra;
  }

  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }
}

export const noSuchKey = (key: string) =>
  new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });
export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist.', { BucketName: bucket });
export const invalidArgument = (message: string, name?: string, value?: string) =>
  new S3Error(
    'InvalidArgument',
    400,
    message,
    name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
  );

/**
 * Escapes text for an XML element. C0 controls (and `\r`, which parsers would turn into `\n`)
 * become character references, as S3 writes them, so such keys survive a listing.
 */
function escapeXml(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped here.
  return text.replace(/[&<>"'\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}

/** `<name>text</name>`, or nothing when `value` is undefined. */
export const element = (name: string, value: string | number | boolean | undefined): string =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

export const newRequestId = (): string => randomBytes(8).toString('hex').toUpperCase();

export function sendXml(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(xml)),
  });
  res.end(xml);
}

/** Answers `error` (a HEAD answer carries the status only, as S3's does). */
export function sendError(
  res: ServerResponse,
  error: S3Error,
  requestId: string,
  method: string | undefined,
) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const extra = Object.entries(error.extra)
    .map(([name, value]) => element(name, value))
    .join('');
  const body =
    `<Error>${element('Code', error.code)}${element('Message', error.message)}${extra}` +
    `${element('RequestId', requestId)}</Error>`;
  if (method === 'HEAD') {
    res.writeHead(error.status, { ...error.headers, 'x-amz-request-id': requestId });
    res.end();
  } else sendXml(res, error.status, body, { ...error.headers, 'x-amz-request-id': requestId });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Reverses XML escaping: the five named entities and numeric character references. */
function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The text of every `<name>` element directly inside each `<parent>` block of `xml`, in order.
 * S3's request documents (Delete, CompleteMultipartUpload) are flat enough for this.
 */
export function blocks(xml: string, parent: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`<${parent}(?:\\s[^>]*)?>([\\s\\S]*?)</${parent}>`, 'g');
  for (const match of xml.matchAll(pattern)) found.push(match[1] ?? '');
  return found;
}

export function field(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? unescapeXml(match[1] ?? '') : undefined;
}

/** S3's `encoding-type=url`: percent-encoding that leaves `/` readable. */
export const urlEncodeKey = (key: string): string => encodeURIComponent(key).replaceAll('%2F', '/');
