/**
 * An independent check of AWS Signature Version 4 on a request a test server received, written
 * from AWS's published algorithm with node:crypto only (nothing shared with the signer under test):
 * canonical request → string to sign → HMAC chain from the secret key → the same signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SigV4Expectation {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  /** The clock to check `x-amz-date` against (requests older or newer than 5 minutes are refused). */
  now?: Date;
}

export interface SignedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();
// RFC 3986 unreserved characters stay; everything else is percent-encoded (AWS's UriEncode).
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Why the request's signature is not valid for `expected`, or null when it is. */
export function sigV4Problem(request: SignedRequest, expected: SigV4Expectation): string | null {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? AUTHORIZATION.exec(header) : null;
  if (match === null) return `no SigV4 Authorization header (got ${JSON.stringify(header)})`;
  const [, keyId, date, region, service, signedList, signature] = match as unknown as string[];
  if (keyId !== expected.accessKeyId) return `signed with access key ${keyId}`;
  if (region !== expected.region) return `signed for region ${region}`;
  if (service !== expected.service) return `signed for service ${service}`;
  const amzDate = request.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !amzDate.startsWith(date ?? ''))
    return 'x-amz-date missing or not the credential date';
  const when = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (Math.abs((expected.now ?? new Date()).getTime() - when) > 5 * 60_000)
    return 'x-amz-date is not within 5 minutes';
  const signed = (signedList ?? '').split(';');
  for (const required of ['host', 'x-amz-date'])
    if (!signed.includes(required)) return `${required} is not signed`;
  const bodyHash = sha256(request.rawBody);
  const claimed = request.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== bodyHash) return 'x-amz-content-sha256 does not match the body';
  const canonicalHeaders = signed
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalQuery = Object.entries(request.query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalPath = request.path
    .split('/')
    .map((segment) => uriEncode(uriEncode(decodeURIComponent(segment))))
    .join('/');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedList,
    bodyHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${expected.secretAccessKey}`, date ?? '');
  const kSigning = hmac(hmac(hmac(kDate, region ?? ''), service ?? ''), 'aws4_request');
  const computed = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature ?? '', 'hex');
  if (given.length !== computed.length || !timingSafeEqual(given, computed))
    return 'the signature does not match the request';
  return null;
}
