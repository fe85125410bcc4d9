import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectSource } from '../../lib/adapters/s3-source.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryResult } from '../../lib/domain/summary.ts';
import { parseS3NotificationBody } from '../../lib/events/s3-notification.ts';
import { IngestArticle } from '../../lib/pipeline/ingest.ts';
import type { Summariser } from '../../lib/summarise/port.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { notificationBody } from '../support/sqs-events.ts';

// A valid summary too large for one DynamoDB item: the use case with the real S3 and DynamoDB
// adapters against the emulators. The summariser is the port's boundary here: what is under test
// is the record write and the failed record, not an LLM (whose answers the schema bounds).

const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** Answers like a model that wrote 300,000 characters of valid summary, paid for in two calls. */
const oversized: Summariser = {
  provider: 'openai',
  modelName: 'test-model',
  promptVersion: 'p1',
  async summarise(): Promise<SummaryResult> {
    return {
      summaries: { ar: { title: 'عنوان', summary: 'ملخص طويل جدا. '.repeat(20_000), keyPoints: ['نقطة'] } },
      entities: [],
      topics: [],
      flags: [],
      model: { provider: 'openai', name: 'test-model', promptVersion: 'p1' },
      usage: { inputTokens: 1_500, outputTokens: 90_000, llmCalls: 2 },
    };
  },
};

describe('a summary too large to store', () => {
  let rig: IngestRig;

  beforeAll(async () => {
    rig = await startIngestRig({ config: { MAX_RECEIVE_COUNT: '8' } });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('fails the record at once with summary_too_large and the usage that was paid', async () => {
    const key = 'oversized/solar.txt';
    const created = await rig.upload(key, SOLAR_ARTICLE.bytes);
    const parsed = parseS3NotificationBody(notificationBody(created));
    if (parsed.type !== 'objects' || !parsed.events[0]) throw new Error('no object event');
    const ingest = new IngestArticle(
      { source: new S3ObjectSource(rig.s3), store: rig.store, summariser: oversized },
      {
        languages: ['ar'],
        maxArticleBytes: 1_000_000,
        maxTextChars: 1_000_000,
        leaseMs: 60_000,
        contentWaitMs: 0,
      },
    );

    const outcome = await ingest.handle(parsed.events[0], {
      messageId: 'm-1',
      receiveCount: 1,
      isLastAttempt: false,
      force: false,
      deadline: Date.now() + context.getRemainingTimeInMillis(),
    });

    expect(outcome).toEqual({ status: 'failed', id: recordId(BUCKET, key), code: 'summary_too_large' });
    const record = await rig.store.get(recordId(BUCKET, key));
    expect(record?.status).toBe('failed');
    expect(record?.error?.code).toBe('summary_too_large');
    expect(record?.error?.message).toMatch(/more than the \d+ bytes a stored record can hold/);
    expect(record?.usage).toEqual({
      inputTokens: 1_500,
      outputTokens: 90_000,
      llmCalls: 2,
      reusedFrom: null,
    });
    expect(record?.summaries).toEqual({});
  });
});
