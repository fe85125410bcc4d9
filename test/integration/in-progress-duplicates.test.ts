import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsVisibilityBackoff } from '../../functions/ingest/sqs-backoff.ts';
import { recordId } from '../../lib/domain/id.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { startTestSqs, type TestSqs } from '../support/sqs-server.ts';

// Two messages for one upload (S3 delivers at least once): the first holds the claim, the second
// is a duplicate. Through the real handler, DynamoDB emulator and a real SQS client.

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;
const LEASE_MS = 120_000;
const MAX_RECEIVES = 8;

describe('a duplicate of work in progress is delayed, then settled, never dead-lettered', () => {
  let sqs: TestSqs;
  let rig: IngestRig;

  beforeAll(async () => {
    sqs = await startTestSqs();
    rig = await startIngestRig({
      config: { MAX_RECEIVE_COUNT: String(MAX_RECEIVES), LEASE_SECONDS: String(LEASE_MS / 1000) },
      retries: new SqsVisibilityBackoff({
        queueUrl: sqs.queueUrl,
        logger: new Logger({ logLevel: 'SILENT' }),
        sqs: new SQSClient({
          endpoint: sqs.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }),
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await sqs?.close();
  });

  it('waits out the lease, is acknowledged on its last receive, and ends as a duplicate once the first is done', async () => {
    const key = 'duplicates/solar.txt';
    const id = recordId(BUCKET, key);
    const created = await rig.upload(key, SOLAR_ARTICLE.bytes);
    // The first message's attempt is running: it holds the claim (as the handler's claim writes it).
    const held = await rig.store.claim({
      id,
      source: {
        bucket: BUCKET,
        key,
        versionId: null,
        etag: created.s3.object.eTag ?? null,
        size: created.s3.object.size ?? null,
        contentType: null,
      },
      sequencer: created.s3.object.sequencer,
      owner: 'm-first',
      leaseMs: LEASE_MS,
      force: false,
      now: new Date(),
    });
    expect(held.claimed).toBe(true);

    const early = await rig.ingest(rig.message('m-dup', created, 1), context);
    const delays = sqs.calls.map((c) => c.input.VisibilityTimeout as number);
    const last = await rig.ingest(rig.message('m-dup', created, MAX_RECEIVES), context);
    const whileRunning = await rig.store.get(id);
    const first = await rig.ingest(rig.message('m-first', created, 2), context);
    const afterFirst = await rig.ingest(rig.message('m-dup', created, 2), context);

    expect(early.batchItemFailures).toEqual([{ itemIdentifier: 'm-dup' }]);
    // The rest of the lease, not the 30 s first backoff.
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(100);
    expect(delays[0]).toBeLessThanOrEqual(LEASE_MS / 1000);
    expect(last.batchItemFailures).toEqual([]);
    expect(whileRunning?.status).toBe('processing');
    expect(first.batchItemFailures).toEqual([]);
    expect(afterFirst.batchItemFailures).toEqual([]);
    expect((await rig.store.get(id))?.status).toBe('done');
    expect(sqs.calls).toHaveLength(1);
  });
});
