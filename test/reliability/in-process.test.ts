import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/app.ts';
import { defaultDeps } from '../../functions/ingest/deps.ts';
import { type LocalS3, type S3EventNotificationRecord, startLocalS3 } from '../../infra/local/s3-server.ts';
import { loadIngestConfig } from '../../lib/config/ingest.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { decodeS3Key } from '../../lib/events/s3-notification.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { dynamoThrottle, type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { notificationBody, sqsEvent } from '../support/sqs-events.ts';
import { TestStore } from '../support/store.ts';
import { arabicArticle, type CountingLlm, englishArticle, put, startCountingLlm } from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';

// The ingest handler driven in-process, as SQS would drive it, so deliveries, their order and
// their duplicates are exactly what each scenario says; S3 and DynamoDB sit behind fault proxies.

const MAX_ARTICLE_BYTES = 200 * 1024;
const context = { getRemainingTimeInMillis: () => 120_000, awsRequestId: 'req' } as unknown as Context;

let dir: string;
let s3Server: LocalS3;
let s3Proxy: FaultProxy;
let ddb: TestDynamo;
let ddbProxy: FaultProxy;
let llm: CountingLlm;
let s3: S3Client;
/** Reads DynamoDB directly (not through the proxy), with the API's own reader code. */
let reader: TestStore;
let ingest: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const events: S3EventNotificationRecord[] = [];
let messageSeq = 0;

const message = (record: S3EventNotificationRecord, receiveCount: number, id: string): SQSEvent =>
  sqsEvent([{ id, body: notificationBody(record), receiveCount }]);

async function upload(key: string, body: Uint8Array | string): Promise<S3EventNotificationRecord> {
  await put(s3, key, body);
  const record = events.findLast((r) => decodeS3Key(r.s3.object.key) === key);
  if (!record) throw new Error(`no event for ${key}`);
  return record;
}

/** Delivers one SQS message until the handler acknowledges it, as SQS redelivers (same messageId). */
async function deliver(record: S3EventNotificationRecord, id = `msg-${++messageSeq}`, maxReceives = 10) {
  for (let receive = 1; receive <= maxReceives; receive++) {
    const response = await ingest(message(record, receive, id), context);
    if (response.batchItemFailures.length === 0) return receive;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`message ${id} was never acknowledged`);
}

const get = (key: string) => reader.get(recordId('articles', key));
const snapshot = () => ({ calls: llm.llm.chatRequests().length, duplicates: llm.duplicates() });
/** `keys`: distinct keys uploaded (two uploads of one key end in one record). */
function figures(
  scenario: number,
  before: ReturnType<typeof snapshot>,
  records: (SummaryRecord | null)[],
  uploads: number,
  keys = uploads,
) {
  const terminal = records.filter((r) => r && ['done', 'failed', 'deleted'].includes(r.status)).length;
  recordFigures({
    scenario,
    uploads,
    records: terminal,
    lost: keys - terminal,
    llmCalls: llm.llm.chatRequests().length - before.calls,
    duplicateLlmCalls: llm.duplicates() - before.duplicates,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khulasa-reliability-in-process-'));
  ddb = await startTestDynamo();
  ddbProxy = await startFaultProxy(ddb.dynamo.endpoint);
  llm = await startCountingLlm({ latencyMs: 300 });
  s3Server = await startLocalS3({
    port: 0,
    directory: dir,
    buckets: ['articles'],
    onEvent: (r) => events.push(r),
  });
  s3Proxy = await startFaultProxy(s3Server.endpoint);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3Proxy.url,
    AWS_ENDPOINT_URL_DYNAMODB: ddbProxy.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // Fewer SDK retries than the proxy's faults: the queue's retry has to take over.
    AWS_MAX_ATTEMPTS: '2',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
  s3 = new S3Client({ endpoint: s3Server.endpoint, region: 'us-east-1', forcePathStyle: true });
  reader = new TestStore({ client: ddb.client, tableName: ddb.tableName });
  ingest = createIngestHandler(
    defaultDeps(
      {},
      loadIngestConfig({
        TABLE_NAME: ddb.tableName,
        MAX_RECEIVE_COUNT: '10',
        S3_FORCE_PATH_STYLE: 'true',
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: llm.llm.url,
        LLM_MAX_RETRIES: '0',
        LLM_TIMEOUT_MS: '10000',
        CONTENT_WAIT_SECONDS: '5',
        MAX_ARTICLE_BYTES: String(MAX_ARTICLE_BYTES),
      }),
    ),
  ) as typeof ingest;
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await s3Proxy?.close();
  await s3Server?.close();
  await ddbProxy?.close();
  await ddb?.close();
  await llm?.llm.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  ddbProxy.setRule(() => 'pass');
  s3Proxy.setRule(() => 'pass');
});

describe('scenario 2: duplicate deliveries and duplicate content', () => {
  it('makes one LLM call when the same notification is delivered twice', async () => {
    const before = snapshot();
    const record = await upload('dup/twice.txt', englishArticle('twice'));

    await deliver(record);
    await deliver(record);

    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
    expect((await get('dup/twice.txt'))?.status).toBe('done');
    figures(2, before, [await get('dup/twice.txt')], 1);
  });

  it('makes one LLM call for 20 simultaneous deliveries of one notification', async () => {
    const before = snapshot();
    const record = await upload('dup/twenty.txt', arabicArticle('twenty'));

    await Promise.all(Array.from({ length: 20 }, () => deliver(record)));

    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
    expect((await get('dup/twenty.txt'))?.status).toBe('done');
    figures(2, before, [await get('dup/twenty.txt')], 1);
  });

  it('makes one LLM call for one content uploaded under 20 keys at once', async () => {
    const before = snapshot();
    const keys = Array.from({ length: 20 }, (_, i) => `dup/copy (${i}).txt`);
    const body = englishArticle('copies');
    const records = await Promise.all(keys.map((key) => upload(key, body)));

    await Promise.all(records.map((record) => deliver(record)));

    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
    const stored = await Promise.all(keys.map(get));
    expect(stored.map((r) => r?.status)).toEqual(keys.map(() => 'done'));
    expect(stored.filter((r) => r?.usage?.reusedFrom === null)).toHaveLength(1);
    figures(2, before, stored, keys.length);
  });
});

describe('scenario 3: notifications of one key arriving in reverse order', () => {
  it('keeps the newer content when the older notification is delivered last', async () => {
    const before = snapshot();
    const key = 'order/report.txt';
    const older = await upload(key, englishArticle('older version'));
    const newer = await upload(key, englishArticle('newer version'));

    await deliver(newer);
    await deliver(older);

    const record = await get(key);
    expect(record?.status).toBe('done');
    expect(record?.source.etag).toBe(newer.s3.object.eTag);
    expect(record?.article?.title).toContain('newer version');
    expect(JSON.stringify(record?.summaries)).toContain('newer version');
    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
    figures(3, before, [record], 2, 1);
  });
});

describe('scenario 6 (in-process part): a file over MAX_ARTICLE_BYTES', () => {
  it('fails too_large from the object size without downloading it', async () => {
    const before = snapshot();
    const key = 'large/300k.txt';
    const record = await upload(key, englishArticle('large', 'More words. '.repeat(25_600)));
    const requestsBefore = s3Proxy.seen.length;

    await deliver(record);

    const stored = await get(key);
    expect(stored?.status).toBe('failed');
    expect(stored?.error?.code).toBe('too_large');
    const s3Requests = s3Proxy.seen
      .slice(requestsBefore)
      .filter((r) => decodeURIComponent(r.path).includes(key));
    expect(s3Requests.map((r) => r.method)).toEqual(['HEAD']);
    figures(6, before, [stored], 1);
  });
});

describe('scenario 10: DynamoDB throttling during the final write', () => {
  const isUpdate = (headers: Record<string, unknown>) =>
    headers['x-amz-target'] === 'DynamoDB_20120810.UpdateItem';
  /** Polls the record as the API reads it while `work` runs; returns every state seen. */
  async function watch(key: string, work: Promise<unknown>): Promise<SummaryRecord[]> {
    const seen: SummaryRecord[] = [];
    let finished = false;
    void work.finally(() => {
      finished = true;
    });
    while (!finished) {
      const record = await get(key);
      if (record) seen.push(record);
      await new Promise((r) => setTimeout(r, 20));
    }
    await work;
    return seen;
  }

  it('retries a throttled record write without a second LLM call and never serves a half-written record', async () => {
    const before = snapshot();
    const key = 'throttle/final-write.txt';
    const record = await upload(key, englishArticle('throttled final write'));
    let faults = 0;
    // The final write (`complete`) sets status done: throttle it beyond the SDK's own retries.
    ddbProxy.setRule((r) => {
      if (isUpdate(r.headers) && r.body.includes(':done') && faults < 3) {
        faults += 1;
        return dynamoThrottle;
      }
      return 'pass';
    });

    const seen = await watch(key, deliver(record));

    expect(faults).toBe(3);
    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
    const stored = await get(key);
    expect(stored?.status).toBe('done');
    expect(Object.keys(stored?.summaries ?? {}).sort()).toEqual(['ar', 'en']);
    expect(seen.filter((r) => r.status === 'done' && Object.keys(r.summaries).length === 0)).toEqual([]);
    figures(10, before, [stored], 1);
  });

  it('retries without a second LLM call when every UpdateItem is throttled for a while (the paid result write too)', async () => {
    const before = snapshot();
    const key = 'throttle/every-update.txt';
    const record = await upload(key, englishArticle('throttled every update'));
    let faults = 0;
    ddbProxy.setRule((r) => {
      if (isUpdate(r.headers) && faults < 3) {
        faults += 1;
        return dynamoThrottle;
      }
      return 'pass';
    });

    const seen = await watch(key, deliver(record));

    expect(faults).toBe(3);
    const stored = await get(key);
    expect(stored?.status).toBe('done');
    expect(seen.filter((r) => r.status === 'done' && Object.keys(r.summaries).length === 0)).toEqual([]);
    figures(10, before, [stored], 1);
    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
  });
});
