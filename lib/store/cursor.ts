import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './errors.ts';

/** Where a list walk stopped: month partition (null for byKey), DynamoDB key, empty months seen. */
export interface CursorPosition {
  month: string | null;
  lastKey: Record<string, string> | null;
  emptyMonths: number;
}

interface CursorPayload {
  v: 1;
  /** Fingerprint of the query (filters) the cursor belongs to. */
  q: string;
  m: string | null;
  k: Record<string, string> | null;
  e: number;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/** Opaque, tamper-evident: base64url(JSON) + "." + HMAC-SHA256 over it. */
export function encodeCursor(secret: string, query: string, pos: CursorPosition): string {
  const payload: CursorPayload = { v: 1, q: query, m: pos.month, k: pos.lastKey, e: pos.emptyMonths };
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export function decodeCursor(secret: string, query: string, cursor: string): CursorPosition {
  const dot = cursor.indexOf('.');
  if (dot <= 0) throw new InvalidCursorError();
  const body = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(secret, body), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!isPayload(payload) || payload.q !== query) throw new InvalidCursorError();
  return { month: payload.m, lastKey: payload.k, emptyMonths: payload.e };
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
  return (
    o.v === 1 && typeof o.q === 'string' && monthOk && keyOk && Number.isInteger(o.e) && Number(o.e) >= 0
  );
}
