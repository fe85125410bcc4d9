import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';

// The cost of paid LLM calls stays on a failed record: upload → real ingest handler → the openai
// adapter (real `openai` SDK) against a test server whose answers are unusable → DynamoDB emulator.

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;

describe('a failed record keeps the usage of the LLM calls it paid for', () => {
  let llm: OpenAiTestServer;
  let rig: IngestRig;
  let n = 0;

  beforeAll(async () => {
    llm = await startOpenAiTestServer();
    rig = await startIngestRig({
      config: {
        MAX_RECEIVE_COUNT: '8',
        LLM_PROVIDER: 'openai',
        OPENAI_API_KEY: 'sk-test-failed-usage',
        OPENAI_BASE_URL: llm.url,
        LLM_MAX_RETRIES: '0',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await llm?.close();
  });

  beforeEach(() => {
    llm.clear();
  });

  async function failedRecord() {
    n += 1;
    const key = `failed-usage/${n}.txt`;
    const created = await rig.upload(key, SOLAR_ARTICLE.bytes);
    const response = await rig.ingest(rig.message(`m-${n}`, created), context);
    expect(response.batchItemFailures).toEqual([]);
    return rig.store.get(recordId(BUCKET, key));
  }

  it('on an answer cut off at the token limit (llm_truncated)', async () => {
    llm.setDefault({ type: 'length', usage: { prompt_tokens: 700, completion_tokens: 50 } });

    const record = await failedRecord();

    expect(record?.status).toBe('failed');
    expect(record?.error?.code).toBe('llm_truncated');
    expect(record?.usage?.llmCalls).toBeGreaterThanOrEqual(1);
    expect(record?.usage?.inputTokens).toBe(700 * (record?.usage?.llmCalls ?? 0));
  });

  it('on answers that never match the schema (llm_invalid_output)', async () => {
    llm.setDefault({ type: 'invalid-json', usage: { prompt_tokens: 650, completion_tokens: 20 } });

    const record = await failedRecord();

    expect(record?.status).toBe('failed');
    expect(record?.error?.code).toBe('llm_invalid_output');
    expect(record?.usage?.llmCalls).toBeGreaterThanOrEqual(1);
    expect(record?.usage?.outputTokens).toBe(20 * (record?.usage?.llmCalls ?? 0));
  });
});
