import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { JSON_TYPE, SECURITY_HEADERS } from './headers.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/** Strong validator: a hash of the exact body bytes, so `?lang` variants differ. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 32)}"`;
}

/** RFC 9110 If-None-Match: weak comparison, a list of tags or `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => bare(t) === bare(etag));
}

/**
 * A body with its ETag; `304` without a body when the client already has it. JSON.stringify
 * leaves Arabic as characters (UTF-8), never `\u` escapes.
 */
export function withEtag(
  statusCode: number,
  body: string,
  contentType: string,
  cacheControl: string,
  ifNoneMatch: string | undefined,
): HttpResponse {
  const etag = etagOf(body);
  const headers = { ...SECURITY_HEADERS, etag, 'cache-control': cacheControl };
  if (matchesIfNoneMatch(ifNoneMatch, etag)) return { statusCode: 304, headers, body: '' };
  return { statusCode, headers: { ...headers, 'content-type': contentType }, body };
}

export function json(
  statusCode: number,
  value: unknown,
  opts: { cacheControl: string; ifNoneMatch?: string | undefined },
): HttpResponse {
  return withEtag(statusCode, JSON.stringify(value), JSON_TYPE, opts.cacheControl, opts.ifNoneMatch);
}
