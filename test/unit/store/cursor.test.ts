import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../lib/store/cursor.ts';
import { InvalidCursorError } from '../../../lib/store/errors.ts';

const SECRET = 'a-secret-of-sixteen+';
const POS = {
  month: '2025-06',
  lastKey: { pk: 'id', sk: 'record', gsi1pk: 'c#2025-06', gsi1sk: 'x' },
  emptyMonths: 2,
};

describe('list cursor', () => {
  it('round-trips the position for the same query', () => {
    const c = encodeCursor(SECRET, 'q1', POS);
    expect(c).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(SECRET, 'q1', c)).toEqual(POS);
  });

  it('rejects a cursor for another query, another secret, or with edits', () => {
    const c = encodeCursor(SECRET, 'q1', POS);
    const [body, sig] = c.split('.');
    const edited = `${Buffer.from(JSON.stringify({ v: 1, q: 'q1', m: '2020-01', k: null, e: 0 })).toString('base64url')}.${sig}`;
    for (const [secret, query, cursor] of [
      [SECRET, 'q2', c],
      ['another-secret-16chars', 'q1', c],
      [SECRET, 'q1', edited],
      [SECRET, 'q1', `${body}.`],
      [SECRET, 'q1', c.slice(0, -1)],
      [SECRET, 'q1', '.'],
      [SECRET, 'q1', ''],
    ] as const) {
      expect(() => decodeCursor(secret, query, cursor)).toThrow(InvalidCursorError);
    }
  });
});
