import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmUnavailableError } from '../../lib/errors.ts';
import { splitIntoChunks } from '../../lib/summarise/chunk.ts';
import { createOpenAiClient, OpenAiSummariser } from '../../lib/summarise/openai.ts';
import type { ChunkNotesCache, SummaryRequest } from '../../lib/summarise/port.ts';
import { loadTokenCounter, type TokenCounter } from '../../lib/summarise/tokens.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import {
  articleOf,
  isNotesRequest,
  type OpenAiTestServer,
  type RecordedRequest,
  startOpenAiTestServer,
} from '../support/openai-server.ts';

// Long articles through map → reduce, over real HTTP to the OpenAI-compatible test server.

const paragraphs = SOLAR_ARTICLE.paragraphs;
const END_MARKER = 'نهاية المقال الطويل';

/** An Arabic article of about `chars` characters; numbered paragraphs so no two chunks are alike. */
function longArticle(chars: number): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i += 1) {
    const p = `الفقرة ${i + 1}: ${paragraphs[i % paragraphs.length]}`;
    out.push(p);
    length += p.length + 2;
  }
  out.push(`${END_MARKER}.`);
  return out.join('\n\n');
}

const request = (text: string, over: Partial<SummaryRequest> = {}): SummaryRequest => ({
  text,
  title: SOLAR_ARTICLE.title,
  language: 'ar',
  publishedAt: SOLAR_ARTICLE.publishedAt,
  outlet: SOLAR_ARTICLE.outlet,
  languages: ['ar', 'en'],
  ...over,
});

/** Instructions, metadata and schema on top of the article/notes budget (two languages). */
const ALLOWANCE = 1_000;

class MemoryNotes implements ChunkNotesCache {
  readonly entries = new Map<string, unknown>();
  async get(key: string): Promise<unknown | null> {
    return this.entries.get(key) ?? null;
  }
  async put(key: string, value: unknown): Promise<void> {
    this.entries.set(key, value);
  }
}

let llm: OpenAiTestServer;
let count: TokenCounter;

const summariser = (
  opts: {
    maxInputTokens?: number;
    maxCallsPerArticle?: number;
    mapConcurrency?: number;
    timeoutMs?: number;
  } = {},
) => {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new OpenAiSummariser({
    client: createOpenAiClient({ apiKey: 'sk-test', baseURL: llm.url, timeoutMs, maxRetries: 0 }),
    model: 'gpt-test',
    timeoutMs,
    maxRetries: 0,
    maxInputTokens: opts.maxInputTokens,
    maxCallsPerArticle: opts.maxCallsPerArticle,
    mapConcurrency: opts.mapConcurrency,
  });
};

/** o200k tokens of a request as the server received it: message contents + the response_format schema. */
const requestTokens = (r: RecordedRequest): number =>
  (r.body.messages ?? []).reduce((sum, m) => sum + count(String(m.content)), 0) +
  count(JSON.stringify(r.body.response_format ?? {}));

beforeAll(async () => {
  llm = await startOpenAiTestServer();
  count = await loadTokenCounter();
});

afterAll(async () => {
  await llm.close();
});

beforeEach(() => {
  llm.clear();
  llm.setDefault({ type: 'summary' });
  llm.setLatency(0);
});

