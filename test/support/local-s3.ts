/** Helpers for the local S3 server's suites: a throwaway server, clients, and a data-dir walk. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import {
  type LocalS3,
  type LocalS3Options,
  type S3EventNotificationRecord,
  startLocalS3,
} from '../../infra/local/s3-server.ts';

export const BUCKET = 'articles';

export const randomCredentials = () => ({
  accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(20).toString('base64'),
});

/** A client with the SDK's defaults (aws-chunked uploads with CRC32 trailers), unless overridden. */
export const clientFor = (endpoint: string, overrides: Partial<S3ClientConfig> = {}) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: randomCredentials(),
    forcePathStyle: true,
    ...overrides,
  });

export const download = async (client: S3Client, key: string, bucket = BUCKET): Promise<Buffer> => {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!got.Body) throw new Error(`no body for ${key}`);
  return Buffer.from(await got.Body.transformToByteArray());
};

export interface TestS3 {
  s3: LocalS3;
  client: S3Client;
  /** The server's data directory: `<parent>/data`, so writes outside it show up in `parent`. */
  directory: string;
  parent: string;
  events: S3EventNotificationRecord[];
  stop(): Promise<void>;
  /** Closes the server (keeping the directory) and starts a new one on it. */
  restart(overrides?: Partial<LocalS3Options>): Promise<void>;
}

export async function startTestS3(overrides: Partial<LocalS3Options> = {}): Promise<TestS3> {
  const parent = await mkdtemp(join(tmpdir(), 'khulasa-local-s3-'));
  const directory = join(parent, 'data');
  await mkdir(directory);
  const events: S3EventNotificationRecord[] = [];
  const start = (more: Partial<LocalS3Options>) =>
    startLocalS3({
      port: 0,
      directory,
      buckets: [BUCKET],
      onEvent: (record) => {
        events.push(record);
      },
      ...overrides,
      ...more,
    });
  const test: TestS3 = {
    s3: await start({}),
    client: undefined as unknown as S3Client,
    directory,
    parent,
    events,
    stop: async () => {
      test.client.destroy();
      await test.s3.close();
      await rm(parent, { recursive: true, force: true });
    },
    restart: async (more = {}) => {
      test.client.destroy();
      await test.s3.close();
      test.s3 = await start(more);
      test.client = clientFor(test.s3.endpoint);
    },
  };
  test.client = clientFor(test.s3.endpoint);
  return test;
}

/** Every file and directory under `dir`, as paths relative to it. */
export async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

type SdkFailure = { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
/** An SDK call's outcome as status and error name (200/'none' when it succeeds). */
export const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 200, code: 'none' }),
    (e: SdkFailure) => ({ status: e.$metadata?.httpStatusCode, code: e.name }),
  );

/** A request exactly as written, bypassing the SDK (for what the SDK would never send). */
export const raw = (
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });

/** The SHA-256 of a key, hex: the name the server stores the key's object under. */
export const keyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Where the server keeps an object's sidecar: under its key hash, fanned out by two hex digits. */
export const sidecarOf = (t: TestS3, key: string): string => {
  const hash = keyHash(key);
  return join(t.directory, BUCKET, hash.slice(0, 2), `${hash}.json`);
};

/** What the SDK reports for a failed request: its HTTP status, S3 error code and message. */
export const failureWithMessage = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 200, code: 'none', message: '' }),
    (e: SdkFailure) => ({ status: e.$metadata?.httpStatusCode, code: e.name, message: e.message ?? '' }),
  );
