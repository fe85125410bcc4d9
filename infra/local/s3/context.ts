/** What every operation handler gets, and the header plumbing objects share. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { storedContentEncoding } from './aws-chunked.ts';
import type { StoreChange } from './events.ts';
import type { ObjectMeta } from './key-index.ts';
import type { ObjectFields, ObjectStore } from './store.ts';
import type { Uploads } from './uploads.ts';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  bucket: string;
  /** Undefined for service- and bucket-level requests. */
  key: string | undefined;
  query: URLSearchParams;
  requestId: string;
  sourceIp: string;
}

export interface Services {
  store: ObjectStore;
  uploads: Uploads;
  /** Reports a stored change as an event; resolves once the consumer has it. */
  report(change: StoreChange, ctx: Ctx): Promise<void>;
}

export const OWNER = { id: 'khulasa-local', displayName: 'khulasa-local' };

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Representation headers S3 keeps with an object and returns on GET and HEAD. */
const STORED_HEADERS = [
  'content-type',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
];

/** The headers and user metadata a PUT, POST or multipart create asks to store. */
export function fieldsFromRequest(req: IncomingMessage): ObjectFields {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(req, name);
    if (value !== undefined) headers[name] = value;
  }
  headers['content-type'] ??= 'binary/octet-stream';
  const encoding = storedContentEncoding(req);
  if (encoding) headers['content-encoding'] = encoding;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) {
      metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return { headers, metadata };
}

export const quoted = (etag: string): string => `"${etag}"`;
export const httpDate = (iso: string): string => new Date(iso).toUTCString();

/** The headers of a GET or HEAD answer for `meta`, with `response-*` query overrides applied. */
export function objectHeaders(meta: ObjectMeta, query: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = {
    ...meta.headers,
    etag: quoted(meta.etag),
    'last-modified': httpDate(meta.lastModified),
    'accept-ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(meta.metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const name of [
    'content-type',
    'content-language',
    'expires',
    'cache-control',
    'content-disposition',
    'content-encoding',
  ]) {
    const override = query.get(`response-${name}`);
    if (override !== null) headers[name] = override;
  }
  return headers;
}

const etagList = (value: string): string[] =>
  value.split(',').map((t) => t.trim().replace(/^W\//, '').replaceAll('"', ''));

const seconds = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);

/**
 * S3's conditional request rules: If-Match / If-Unmodified-Since fail with 412; If-None-Match /
 * If-Modified-Since answer 304. Returns the status to answer with, or undefined to go on.
 */
export function preconditionStatus(req: IncomingMessage, meta: ObjectMeta): 304 | 412 | undefined {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  const modified = seconds(meta.lastModified);
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.includes(meta.etag)) return 412;
  } else {
    const since = Date.parse(header(req, 'if-unmodified-since') ?? '');
    if (!Number.isNaN(since) && modified > Math.floor(since / 1000)) return 412;
  }
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.includes(meta.etag)) return 304;
  } else {
    const since = Date.parse(header(req, 'if-modified-since') ?? '');
    if (!Number.isNaN(since) && modified <= Math.floor(since / 1000)) return 304;
  }
  return undefined;
}

/**
 * One `bytes=` range as inclusive offsets; undefined when there is none or it cannot be parsed
 * (S3 then sends the whole object); 'unsatisfiable' for a range past the end.
 */
export function parseRange(
  value: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = value === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}
