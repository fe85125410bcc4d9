import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { InvalidCursorError } from './errors.ts';

/**
 * Where a list walk stopped: month partition (null for other walks), DynamoDB key, empty months
 * seen; for a filtered walk also the index that drives it and, on the date index, the year.
 */
export interface CursorPosition {
  month: string | null;
  lastKey: Record<string, string> | null;
  emptyMonths: number;
  driver?: string;
  year?: string | null;
}

interface CursorPayload {
  v: 2;
  m: string | null;
  k: Record<string, string> | null;
  e: number;
  d?: string;
  y?: string | null;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key of its own for cursors, derived from the cursor secret (never the secret itself). */
const keyOf = (secret: string): Buffer =>
  createHmac('sha256', secret).update('khulasa list cursor v2').digest();

/**
 * Opaque and tamper-evident: AES-256-GCM over the position, with the query fingerprint as
 * associated data, so a cursor neither shows the table's key fields nor works for another query.
 * Layout: base64url(iv ‖ ciphertext ‖ tag).
 */
export function encodeCursor(secret: string, query: string, pos: CursorPosition): string {
  const payload: CursorPayload = {
    v: 2,
    m: pos.month,
    k: pos.lastKey,
    e: pos.emptyMonths,
    ...(pos.driver !== undefined ? { d: pos.driver } : {}),
    ...(pos.year !== undefined ? { y: pos.year } : {}),
  };
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  cipher.setAAD(Buffer.from(query, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function decodeCursor(secret: string, query: string, cursor: string): CursorPosition {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new InvalidCursorError();
  let payload: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(query, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]);
    payload = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!isPayload(payload)) throw new InvalidCursorError();
  return {
    month: payload.m,
    lastKey: payload.k,
    emptyMonths: payload.e,
    ...(payload.d !== undefined ? { driver: payload.d } : {}),
    ...(payload.y !== undefined ? { year: payload.y } : {}),
  };
}

function isPayload(p: unknown): p is CursorPayload {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  const monthOk = o.m === null || (typeof o.m === 'string' && /^\d{4}-\d{2}$/.test(o.m));
  const keyOk =
    o.k === null ||
    (typeof o.k === 'object' &&
      o.k !== null &&
      !Array.isArray(o.k) &&
      Object.values(o.k).every((v) => typeof v === 'string'));
  const driverOk = o.d === undefined || typeof o.d === 'string';
  const yearOk = o.y === undefined || o.y === null || (typeof o.y === 'string' && /^\d{4}$/.test(o.y));
  return o.v === 2 && monthOk && keyOk && driverOk && yearOk && Number.isInteger(o.e) && Number(o.e) >= 0;
}
