import { describe, expect, it } from 'vitest';
import { measureTokens } from '../../bench/tokens.ts';

// Budget 5 as `npm run bench` measures it, kept in `npm test` so a prompt or schema change that
// outgrows it fails here first: the whole request for the Arabic fixture (messages + schema, o200k)
// stays within 1.2 × the article's tokens + 900, in exactly one call.

describe('the request for the Arabic fixture', () => {
  it('fits 1.2 × article tokens + 900 in one call', async () => {
    const figures = await measureTokens();

    expect(figures.llmCalls).toBe(1);
    expect(figures.requestTokens).toBeLessThanOrEqual(Math.floor(1.2 * figures.articleTokens + 900));
  });
});
