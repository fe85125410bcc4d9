import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../infra/local/stack.ts';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { freePort, pollJson } from '../support/stack-process.ts';

// The local stack in this process (its S3 server, queue, ingest workers, dynalite and API), driven
// by a user's SDK client: deletes on the versioned bucket `npm start` serves, and on an unversioned one.
// The api handler keeps the DynamoDB endpoint it first resolved, so every stack here shares one port.
const dynamoPort = await freePort();
const KEY = 'news/bus-routes.txt';
const ID = recordId('articles', KEY);

const ARTICLE = (n: number) =>
  `Council approves new bus routes, draft ${n}\n\nThe city council approved three new bus routes on Tuesday. ` +
  'The routes will connect the northern districts to the central station. ' +
  `Officials said the service would start next month and run every ${n + 5} minutes at peak hours.\n`;

describe('deletes through the local stack', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  let s3: S3Client;
  let processed: string[];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-deletes-'));
    processed = [];
  });

  afterEach(async () => {
    s3?.destroy();
    await stack?.close();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(extra: Partial<LocalStackOptions> = {}) {
    stack = await startLocalStack({
      dataDir,
      s3Port: 0,
      dynamoPort,
      apiPort: 0,
      concurrency: 1,
      retryDelaysSeconds: [0],
      log: () => undefined,
      onProcessed: (keys) => processed.push(...keys.map((k) => k.key)),
      ...extra,
    });
    s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAUSERKEY', secretAccessKey: 'user-secret' },
    });
    return stack;
  }

  const record = (predicate: (r: SummaryRecord, status: number) => boolean) =>
    pollJson<SummaryRecord>(`${stack?.apiUrl}/summaries/${ID}`, predicate);

  /** Waits until the stack has processed `count` messages in all. */
  const processedCount = async (count: number) => {
    const deadline = Date.now() + 30_000;
    while (processed.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(processed.length).toBeGreaterThanOrEqual(count);
  };

  async function uploadTwoVersions() {
    const first = await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: KEY, Body: ARTICLE(1) }));
    await record(
      (r, status) => status === 200 && r.status === 'done' && r.source.versionId === first.VersionId,
    );
    const second = await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: KEY, Body: ARTICLE(2) }));
    await record(
      (r, status) => status === 200 && r.status === 'done' && r.source.versionId === second.VersionId,
    );
    return { first: first.VersionId as string, second: second.VersionId as string };
  }

  it('serves a versioned bucket, and a non-current version deleted for good leaves the record served', async () => {
    const { s3Endpoint } = await start();
    const { first, second } = await uploadTwoVersions();
    const before = processed.length;

    await s3.send(new DeleteObjectCommand({ Bucket: 'articles', Key: KEY, VersionId: first }));
    await processedCount(before + 1);
    const status = await s3.send(new GetBucketVersioningCommand({ Bucket: 'articles' }));
    const after = await fetch(`${stack?.apiUrl}/summaries/${ID}`);

    expect(s3Endpoint).toMatch(/^http:/);
    expect(status.Status).toBe('Enabled');
    expect(after.status).toBe(200);
    const body = (await after.json()) as SummaryRecord;
    expect(body.status).toBe('done');
    expect(body.source.versionId).toBe(second);
  });

  it('answers 410 once a delete marker hides the object', async () => {
    await start();
    await uploadTwoVersions();

    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'articles', Key: KEY }));
    const gone = await pollJson<{ status: number }>(
      `${stack?.apiUrl}/summaries/${ID}`,
      (_, status) => status === 410,
    );

    expect(deleted.DeleteMarker).toBe(true);
    expect(gone.status).toBe(410);
  });

  it('answers 410 once an object in an unversioned bucket is deleted', async () => {
    await start({ versioned: false });
    const put = await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: KEY, Body: ARTICLE(1) }));
    await record((r, status) => status === 200 && r.status === 'done');

    await s3.send(new DeleteObjectCommand({ Bucket: 'articles', Key: KEY }));
    const gone = await pollJson<{ status: number }>(
      `${stack?.apiUrl}/summaries/${ID}`,
      (_, status) => status === 410,
    );

    expect(put.VersionId).toBeUndefined();
    expect(gone.status).toBe(410);
  });
});
