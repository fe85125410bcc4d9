import { recordId } from '../lib/domain/id.ts';

/** An id is the unpadded base64url SHA-256 of `bucket/key`: always 43 characters. */
const ID = /^[A-Za-z0-9_-]{43}$/;

export const looksLikeRecordId = (ref: string): boolean => ID.test(ref);

/**
 * `show`/`text` accept an id or a key: a 43-character base64url string is an id, anything else a key
 * in `bucket`. (A key that itself looks like an id is reached through its id, which `list` prints.)
 */
export function resolveRecordId(ref: string, bucket: string): { id: string; key: string | null } {
  if (looksLikeRecordId(ref)) return { id: ref, key: null };
  return { id: recordId(bucket, ref), key: ref };
}
