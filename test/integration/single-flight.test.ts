import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3EventNotificationRecord } from '../../infra/local/s3-server.ts';
import { recordId } from '../../lib/domain/id.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';

// Nothing paid twice: duplicate deliveries and one content under many keys cost one LLM call.

const context = { getRemainingTimeInMillis: () => 120_000, awsRequestId: 'req' } as unknown as Context;

let rig: IngestRig;
let llm: OpenAiTestServer;

const upload = (key: string, body: Uint8Array) => rig.upload(key, body);
const store = () => rig.store;

/** Delivers each message until the handler acknowledges it, as SQS would, in parallel. */
async function deliverUntilAcknowledged(messages: { id: string; record: S3EventNotificationRecord }[]) {
  await Promise.all(
    messages.map(async ({ id, record }) => {
      for (let receive = 1; receive <= 10; receive++) {
        const response = await rig.ingest(rig.message(id, record, receive), context);
        if (response.batchItemFailures.length === 0) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`message ${id} was never acknowledged`);
    }),
  );
}

beforeAll(async () => {
  llm = await startOpenAiTestServer({ latencyMs: 400 });
  rig = await startIngestRig({
    config: {
      MAX_RECEIVE_COUNT: '10',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.url,
      CONTENT_WAIT_SECONDS: '5',
    },
  });
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await llm?.close();
});

describe('single flight', () => {
  it('makes one LLM call for 20 simultaneous deliveries of the same notification', async () => {
    llm.clear();
    const record = await upload('incoming/duplicate.txt', SOLAR_ARTICLE.bytes);

    await deliverUntilAcknowledged(Array.from({ length: 20 }, (_, i) => ({ id: `dup-${i}`, record })));

    expect(llm.chatRequests()).toHaveLength(1);
    expect((await store().get(recordId('articles', 'incoming/duplicate.txt')))?.status).toBe('done');
  });

  it('makes one LLM call for one content uploaded under 20 keys at once', async () => {
    llm.clear();
    const body = Buffer.from(
      'عنوان تجريبي للاختبار\nهذا نص خبر قصير كتبه فريق خلاصة لاختبار رفع المحتوى نفسه تحت مفاتيح كثيرة.',
    );
    const keys = Array.from({ length: 20 }, (_, i) => `incoming/copy (${i}).txt`);
    const records = await Promise.all(keys.map((key) => upload(key, body)));

    await deliverUntilAcknowledged(records.map((record, i) => ({ id: `copy-${i}`, record })));

    expect(llm.chatRequests()).toHaveLength(1);
    const stored = await Promise.all(keys.map((key) => store().get(recordId('articles', key))));
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
    const before = await store().get(recordId('articles', 'incoming/again.txt'));
    llm.clear();

    const second = await upload('incoming/again.txt', body);
    await deliverUntilAcknowledged([{ id: 'again-2', record: second }]);

    expect(second.s3.object.sequencer > first.s3.object.sequencer).toBe(true);
    expect(llm.chatRequests()).toHaveLength(0);
    const after = await store().get(recordId('articles', 'incoming/again.txt'));
    expect(after?.status).toBe('done');
    expect(after?.summaries).toEqual(before?.summaries);
    expect(after?.usage).toMatchObject({ llmCalls: 0, reusedFrom: after?.id });
  });
});
