import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import type { OpenAiTestServer } from '../support/openai-server.ts';
import { promptTokensOf, startOllamaTestServer, startVllmTestServer } from '../support/provider-servers.ts';

// Self-hosted servers through the real ingest path: an Ollama-like server that cuts a long prompt
// silently, and a vLLM-like one that refuses it with a 400. Each request is counted as the server
// counts it (messages + schema, o200k) next to the completion budget the request asked for.

const context = { getRemainingTimeInMillis: () => 300_000, awsRequestId: 'req-self' } as unknown as Context;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A long Arabic article as uploaded: headline, date line, numbered paragraphs, source line. */
function longUpload(paragraphs: number): string {
  const body = Array.from(
    { length: paragraphs },
    (_, i) => `الفقرة ${i + 1}: ${SOLAR_ARTICLE.paragraphs[i % SOLAR_ARTICLE.paragraphs.length]}`,
  );
  return [SOLAR_ARTICLE.title, 'تاريخ النشر: 14 مارس 2026', ...body, 'المصدر: نشرة خلاصة التجريبية'].join(
    '\n',
  );
}

async function ingestLong(server: OpenAiTestServer, config: Record<string, string>, key: string) {
  const rig: IngestRig = await startIngestRig({
    config: {
      MAX_RECEIVE_COUNT: '3',
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'local',
      OPENAI_BASE_URL: server.url,
      ...config,
    },
  });
  open.push(rig);
  const record = await rig.upload(key, longUpload(200));
  const response = await rig.ingest(rig.message(`m-${key}`, record), context);
  const item = await rig.ddb.client.send(
    new GetCommand({ TableName: rig.ddb.tableName, Key: { pk: recordId(BUCKET, key), sk: 'record' } }),
  );
  const stored = item.Item as {
    status: string;
    error?: { code: string } | null;
    summaries?: Record<string, { summary: string }>;
  };
  return { failures: response.batchItemFailures, item: stored };
}

/** Prompt tokens plus the completion budget each chat request asked for. */
const demands = (server: OpenAiTestServer) =>
  server
    .chatRequests()
    .map((r) => promptTokensOf(r.body) + Number(r.body.max_tokens ?? r.body.max_completion_tokens ?? 0));

describe('self-hosted servers through the ingest path', () => {
  it('Ollama-like: with the context configured every request fits it, max_tokens and the temperature are sent', async () => {
    const llm = await startOllamaTestServer(4096);
    open.push(llm);

    const { failures, item } = await ingestLong(
      llm,
      { LLM_CONTEXT_TOKENS: '4096', LLM_MAX_OUTPUT_TOKENS: '1000', LLM_TEMPERATURE: '0.2' },
      'ollama/long.txt',
    );

    expect(failures).toEqual([]);
    expect(item.status).toBe('done');
    const requests = llm.chatRequests();
    expect(requests.length).toBeGreaterThan(2);
    for (const r of requests) {
      expect(r.path).toBe('/v1/chat/completions');
      expect(r.body).toMatchObject({ temperature: 0.2 });
      expect(r.body.max_tokens).toBe(r.body.max_completion_tokens);
    }
    expect(Math.max(...demands(llm))).toBeLessThanOrEqual(4096);
  });

  it('Ollama-like: a prompt the server cut silently is never stored; the article is re-chunked smaller', async () => {
    const llm = await startOllamaTestServer(4096);
    open.push(llm);

    // The operator claims 16k of context; the server really has 4k and cuts without saying so.
    const { failures, item } = await ingestLong(
      llm,
      { LLM_CONTEXT_TOKENS: '16384', LLM_MAX_OUTPUT_TOKENS: '1000' },
      'ollama/claimed-16k.txt',
    );

    const prompts = llm.chatRequests().map((r) => promptTokensOf(r.body));
    expect(failures).toEqual([]);
    expect(item.status).toBe('done');
    // The first request was cut (its answer summarised only the article's end) and was dropped;
    // every later request fitted the real 4k context.
    expect(prompts[0]).toBeGreaterThan(4096);
    expect(Math.max(...prompts.slice(1))).toBeLessThanOrEqual(4096);
    expect(item.summaries?.ar?.summary).toContain('الفقرة 1:');
  });

  it('vLLM-like: a context-overflow 400 re-chunks with the stated context instead of failing the article', async () => {
    const llm = await startVllmTestServer(8192);
    open.push(llm);

    const { failures, item } = await ingestLong(llm, {}, 'vllm/long.txt');

    expect(failures).toEqual([]);
    expect(item.status).toBe('done');
    const asked = demands(llm);
    expect(asked[0]).toBeGreaterThan(8192);
    expect(Math.max(...asked.slice(1))).toBeLessThanOrEqual(8192);
    // The reduce call over the notes also carries the article's lead.
    const reduce = llm
      .chatRequests()
      .at(-1)
      ?.body.messages?.find((m) => m.role === 'user')?.content;
    expect(reduce).toMatch(/<lead>\nالفقرة 1: /);
  });

  it('vLLM-like: with the context configured the length retry still fits the context', async () => {
    const llm = await startVllmTestServer(8192);
    open.push(llm);
    llm.enqueue({ type: 'length' });

    const { failures, item } = await ingestLong(
      llm,
      { LLM_CONTEXT_TOKENS: '8192', LLM_TOKENIZER_RATIO: '1.25' },
      'vllm/length.txt',
    );

    expect(failures).toEqual([]);
    expect(item.status).toBe('done');
    expect(Math.max(...demands(llm))).toBeLessThanOrEqual(8192);
  });
});
