import { describe, expect, it } from 'vitest';
import {
  groupSize,
  notesKey,
  planChunks,
  plannedCalls,
  reduceCalls,
  retryReserve,
} from '../../../lib/summarise/map-reduce.ts';
import { PROMPT_VERSION } from '../../../lib/summarise/prompt.ts';

describe('map-reduce planning', () => {
  it('fits as many notes in one request as the note size allows', () => {
    // Eight notes of 1,500 tokens need 7 joins more than 12,000 tokens allow.
    expect(groupSize(12_000, 1_500)).toBe(7);
    expect(groupSize(12_007, 1_500)).toBe(8);
    expect(groupSize(1_000, 250)).toBe(3);
  });

  it('counts collapse rounds and the final reduce call in the worst case', () => {
    expect(reduceCalls(1, 8)).toBe(1);
    expect(reduceCalls(8, 8)).toBe(1);
    // 9 notes → 2 collapse calls → 2 notes → the final call.
    expect(reduceCalls(9, 8)).toBe(3);
    // 30 → 10 → 4 → 2 collapse calls, then the final call.
    expect(reduceCalls(30, 3)).toBe(10 + 4 + 2 + 1);
  });

  it('plans one call for a single chunk and map + reduce otherwise', () => {
    expect(plannedCalls(1, 8)).toBe(1);
    expect(plannedCalls(5, 8)).toBe(6);
  });

  it('takes every chunk that the call cap affords, leaving room for retries', () => {
    expect(planChunks(9, 40, 8)).toBe(9);
    const k = planChunks(500, 40, 8);
    expect(plannedCalls(k, 8) + retryReserve(k)).toBeLessThanOrEqual(40);
    expect(plannedCalls(k + 1, 8) + retryReserve(k + 1)).toBeGreaterThan(40);
  });

  it('keeps a retry reserve that grows with the number of chunks', () => {
    expect(retryReserve(1)).toBe(2);
    expect(retryReserve(10)).toBe(2);
    expect(retryReserve(30)).toBe(6);
    // A 30-chunk article under the default cap keeps more than two calls for the retries its chunks may need.
    const k = planChunks(30, 40, 8);
    expect(40 - plannedCalls(k, 8)).toBeGreaterThanOrEqual(retryReserve(k));
    expect(retryReserve(k)).toBeGreaterThan(2);
  });

  it('falls back to a single chunk when the cap is tiny', () => {
    expect(planChunks(50, 1, 8)).toBe(1);
    expect(planChunks(50, 3, 8)).toBe(1);
  });
});

describe('notesKey', () => {
  it('names the prompt version and differs for another text or model', () => {
    const key = notesKey('نص الجزء الأول', 'gpt-a');

    expect(key.startsWith(`notes:${PROMPT_VERSION}:`)).toBe(true);
    expect(key.length).toBeLessThanOrEqual(120);
    expect(notesKey('نص الجزء الأول', 'gpt-a')).toBe(key);
    expect(notesKey('نص الجزء الثاني', 'gpt-a')).not.toBe(key);
    expect(notesKey('نص الجزء الأول', 'gpt-b')).not.toBe(key);
  });
});
