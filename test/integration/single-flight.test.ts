import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/app.ts';
import { defaultDeps } from '../../functions/ingest/deps.ts';
import { type LocalS3, type S3EventNotificationRecord, startLocalS3 } from '../../infra/local/s3-server.ts';
import { loadIngestConfig } from '../../lib/config/ingest.ts';
import { recordId } from '../../lib/domain/id.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import { notificationBody, sqsEvent } from '../support/sqs-events.ts';
import { TestStore } from '../support/store.ts';

// Nothing paid twice: duplicate deliveries and one content under many keys cost one LLM call.

const FIXTURE = join(import.meta.dirname, '../../../shared/fixtures/interpol-ar.txt');
const context = { getRemainingTimeInMillis: () => 120_000, awsRequestId: 'req' } as unknown as Context;

let dir: string;
let s3Server: LocalS3;
let ddb: TestDynamo;
let llm: OpenAiTestServer;
let s3: S3Client;
let store: TestStore;
let ingest: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const events: S3EventNotificationRecord[] = [];

const message = (id: string, record: S3EventNotificationRecord, receiveCount = 1): SQSEvent =>
  sqsEvent([{ id, body: notificationBody(record), receiveCount }]);

const decodedKey = (r: S3EventNotificationRecord) => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));

async function upload(key: string, body: Uint8Array): Promise<S3EventNotificationRecord> {
  await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: key, Body: body }));
  const record = events.findLast((r) => decodedKey(r) === key);
  if (!record) throw new Error(`no event for ${key}`);
  return record;
}

/** Delivers each message until the handler acknowledges it, as SQS would, in parallel. */
async function deliverUntilAcknowledged(messages: { id: string; record: S3EventNotificationRecord }[]) {
  await Promise.all(
    messages.map(async ({ id, record }) => {
      for (let receive = 1; receive <= 10; receive++) {
        const response = await ingest(message(id, record, receive), context);
        if (response.batchItemFailures.length === 0) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`message ${id} was never acknowledged`);
    }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khulasa-single-flight-'));
  ddb = await startTestDynamo();
  llm = await startOpenAiTestServer({ latencyMs: 400 });
  s3Server = await startLocalS3({
    port: 0,
    directory: dir,
    buckets: ['articles'],
    onEvent: (r) => events.push(r),
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3Server.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  s3 = new S3Client({ endpoint: s3Server.endpoint, region: 'us-east-1', forcePathStyle: true });
  store = new TestStore({ client: ddb.client, tableName: ddb.tableName });
  ingest = createIngestHandler(
    defaultDeps(
      {},
      loadIngestConfig({
        TABLE_NAME: ddb.tableName,
        MAX_RECEIVE_COUNT: '10',
        S3_FORCE_PATH_STYLE: 'true',
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: llm.url,
        CONTENT_WAIT_SECONDS: '5',
      }),
    ),
  ) as typeof ingest;
}, 60_000);

afterAll(async () => {
  await s3Server?.close();
  await ddb?.close();
  await llm?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('single flight', () => {
  it('makes one LLM call for 20 simultaneous deliveries of the same notification', async () => {
    llm.clear();
    const record = await upload('incoming/duplicate.txt', await readFile(FIXTURE));

    await deliverUntilAcknowledged(Array.from({ length: 20 }, (_, i) => ({ id: `dup-${i}`, record })));

    expect(llm.chatRequests()).toHaveLength(1);
    expect((await store.get(recordId('articles', 'incoming/duplicate.txt')))?.status).toBe('done');
  });

  it('makes one LLM call for one content uploaded under 20 keys at once', async () => {
    llm.clear();
    const body = Buffer.from(
      'عنوان تجريبي للاختبار\nهذا نص خبر قصير كتبه فريق خلاصة لاختبار رفع المحتوى نفسه تحت مفاتيح كثيرة.',
    );
    const keys = Array.from({ length: 20 }, (_, i) => `incoming/copy (${i}).txt`);
    const records = await Promise.all(keys.map((key) => upload(key, body)));
    const byKey = new Map(records.map((r) => [decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), r]));

    await deliverUntilAcknowledged(
      keys.map((key, i) => ({ id: `copy-${i}`, record: byKey.get(key) as S3EventNotificationRecord })),
    );

    expect(llm.chatRequests()).toHaveLength(1);
    const stored = await Promise.all(keys.map((key) => store.get(recordId('articles', key))));
    expect(stored.map((r) => r?.status)).toEqual(keys.map(() => 'done'));
    const payers = stored.filter((r) => r?.usage?.reusedFrom === null);
    expect(payers).toHaveLength(1);
    expect(stored.every((r) => r?.summaries.ar?.summary === payers[0]?.summaries.ar?.summary)).toBe(true);
  });

  it('makes no LLM call when the same content is uploaded again under the same key', async () => {
    const body = Buffer.from(
      'عنوان خبر يعاد رفعه\nنص خبر قصير كتبه فريق خلاصة ليرفع مرتين تحت المفتاح نفسه.',
    );
    const first = await upload('incoming/again.txt', body);
    await deliverUntilAcknowledged([{ id: 'again-1', record: first }]);
    const before = await store.get(recordId('articles', 'incoming/again.txt'));
    llm.clear();

    const second = await upload('incoming/again.txt', body);
    await deliverUntilAcknowledged([{ id: 'again-2', record: second }]);

    expect(second.s3.object.sequencer > first.s3.object.sequencer).toBe(true);
    expect(llm.chatRequests()).toHaveLength(0);
    const after = await store.get(recordId('articles', 'incoming/again.txt'));
    expect(after?.status).toBe('done');
    expect(after?.summaries).toEqual(before?.summaries);
    expect(after?.usage).toMatchObject({ llmCalls: 0, reusedFrom: after?.id });
  });
});
