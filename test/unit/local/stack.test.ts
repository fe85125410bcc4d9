import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../../infra/local/stack.ts';
import { recordId } from '../../../lib/store/id.ts';
import type { SummaryRecord } from '../../../lib/store/record.ts';
import { freePort, pollJson } from '../../support/stack-process.ts';

// The real stack in this process (S3, dynalite, the queue, ingest workers, the API). The api handler
// is loaded once per process and keeps the DynamoDB endpoint it first resolved, as a Lambda container
// would: every stack of this file therefore uses the same DynamoDB port.
const dynamoPort = await freePort();

let dataDir: string;
let stack: LocalStack | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-stack-'));
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const start = (extra: Partial<LocalStackOptions> = {}) =>
  startLocalStack({
    dataDir,
    s3Port: 0,
    dynamoPort,
    apiPort: 0,
    concurrency: 1,
    retryDelaysSeconds: [0],
    log: () => undefined,
    ...extra,
  });

const upload = async (endpoint: string, key: string, body: string) => {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
  });
  await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: key, Body: body }));
  s3.destroy();
};

async function queueFiles(): Promise<string[]> {
  return (await readdir(join(dataDir, 'queue'))).filter((n) => n.endsWith('.json'));
}

const ARTICLE =
  'Council approves new bus routes\n\nThe city council approved three new bus routes on Tuesday. ' +
  'The routes will connect the northern districts to the central station. ' +
  'Officials said the service would start next month and run every ten minutes at peak hours.\n';

