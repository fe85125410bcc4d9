import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import type { OutcomeEvent } from '../../lib/domain/outcome-event.ts';
import { DynamoIngestStore } from '../../lib/store/ingest-store.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { runLocalScript, type StackProcess, startStackProcess } from '../support/stack-process.ts';
import {
  type ReceivedHook,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/webhook-receiver.ts';

// `npm start` with a webhook: every done, failed and deleted upload reaches a loopback receiver,
// signed, and retried when the receiver first refuses.

const SECRET = 'e2e-webhook-secret-0123456789abcdef';
const DONE_KEY = 'incoming/events/تقرير الطاقة.txt';
const FAILED_KEY = 'incoming/events/empty.txt';
const credentials = { accessKeyId: 'khulasa-local', secretAccessKey: 'khulasa-local' };

/** The receiver's check, written as the README tells a consumer to write it. */
function verified(hook: ReceivedHook, now: number): boolean {
  const timestamp = Number(hook.headers['x-khulasa-timestamp']);
  const signature = String(hook.headers['x-khulasa-signature'] ?? '');
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > 300) return false;
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${hook.body}`).digest('hex')}`;
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

const eventsOf = (hooks: ReceivedHook[]) => hooks.map((h) => JSON.parse(h.body) as OutcomeEvent);
const delivered = (hooks: ReceivedHook[]) => eventsOf(hooks.filter((h) => h.status < 300));
const has = (hooks: ReceivedHook[], key: string, status: string) =>
  delivered(hooks).some((e) => e.detail.key === key && e.detail.status === status);

describe('npm start with KHULASA_WEBHOOK_URL', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let stack: StackProcess;
  let s3: S3Client;
  let store: DynamoIngestStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-e2e-events-'));
    receiver = await startWebhookReceiver({ refuse: 1 });
    stack = await startStackProcess({
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
      OPENAI_API_KEY: '',
      LLM_PROVIDER: '',
      KHULASA_WEBHOOK_URL: receiver.url,
      KHULASA_WEBHOOK_SECRET: SECRET,
    });
    s3 = new S3Client({ endpoint: stack.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    const dynamo = new DynamoDBClient({ endpoint: stack.dynamoEndpoint, region: 'us-east-1', credentials });
    store = new DynamoIngestStore({ client: DynamoDBDocumentClient.from(dynamo), tableName: 'summaries' });
  }, 90_000);

  afterAll(async () => {
    s3?.destroy();
    await stack?.stop();
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('POSTs a signed event for a done, a failed and a deleted upload, each with its revision', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: DONE_KEY, Body: SOLAR_ARTICLE.bytes }));
    await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: FAILED_KEY, Body: '' }));
    await receiver.waitFor((r) => has(r, DONE_KEY, 'done') && has(r, FAILED_KEY, 'failed'));
    const doneRevision = (await store.readRevisioned(recordId('articles', DONE_KEY)))?.revision;
    const failedRevision = (await store.readRevisioned(recordId('articles', FAILED_KEY)))?.revision;

    await s3.send(new DeleteObjectCommand({ Bucket: 'articles', Key: DONE_KEY }));
    await receiver.waitFor((r) => has(r, DONE_KEY, 'deleted'));
    const deletedRevision = (await store.readRevisioned(recordId('articles', DONE_KEY)))?.revision;

    const now = Math.floor(Date.now() / 1000);
    expect(receiver.received.filter((h) => !verified(h, now))).toEqual([]);
    const seen = delivered(receiver.received).map((e) => [e['detail-type'], e.detail.key, e.detail.revision]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['Summary Done', DONE_KEY, doneRevision],
        ['Summary Failed', FAILED_KEY, failedRevision],
        ['Summary Deleted', DONE_KEY, deletedRevision],
      ]),
    );
    expect(deletedRevision).toBeGreaterThan(doneRevision ?? Number.POSITIVE_INFINITY);
    const failed = delivered(receiver.received).find((e) => e.detail.key === FAILED_KEY);
    expect(failed?.detail).toMatchObject({ status: 'failed', errorCode: 'empty', languages: [] });
  });

  it('delivers the event it first refused again, byte for byte', () => {
    const [refused] = receiver.received;

    expect(refused?.status).toBe(503);
    expect(receiver.received.filter((h) => h.status < 300).map((h) => h.body)).toContain(refused?.body);
  });

  it('logs the same events to events/ in the data folder, which npm run reset removes', async () => {
    const logged = (await readFile(join(dataDir, 'events', 'outcomes.jsonl'), 'utf8')).trim().split('\n');
    await receiver.waitFor((r) => delivered(r).length >= logged.length);
    const bodies = new Set(receiver.received.map((h) => h.body));

    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(logged.filter((line) => !bodies.has(line))).toEqual([]);

    await stack.stop();
    const reset = await runLocalScript('reset.ts', { KHULASA_DATA_DIR: dataDir });
    expect(reset.code).toBe(0);
    await expect(stat(join(dataDir, 'events'))).rejects.toThrow(/ENOENT/);
  });
});

describe('npm start with a webhook URL but no secret', () => {
  it('refuses to start, in one line naming the variable, with exit code 2', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'khulasa-e2e-unsigned-'));
    try {
      const result = await runLocalScript('start.ts', {
        KHULASA_DATA_DIR: dataDir,
        KHULASA_SAMPLES: 'false',
        KHULASA_WEBHOOK_URL: 'http://127.0.0.1:9/hooks',
        KHULASA_WEBHOOK_SECRET: '',
      });

      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        'khulasa: KHULASA_WEBHOOK_SECRET is required with KHULASA_WEBHOOK_URL: webhooks are always signed (e.g. KHULASA_WEBHOOK_SECRET=$(openssl rand -hex 32)). Fix or unset it and run npm start again.',
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
