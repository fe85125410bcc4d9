import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsVisibilityBackoff } from '../../functions/ingest/sqs-backoff.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import { startTestSqs, type TestSqs } from '../support/sqs-server.ts';

// An LLM that answers 429 with Retry-After → the openai adapter (through the real `openai` SDK) →
// the ingest handler → `ChangeMessageVisibility` sent by a real SQS client to a recording endpoint.

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;

describe('a Retry-After from the LLM sets how long the message waits in the queue', () => {
  let llm: OpenAiTestServer;
  let sqs: TestSqs;
  let rig: IngestRig;
  let n = 0;

  beforeAll(async () => {
    llm = await startOpenAiTestServer();
    sqs = await startTestSqs();
    const client = new SQSClient({
      endpoint: sqs.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    rig = await startIngestRig({
      config: {
        MAX_RECEIVE_COUNT: '8',
        LLM_PROVIDER: 'openai',
        OPENAI_API_KEY: 'sk-test-retry-after',
        OPENAI_BASE_URL: llm.url,
        // The SDK's own retries would answer the 429 first: here the queue does the waiting.
        LLM_MAX_RETRIES: '0',
      },
      retries: new SqsVisibilityBackoff({
        queueUrl: sqs.queueUrl,
        logger: new Logger({ logLevel: 'SILENT' }),
        sqs: client,
        policy: { baseSeconds: 30, maxSeconds: 900 },
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await sqs?.close();
    await llm?.close();
  });

  beforeEach(() => {
    sqs.calls.length = 0;
  });

  /** One upload processed on receive `receiveCount` while the LLM answers 429 with `headers`. */
  async function rateLimited(headers: Record<string, string>, receiveCount = 1) {
    n += 1;
    const created = await rig.upload(`retry-after/${n}.txt`, SOLAR_ARTICLE.bytes);
    llm.enqueue({ type: 'status', status: 429, headers });
    const response = await rig.ingest(rig.message(`m-${n}`, created, receiveCount), context);
    return { response, messageId: `m-${n}`, receipt: `m-${n}-${receiveCount}` };
  }

  it('waits the seconds of a Retry-After longer than the backoff', async () => {
    const { response, messageId, receipt } = await rateLimited({ 'retry-after': '600' });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: messageId }]);
    expect(sqs.calls).toEqual([
      {
        action: 'ChangeMessageVisibility',
        input: { QueueUrl: sqs.queueUrl, ReceiptHandle: receipt, VisibilityTimeout: 600 },
      },
    ]);
  });

  it('reads Retry-After-Ms, rounded up to whole seconds', async () => {
    await rateLimited({ 'retry-after-ms': '95500' });

    expect(sqs.calls.map((c) => c.input.VisibilityTimeout)).toEqual([96]);
  });

  it('keeps the longer backoff when Retry-After asks for less', async () => {
    await rateLimited({ 'retry-after': '5' }, 4);

    expect(sqs.calls.map((c) => c.input.VisibilityTimeout)).toEqual([240]);
  });

  it('caps a Retry-After at the 12 hours SQS allows', async () => {
    await rateLimited({ 'retry-after': '172800' });

    expect(sqs.calls.map((c) => c.input.VisibilityTimeout)).toEqual([43_200]);
  });
});
