import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { S3EventNotificationRecord } from '../../infra/local/s3-server.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { dynamoThrottle, type FaultProxy } from '../support/fault-proxy.ts';
import { type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { arabicArticle, type CountingLlm, englishArticle, startCountingLlm } from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';

// The ingest handler driven in-process, as SQS would drive it, so deliveries, their order and
// their duplicates are exactly what each scenario says; S3 and DynamoDB sit behind fault proxies.

const MAX_ARTICLE_BYTES = 200 * 1024;
const context = { getRemainingTimeInMillis: () => 120_000, awsRequestId: 'req' } as unknown as Context;

let rig: IngestRig;
let s3Proxy: FaultProxy;
let ddbProxy: FaultProxy;
let llm: CountingLlm;
let messageSeq = 0;

const upload = (key: string, body: Uint8Array | string) => rig.upload(key, body);

/**
 * Delivers one SQS message until the handler acknowledges it, as SQS redelivers (same messageId);
 * returns the receive that was acknowledged.
 */
async function deliver(record: S3EventNotificationRecord, id = `msg-${++messageSeq}`, maxReceives = 10) {
  for (let receive = 1; receive <= maxReceives; receive++) {
    const response = await rig.ingest(rig.message(id, record, receive), context);
    if (response.batchItemFailures.length === 0) return receive;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`message ${id} was never acknowledged`);
}

/** Reads DynamoDB directly (not through the proxy), with the API's own reader code. */
const get = (key: string) => rig.store.get(recordId('articles', key));

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
  llm = await startCountingLlm({ latencyMs: 300 });
  rig = await startIngestRig({
    faults: true,
    // Fewer SDK attempts than the proxy's faults: the queue's retry has to take over.
    maxAttempts: 2,
    config: {
      MAX_RECEIVE_COUNT: '10',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.llm.url,
      LLM_MAX_RETRIES: '0',
      LLM_TIMEOUT_MS: '10000',
      CONTENT_WAIT_SECONDS: '5',
      MAX_ARTICLE_BYTES: String(MAX_ARTICLE_BYTES),
    },
  });
  if (!rig.proxies) throw new Error('the rig was asked for fault proxies');
  s3Proxy = rig.proxies.s3;
  ddbProxy = rig.proxies.dynamo;
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await llm?.llm.close();
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

    const delivery = deliver(record);
    const seen = await watch(key, delivery);

    expect(faults).toBe(3);
    // Two SDK attempts per request cannot get past three faults: the message went back to the queue.
    expect(await delivery).toBeGreaterThan(1);
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
    // Two attempts of the paid-result write and two of the record write: the record write fails
    // too, so the retry from the queue has to find the result this container already paid for.
    ddbProxy.setRule((r) => {
      if (isUpdate(r.headers) && faults < 4) {
        faults += 1;
        return dynamoThrottle;
      }
      return 'pass';
    });

    const delivery = deliver(record);
    const seen = await watch(key, delivery);

    expect(faults).toBe(4);
    expect(await delivery).toBeGreaterThan(1);
    const stored = await get(key);
    expect(stored?.status).toBe('done');
    expect(seen.filter((r) => r.status === 'done' && Object.keys(r.summaries).length === 0)).toEqual([]);
    figures(10, before, [stored], 1);
    expect(llm.llm.chatRequests().length - before.calls).toBe(1);
  });
});
