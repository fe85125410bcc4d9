import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../../lib/pipeline/backoff.ts';

describe('retryDelaySeconds', () => {
  const opts = { baseSeconds: 30, maxSeconds: 900 };

  it('doubles with every receive', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, opts))).toEqual([30, 60, 120, 240]);
  });

  it('never exceeds the cap', () => {
    expect(retryDelaySeconds(20, opts)).toBe(900);
  });

  it('waits at least as long as the LLM asked with retry-after', () => {
    expect(retryDelaySeconds(1, { ...opts, retryAfterSeconds: 75.2 })).toBe(76);
  });

  it('honours a retry-after beyond the backoff cap, up to the 12 hours SQS allows', () => {
    expect(retryDelaySeconds(1, { ...opts, retryAfterSeconds: 3_600 })).toBe(3_600);
    expect(retryDelaySeconds(1, { ...opts, retryAfterSeconds: 100_000 })).toBe(43_200);
  });
});