describe('OpenAiSummariser map → reduce', () => {
  it('summarises a 300k-character article with every request under the budget and all calls counted', async () => {
    const text = longArticle(300_000);

    const result = await summariser().summarise(request(text));

    const requests = llm.chatRequests();
    const maps = requests.filter((r) => isNotesRequest(r.body));
    const final = requests.at(-1);
    expect(text.length).toBeGreaterThan(300_000);
    expect(maps.length).toBeGreaterThanOrEqual(5);
    expect(final && isNotesRequest(final.body)).toBe(false);
    expect(requests).toHaveLength(maps.length + 1);
    for (const r of requests) {
      expect(count(articleOf(r.body))).toBeLessThanOrEqual(12_000);
      expect(requestTokens(r)).toBeLessThanOrEqual(12_000 + ALLOWANCE);
    }
    // The map calls together saw the whole article, from its first paragraph to its last.
    expect(articleOf(maps[0]?.body ?? {})).toMatch(/^الفقرة 1: /u);
    expect(maps.some((r) => articleOf(r.body).includes(END_MARKER))).toBe(true);
    expect(Object.keys(result.summaries).sort()).toEqual(['ar', 'en']);
    expect(result.flags).toEqual([]);
    expect(result.usage.llmCalls).toBe(requests.length);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('collapses notes that are still over the budget into notes of notes, within bounded concurrency', async () => {
    const text = longArticle(40_000);
    const chunks = splitIntoChunks(text, 1_000, count);
    let inFlight = 0;
    let maxInFlight = 0;
    llm.setDefault({
      type: 'custom',
      respond: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 15));
        inFlight -= 1;
        return { type: 'summary' };
      },
    });

    const result = await summariser({ maxInputTokens: 1_000, mapConcurrency: 3 }).summarise(request(text));

    const requests = llm.chatRequests();
    const chunkMaps = requests.filter((r) => chunks.includes(articleOf(r.body)));
    const collapses = requests.filter((r) => isNotesRequest(r.body) && !chunks.includes(articleOf(r.body)));
    expect(chunkMaps).toHaveLength(chunks.length);
    expect(collapses.length).toBeGreaterThan(0);
    for (const r of requests) expect(count(articleOf(r.body))).toBeLessThanOrEqual(1_000);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(result.usage.llmCalls).toBe(requests.length);
    expect(result.usage.llmCalls).toBeLessThanOrEqual(40);
    expect(Object.keys(result.summaries).sort()).toEqual(['ar', 'en']);
  });

  it('summarises only the first chunks of an article over the call cap and flags truncated_input', async () => {
    const text = longArticle(300_000);

    const result = await summariser({ maxInputTokens: 2_000, maxCallsPerArticle: 6 }).summarise(
      request(text),
    );

    const requests = llm.chatRequests();
    expect(requests.length).toBeLessThanOrEqual(6);
    expect(result.usage.llmCalls).toBe(requests.length);
    expect(result.flags).toContain('truncated_input');
    expect(requests.some((r) => articleOf(r.body).includes(END_MARKER))).toBe(false);
    expect(articleOf(requests[0]?.body ?? {})).toMatch(/^الفقرة 1: /u);
    expect(Object.keys(result.summaries).sort()).toEqual(['ar', 'en']);
  });

  it('summarises the first chunk directly when the cap allows a single call', async () => {
    const text = longArticle(50_000);

    const result = await summariser({ maxInputTokens: 2_000, maxCallsPerArticle: 1 }).summarise(
      request(text),
    );

    const requests = llm.chatRequests();
    expect(requests).toHaveLength(1);
    expect(isNotesRequest(requests[0]?.body ?? {})).toBe(false);
    expect(count(articleOf(requests[0]?.body ?? {}))).toBeLessThanOrEqual(2_000);
    expect(result.flags).toEqual(['truncated_input']);
  });

  it('resumes a timed-out article from cached chunk notes, paying only for the missing chunks', async () => {
    const text = longArticle(30_000);
    const chunks = splitIntoChunks(text, 3_000, count);
    const notes = new MemoryNotes();
    const options = { maxInputTokens: 3_000, mapConcurrency: 1, timeoutMs: 300 };
    llm.enqueue({ type: 'summary' }, { type: 'summary' });
    llm.setDefault({ type: 'hang' });

    const error = await summariser(options)
      .summarise(request(text, { notes }))
      .catch((e: unknown) => e);

    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect((error as LlmUnavailableError).usage?.llmCalls).toBe(2);
    expect((error as LlmUnavailableError).usage?.inputTokens).toBeGreaterThan(0);
    expect((error as LlmUnavailableError).usage?.outputTokens).toBeGreaterThan(0);
    expect(notes.entries.size).toBe(2);

    llm.clear();
    llm.setDefault({ type: 'summary' });
    const result = await summariser(options).summarise(request(text, { notes }));

    const maps = llm.chatRequests().filter((r) => chunks.includes(articleOf(r.body)));
    expect(maps.map((r) => articleOf(r.body))).toEqual(chunks.slice(2));
    expect(llm.chatRequests()).toHaveLength(chunks.length - 2 + 1);
    expect(result.usage.llmCalls).toBe(chunks.length - 1);
    expect(Object.keys(result.summaries).sort()).toEqual(['ar', 'en']);
  });

  it('still summarises the article when the notes cache fails', async () => {
    const broken: ChunkNotesCache = {
      get: async () => {
        throw new Error('table unavailable');
      },
      put: async () => {
        throw new Error('table unavailable');
      },
    };

    const result = await summariser({ maxInputTokens: 3_000 }).summarise(
      request(longArticle(30_000), { notes: broken }),
    );

    expect(Object.keys(result.summaries).sort()).toEqual(['ar', 'en']);
    expect(result.usage.llmCalls).toBe(llm.chatRequests().length);
  });

  it('does not reuse cached notes made by another model', async () => {
    const text = longArticle(30_000);
    const notes = new MemoryNotes();
    await summariser({ maxInputTokens: 3_000 }).summarise(request(text, { notes }));
    const firstRun = llm.chatRequests().length;
    llm.clear();

    const other = new OpenAiSummariser({
      client: createOpenAiClient({ apiKey: 'sk-test', baseURL: llm.url, timeoutMs: 10_000, maxRetries: 0 }),
      model: 'gpt-other',
      maxInputTokens: 3_000,
    });
    await other.summarise(request(text, { notes }));

    expect(llm.chatRequests()).toHaveLength(firstRun);
    expect(notes.entries.size).toBe(2 * (firstRun - 1));
  });
});
