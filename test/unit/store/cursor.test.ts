import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../lib/store/cursor.ts';
import { InvalidCursorError } from '../../../lib/store/errors.ts';

const SECRET = 'a-secret-of-sixteen+';
const POS = {
  month: '2025-06',
  lastKey: {
    pk: 'record-id-42',
    sk: 'record',
    gsi1pk: 'c#2025-06',
    gsi1sk: '2025-06-03T10:00:00.000Z#record-id-42',
  },
  emptyMonths: 2,
};

describe('list cursor', () => {
  it('round-trips the position for the same query, a filtered walk included', () => {
    const filtered = { ...POS, month: null, driver: 'date', year: '2025' };

    const c = encodeCursor(SECRET, 'q1', POS);
    const f = encodeCursor(SECRET, 'q1', filtered);

    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(SECRET, 'q1', c)).toEqual(POS);
    expect(decodeCursor(SECRET, 'q1', f)).toEqual(filtered);
  });

  it('is opaque: neither the table key fields nor their values can be read from it', () => {
    const c = encodeCursor(SECRET, 'q1', POS);

    const decoded = Buffer.from(c, 'base64url').toString('latin1');
    // As they would appear in a readable payload (quoted names, whole values): random ciphertext
    // holds a given 2-byte string like `pk` about once in 600 cursors, a 5-byte one practically never.
    for (const visible of ['"pk"', '"gsi1', 'record-id-42', '2025-06', 'c#2025'])
      expect(decoded).not.toContain(visible);
    // Same position twice, two different cursors (fresh IV): nothing to compare across requests.
    expect(encodeCursor(SECRET, 'q1', POS)).not.toBe(c);
  });

  it('rejects a cursor for another query, another secret, or with edits', () => {
    const c = encodeCursor(SECRET, 'q1', POS);
    const flipped = Buffer.from(c, 'base64url');
    flipped[flipped.length - 20] = (flipped[flipped.length - 20] ?? 0) ^ 0x01;
    for (const [secret, query, cursor] of [
      [SECRET, 'q2', c],
      ['another-secret-16chars', 'q1', c],
      [SECRET, 'q1', flipped.toString('base64url')],
      [SECRET, 'q1', `${c}.`],
      [SECRET, 'q1', c.slice(0, -1)],
      [SECRET, 'q1', c.slice(0, 20)],
      [SECRET, 'q1', '.'],
      [SECRET, 'q1', ''],
    ] as const) {
      expect(() => decodeCursor(secret, query, cursor)).toThrow(InvalidCursorError);
    }
  });
});
