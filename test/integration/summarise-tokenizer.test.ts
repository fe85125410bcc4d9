import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SummaryRequest } from '../../lib/summarise/port.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';

// The o200k table (~2.7 MB) is loaded only for an article whose size says it may not fit the budget.
// Each test imports the summariser afresh, so the tokenizer module state starts unloaded.

const paragraphs = SOLAR_ARTICLE.paragraphs;

const request = (text: string): SummaryRequest => ({
  text,
  title: SOLAR_ARTICLE.title,
  language: 'ar',
  publishedAt: SOLAR_ARTICLE.publishedAt,
  outlet: SOLAR_ARTICLE.outlet,
  languages: ['ar', 'en'],
});

async function freshSummariser(url: string) {
  vi.resetModules();
  const { createOpenAiClient, OpenAiSummariser } = await import('../../lib/summarise/openai.ts');
  const tokens = await import('../../lib/summarise/tokens.ts');
  const summariser = new OpenAiSummariser({
    client: createOpenAiClient({ apiKey: 'sk-test', baseURL: url, timeoutMs: 10_000, maxRetries: 0 }),
    model: 'gpt-test',
  });
  return { summariser, loads: tokens.tokenizerLoadCount };
}

let llm: OpenAiTestServer;

beforeAll(async () => {
  llm = await startOpenAiTestServer();
});

afterAll(async () => {
  await llm.close();
});

beforeEach(() => {
  llm.clear();
});

describe('tokenizer loading', () => {
  it('summarises an ordinary article in one call without loading the tokenizer', async () => {
    const { summariser, loads } = await freshSummariser(llm.url);

    const result = await summariser.summarise(request(paragraphs.join('\n\n')));

    expect(loads()).toBe(0);
    expect(llm.chatRequests()).toHaveLength(1);
    expect(Object.keys(result.summaries).sort()).toEqual(['ar', 'en']);
  });

  it('loads it once for an article near the budget, which still fits one call when counted exactly', async () => {
    const { summariser, loads } = await freshSummariser(llm.url);
    // About 30k Arabic characters: over the 2-characters-per-token estimate of the 12k budget,
    // but about 10k o200k tokens.
    const one = paragraphs.join('\n\n');
    const text = Array.from({ length: Math.ceil(30_000 / one.length) }, () => one).join('\n\n');

    await summariser.summarise(request(text));
    await summariser.summarise(request(text));

    expect(text.length).toBeGreaterThan(24_000);
    expect(loads()).toBe(1);
    expect(llm.chatRequests()).toHaveLength(2);
  });
});
