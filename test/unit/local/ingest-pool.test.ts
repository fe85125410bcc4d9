import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestWorkerPool } from '../../../infra/local/ingest-pool.ts';
import { toSqsEvent } from '../../../infra/local/lambda-shapes.ts';

const WORKER = new URL('../../support/spinning-ingest-worker.ts', import.meta.url);
const event = (body: string, receiveCount: number): SQSEvent =>
  toSqsEvent(
    [{ messageId: `m-${body}`, body, messageAttributes: {}, sentTimestamp: Date.now(), receiveCount }],
    Date.now(),
    'us-east-1',
  );

let pool: IngestWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
});

describe('IngestWorkerPool', () => {
  it('ends a batch stuck in a CPU-bound loop at the function timeout and serves the next batch with a fresh worker', async () => {
    pool = new IngestWorkerPool({
      size: 1,
      env: {},
      retryDelaysSeconds: [0],
      functionTimeoutMs: 500,
      onBackoff: () => undefined,
      workerUrl: WORKER,
    });
    await pool.start();

    const stuck = pool.run(event('spin', 1));
    await expect(stuck).rejects.toThrow('Task timed out after 0.5 seconds');
    const next = await pool.run(event('spin', 2));

    expect(next).toEqual({ batchItemFailures: [] });
  });

  it('passes a retry delay the handler asks for to the main thread before the batch answer', async () => {
    const told: string[] = [];
    pool = new IngestWorkerPool({
      size: 1,
      env: {},
      retryDelaysSeconds: [0],
      functionTimeoutMs: 5_000,
      onBackoff: (messageId, error, seconds) => told.push(`${messageId} ${error} ${seconds}`),
      workerUrl: WORKER,
    });
    await pool.start();

    const response = await pool.run(event('backoff', 1));

    expect(told).toEqual(['m-backoff Error: try later 0']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-backoff' }] });
  });

  it('reports a worker that cannot load its handler as a start-up failure naming the problem', async () => {
    pool = new IngestWorkerPool({
      size: 1,
      env: { TABLE_NAME: 'summaries', MAX_RECEIVE_COUNT: '3', LLM_PROVIDER: 'claude' },
      retryDelaysSeconds: [0],
      functionTimeoutMs: 5_000,
      onBackoff: () => undefined,
    });

    await expect(pool.start()).rejects.toThrow(/LLM_PROVIDER must be openai, azure, bedrock or extractive/);
  });
});
