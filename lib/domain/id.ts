import { createHash } from 'node:crypto';

/** The record id: the unpadded base64url SHA-256 of `bucket/key`, so any client can compute it. */
export function recordId(bucket: string, key: string): string {
  return createHash('sha256').update(`${bucket}/${key}`, 'utf8').digest('base64url');
}