describe('the local stack', () => {
  it('answers /health within a second while an ingest worker spins, then kills it at the timeout and redelivers', async () => {
    const processed: { key: string; ok: boolean }[] = [];
    stack = await start({
      functionTimeoutSeconds: 2,
      ingestWorkerUrl: new URL('../../support/spinning-ingest-worker.ts', import.meta.url),
      onProcessed: (items) => processed.push(...items.map(({ key, ok }) => ({ key, ok }))),
    });

    await upload(stack.s3Endpoint, 'incoming/spin.txt', ARTICLE);
    const latencies: number[] = [];
    const statuses: number[] = [];
    while (processed.length === 0) {
      const started = performance.now();
      const res = await fetch(`${stack.apiUrl}/health`);
      latencies.push(performance.now() - started);
      statuses.push(res.status);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
    }

    expect(processed).toEqual([{ key: 'incoming/spin.txt', ok: true }]);
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(await readdir(join(dataDir, 'dead-letter'))).toEqual([]);
  });

  it('recovers an acknowledged upload whose queue message was lost, at the next start', async () => {
    stack = await start();
    await stack.queue.stop();
    await upload(stack.s3Endpoint, 'incoming/lost message.txt', ARTICLE);
    // Acknowledged means durable: the message is on disk by the time the upload is answered.
    const [file, ...others] = await queueFiles();
    expect(others).toEqual([]);
    await stack.close();
    await rm(join(dataDir, 'queue', file as string));

    stack = await start();
    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/lost message.txt')}`,
      (r, status) => status === 200 && r.status !== 'processing',
    );

    expect(stack.reconciled).toBe(1);
    expect(record.status).toBe('done');
    expect(record.source.key).toBe('incoming/lost message.txt');
  });

  it('sets an unreadable queue file aside, says so, and still summarises its upload', async () => {
    stack = await start();
    await stack.queue.stop();
    await upload(stack.s3Endpoint, 'incoming/cut short.txt', ARTICLE);
    const [name] = await queueFiles();
    await stack.close();
    const file = join(dataDir, 'queue', name as string);
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 40));
    const warnings: string[] = [];

    stack = await start({ warn: (line) => warnings.push(line) });
    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/cut short.txt')}`,
      (r, status) => status === 200 && r.status !== 'processing',
    );

    expect(warnings.filter((w) => w.includes(file))).toHaveLength(1);
    expect(await readdir(join(dataDir, 'dead-letter'))).toEqual([`corrupt-${name}`]);
    expect(record.status).toBe('done');
  });

  it('does not queue again at start an upload whose message is still waiting', async () => {
    stack = await start();
    await stack.queue.stop();
    await upload(stack.s3Endpoint, 'incoming/waiting.txt', ARTICLE);
    await stack.close();

    stack = await start();
    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/waiting.txt')}`,
      (r, status) => status === 200 && r.status !== 'processing',
    );

    expect(stack.reconciled).toBe(0);
    expect(record.status).toBe('done');
  });

  it('turns a record into a tombstone at start when its object was deleted and the event lost', async () => {
    stack = await start();
    await upload(stack.s3Endpoint, 'incoming/deleted.txt', ARTICLE);
    const path = `/summaries/${recordId('articles', 'incoming/deleted.txt')}`;
    await pollJson<SummaryRecord>(
      `${stack.apiUrl}${path}`,
      (r, status) => status === 200 && r.status === 'done',
    );
    await stack.queue.whenIdle();
    await stack.queue.stop();
    const s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    });
    await s3.send(new DeleteObjectCommand({ Bucket: 'articles', Key: 'incoming/deleted.txt' }));
    s3.destroy();
    await stack.close();
    for (const name of await queueFiles()) await rm(join(dataDir, 'queue', name));

    stack = await start();
    // The API answers a tombstone with 410 Gone.
    const gone = await pollJson<{ status: number }>(`${stack.apiUrl}${path}`, (_, status) => status === 410);

    expect(stack.reconciled).toBe(1);
    expect(gone.status).toBe(410);
  });

  it('summarises again at start an object restored by deleting its delete marker', async () => {
    stack = await start();
    await upload(stack.s3Endpoint, 'incoming/restored.txt', ARTICLE);
    const path = `/summaries/${recordId('articles', 'incoming/restored.txt')}`;
    await pollJson<SummaryRecord>(
      `${stack.apiUrl}${path}`,
      (r, status) => status === 200 && r.status === 'done',
    );
    const s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    });
    const marker = await s3.send(
      new DeleteObjectCommand({ Bucket: 'articles', Key: 'incoming/restored.txt' }),
    );
    await pollJson<{ status: number }>(`${stack.apiUrl}${path}`, (_, status) => status === 410);
    await s3.send(
      new DeleteObjectCommand({
        Bucket: 'articles',
        Key: 'incoming/restored.txt',
        VersionId: marker.VersionId,
      }),
    );
    s3.destroy();
    await stack.queue.whenIdle();
    await stack.close();

    stack = await start();
    const back = await pollJson<SummaryRecord>(
      `${stack.apiUrl}${path}`,
      (r, status) => status === 200 && r.status === 'done',
    );

    expect(marker.DeleteMarker).toBe(true);
    expect(stack.reconciled).toBe(1);
    expect(back.status).toBe('done');
  });

  it('queues nothing at start when bucket, table and queue agree', async () => {
    stack = await start();
    await upload(stack.s3Endpoint, 'incoming/settled.txt', ARTICLE);
    await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/settled.txt')}`,
      (r, status) => status === 200 && r.status === 'done',
    );
    await stack.queue.whenIdle();
    await stack.close();

    stack = await start();

    expect(stack.reconciled).toBe(0);
  });

  it('dead-letters at start a message past its last receive and ends its record failed, as a last attempt does', async () => {
    stack = await start({ maxReceiveCount: 2 });
    await stack.queue.stop();
    await upload(stack.s3Endpoint, 'incoming/wedged.txt', ARTICLE);
    const [name] = await queueFiles();
    await stack.close();
    // As a run that died twice in the middle of this message leaves it.
    const path = join(dataDir, 'queue', name as string);
    const message = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...message, receiveCount: 2 }));

    stack = await start({ maxReceiveCount: 2 });
    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/wedged.txt')}`,
      (r, status) => status === 200 && r.status !== 'processing',
    );

    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('internal');
    expect(record.error?.message).toMatch(/did not finish.*dead-letter queue/);
    expect(await readdir(join(dataDir, 'dead-letter'))).toEqual([`${message.messageId}.json`]);
    expect(await queueFiles()).toEqual([]);
  });
});
