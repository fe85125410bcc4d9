/**
 * Requests are authenticated the way LocalStack does it: any access key and any signature are
 * accepted (SigV4 headers, SigV4 presigned URLs, SigV2), so a user's own AWS profile just works.
 * What is still checked is what a client can observe without knowing a secret: an expired
 * presigned URL is refused with AccessDenied, as S3 refuses it.
 */
import { S3Error } from './xml.ts';

const SIGV4_MAX_EXPIRES = 7 * 24 * 60 * 60;

const expired = () => new S3Error('AccessDenied', 403, 'Request has expired');

/** `20260102T030405Z` → epoch milliseconds. */
function amzDate(value: string): number {
  const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

export function checkPresignedExpiry(query: URLSearchParams, now: number): void {
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) {
    const signedAt = amzDate(query.get('X-Amz-Date') ?? '');
    const expires = Number(query.get('X-Amz-Expires') ?? Number.NaN);
    if (Number.isNaN(signedAt) || !Number.isInteger(expires) || expires < 0) {
      throw new S3Error(
        'AuthorizationQueryParametersError',
        400,
        'X-Amz-Date and X-Amz-Expires must be present and well-formed in a presigned request.',
      );
    }
    if (expires > SIGV4_MAX_EXPIRES) {
      throw new S3Error(
        'AuthorizationQueryParametersError',
        400,
        'X-Amz-Expires must be less than a week (in seconds) that is; 604800',
      );
    }
    if (now > signedAt + expires * 1000) throw expired();
  } else if (query.has('AWSAccessKeyId') && query.has('Signature')) {
    const expires = Number(query.get('Expires') ?? Number.NaN);
    if (Number.isNaN(expires) || now > expires * 1000) throw expired();
  }
}

/** `<bucket>.localhost[:port]` (what SDKs send without forcePathStyle) → the bucket's name. */
export function virtualHostBucket(host: string | undefined): string | undefined {
  return /^(.+)\.localhost(?::\d+)?$/i.exec(host ?? '')?.[1];
}
