import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';
import { type LocalS3, type S3EventNotificationRecord, startLocalS3 } from '../../infra/local/s3-server.ts';

const BUCKET = 'articles';
const arabicFixture = new URL('../../samples/ar-solar-farm.txt', import.meta.url);

/** Made-up credentials, as a user's own AWS profile would be. */
const randomCredentials = () => ({
  accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(20).toString('base64'),
});

/** A client with the SDK's defaults (aws-chunked uploads with CRC32 trailers), unless overridden. */
const clientFor = (endpoint: string, overrides: Partial<S3ClientConfig> = {}) =>
  new S3Client({ endpoint, region: 'us-east-1', credentials: randomCredentials(), ...overrides });

const download = async (client: S3Client, key: string): Promise<Buffer> => {
  const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  if (!got.Body) throw new Error(`no body for ${key}`);
  return Buffer.from(await got.Body.transformToByteArray());
};

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request shaped by hand, for request forms the JS SDK does not send. */
const rawRequest = (
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: options.method,
      path: options.path,
      headers: options.headers,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    const body = options.body;
    if (options.headers?.expect === '100-continue') req.on('continue', () => req.end(body));
    else req.end(body);
  });

/** A SigV4 Authorization header with a made-up key and signature: nothing checks the signature. */
const fakeSigV4 = () => {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return {
    'x-amz-date': amzDate,
    authorization:
      `AWS4-HMAC-SHA256 Credential=AKIAFAKE/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, ` +
      `SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
  };
};

describe('local S3 endpoint', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;
  const events: S3EventNotificationRecord[] = [];
  const eventsFor = (key: string) => events.filter((e) => e.s3.object.key === encodeS3EventKey(key));
  /** What the default client put on the wire, to show which tests really exercise aws-chunked. */
  const sent: { method: string; headers: Record<string, string> }[] = [];
  const lastPutHeaders = () => sent.filter((r) => r.method === 'PUT').at(-1)?.headers ?? {};

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'khulasa-local-s3-'));
    s3 = await startLocalS3({
      port: 0,
      directory,
      buckets: [BUCKET, 'other'],
      onEvent: (e) => events.push(e),
    });
    client = clientFor(s3.endpoint);
    client.middlewareStack.add(
      (next) => async (args) => {
        const { method, headers } = args.request as { method: string; headers: Record<string, string> };
        sent.push({ method, headers: { ...headers } });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(directory, { recursive: true, force: true });
  });

  describe('buckets and credentials', () => {
    it('creates every configured bucket', async () => {
      await expect(client.send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();
      await expect(client.send(new HeadBucketCommand({ Bucket: 'other' }))).resolves.toBeDefined();
    });

    it('accepts any access key id and secret with SigV4 header auth', async () => {
      const alice = clientFor(s3.endpoint);
      const bob = clientFor(s3.endpoint);

      await alice.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'creds/alice.txt', Body: 'from alice' }));
      const readByBob = await download(bob, 'creds/alice.txt');

      expect(readByBob.toString('utf8')).toBe('from alice');
      alice.destroy();
      bob.destroy();
    });

    it('serves presigned PUT and GET URLs signed with any key, response overrides included', async () => {
      const key = 'presigned/تقرير (1).txt';
      const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: key }), {
        expiresIn: 60,
      });
      const getUrl = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: key,
          ResponseContentDisposition: 'attachment; filename="a.txt"',
        }),
        { expiresIn: 60 },
      );

      const put = await fetch(putUrl, { method: 'PUT', body: 'نص عربي' });
      const get = await fetch(getUrl);

      expect(put.status).toBe(200);
      expect(get.status).toBe(200);
      expect(await get.text()).toBe('نص عربي');
      expect(get.headers.get('content-disposition')).toBe('attachment; filename="a.txt"');
    });
    it('still refuses an expired presigned URL, as S3 does', async () => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'presigned/old.txt', Body: 'old' }));
      const expiredUrl = await getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: BUCKET, Key: 'presigned/old.txt' }),
        {
          expiresIn: 1,
          signingDate: new Date(Date.now() - 60_000),
        },
      );

      const get = await fetch(expiredUrl);

      expect(get.status).toBe(403);
      expect(await get.text()).toContain('<Code>AccessDenied</Code>');
    });
  });

  describe('uploads come back byte for byte', () => {
    it('stores a Buffer body (sent plain, CRC32 in a header) exactly', async () => {
      const body = Buffer.from('hello, khulasa\n');

      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'chunked/buffer.txt', Body: body }));

      expect(lastPutHeaders()['x-amz-checksum-crc32']).toBeDefined();
      expect(await download(client, 'chunked/buffer.txt')).toEqual(body);
    });

    it('stores a Readable stream body (sent aws-chunked with a CRC32 trailer) exactly', async () => {
      const body = randomBytes(10_000);

      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'chunked/stream.bin',
          Body: Readable.from([body.subarray(0, 3000), body.subarray(3000)]),
          ContentLength: body.length,
        }),
      );

      expect(lastPutHeaders()).toMatchObject({
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-trailer': 'x-amz-checksum-crc32',
      });
      expect(await download(client, 'chunked/stream.bin')).toEqual(body);
    });

    it('stores a streamed Arabic UTF-8 article exactly, with no content-encoding left on it', async () => {
      const body = await readFile(arabicFixture);

      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'incoming/الإنتربول.txt',
          Body: Readable.from([body]),
          ContentLength: body.length,
          ContentType: 'text/plain; charset=utf-8',
        }),
      );

      expect(lastPutHeaders()['content-encoding']).toBe('aws-chunked');
      const stored = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/الإنتربول.txt' }),
      );
      expect(stored.ContentLength).toBe(body.length);
      expect(stored.ContentEncoding).toBeUndefined();
      expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? [])).toEqual(body);
    });

    it('stores a multi-chunk body (> 64 KiB, streamed) exactly', async () => {
      const body = randomBytes(300 * 1024 + 17);

      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'chunked/large.bin',
          Body: Readable.from([body]),
          ContentLength: body.length,
        }),
      );

      expect(lastPutHeaders()['content-encoding']).toBe('aws-chunked');
      expect(await download(client, 'chunked/large.bin')).toEqual(body);
    });

    it('works with a forcePathStyle + WHEN_REQUIRED checksums client (plain bodies)', async () => {
      const plain = clientFor(s3.endpoint, {
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      const body = Buffer.from('مرحبا '.repeat(20_000));

      await plain.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'plain/ar.txt',
          Body: Readable.from([body]),
          ContentLength: body.length,
        }),
      );

      expect(await download(plain, 'plain/ar.txt')).toEqual(body);
      plain.destroy();
    });

    it('decodes SigV4-signed aws-chunked bodies sent with Expect: 100-continue, as the AWS CLI does', async () => {
      const payload = Buffer.from('نص من سطر الأوامر');
      const framed = Buffer.concat([
        Buffer.from(`${(10).toString(16)};chunk-signature=${'a'.repeat(64)}\r\n`),
        payload.subarray(0, 10),
        Buffer.from(`\r\n${(payload.length - 10).toString(16)};chunk-signature=${'b'.repeat(64)}\r\n`),
        payload.subarray(10),
        Buffer.from(`\r\n0;chunk-signature=${'c'.repeat(64)}\r\n\r\n`),
      ]);

      const put = await rawRequest(s3.port, {
        method: 'PUT',
        path: `/${BUCKET}/cli/signed-chunks.txt`,
        headers: {
          ...fakeSigV4(),
          expect: '100-continue',
          'content-encoding': 'aws-chunked',
          'content-length': String(framed.length),
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'x-amz-decoded-content-length': String(payload.length),
        },
        body: framed,
      });

      expect(put.status).toBe(200);
      expect(await download(client, 'cli/signed-chunks.txt')).toEqual(payload);
    });

    it('rejects a truncated aws-chunked body with IncompleteBody and stores nothing', async () => {
      const put = await rawRequest(s3.port, {
        method: 'PUT',
        path: `/${BUCKET}/broken/truncated.txt`,
        headers: {
          ...fakeSigV4(),
          'content-encoding': 'aws-chunked',
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'x-amz-decoded-content-length': '100',
        },
        body: '64\r\nonly a few bytes',
      });

      expect(put.status).toBe(400);
      expect(put.body).toContain('<Code>IncompleteBody</Code>');
      expect(eventsFor('broken/truncated.txt')).toEqual([]);
    });

    it('serves <bucket>.localhost virtual-hosted requests', async () => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'vhost/a.txt', Body: 'virtual' }));

      const got = await rawRequest(s3.port, {
        method: 'GET',
        path: '/vhost/a.txt',
        headers: { host: `${BUCKET}.localhost:${s3.port}` },
      });

      expect(got.status).toBe(200);
      expect(got.body).toBe('virtual');
    });
  });

  describe('event notifications', () => {
    it('reports a PutObject as a real-S3-shaped ObjectCreated:Put record with the key URL-encoded', async () => {
      const key = 'incoming/تقرير الإنتربول (1)+final.txt';
      const body = Buffer.from('خبر');

      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

      expect(eventsFor(key)).toEqual([
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: expect.any(String) },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: expect.any(String),
            bucket: {
              name: BUCKET,
              ownerIdentity: { principalId: expect.any(String) },
              arn: `arn:aws:s3:::${BUCKET}`,
            },
            object: {
              key: 'incoming/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1+%D8%A7%D9%84%D8%A5%D9%86%D8%AA%D8%B1%D8%A8%D9%88%D9%84+%281%29%2Bfinal.txt',
              size: body.length,
              eTag: expect.stringMatching(/^[0-9a-f]{32}$/),
              sequencer: expect.stringMatching(/^[0-9A-F]{16}$/),
            },
          },
        },
      ]);
    });

    it('gives the record the unquoted ETag that S3 returned to the uploader', async () => {
      const put = await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'events/etag.txt', Body: 'etag' }),
      );

      expect(eventsFor('events/etag.txt')[0]?.s3.object.eTag).toBe(put.ETag?.replaceAll('"', ''));
    });

    it('reports a CopyObject as ObjectCreated:Copy with the copy’s size and eTag', async () => {
      const put = await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'events/src.txt', Body: 'copy me' }),
      );

      await client.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'events/نسخة 1.txt',
          CopySource: `${BUCKET}/events/src.txt`,
        }),
      );

      expect(
        eventsFor('events/نسخة 1.txt').map((e) => [e.eventName, e.s3.object.size, e.s3.object.eTag]),
      ).toEqual([['ObjectCreated:Copy', 7, put.ETag?.replaceAll('"', '')]]);
    });

    it('reports a completed multipart upload as ObjectCreated:CompleteMultipartUpload', async () => {
      const key = 'events/multipart article.bin';
      const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1234)];
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      const uploaded = await Promise.all(
        parts.map(async (Body, i) => {
          const part = await client.send(
            new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body }),
          );
          return { PartNumber: i + 1, ETag: part.ETag };
        }),
      );

      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: uploaded },
        }),
      );

      expect(eventsFor(key).map((e) => [e.eventName, e.s3.object.size])).toEqual([
        ['ObjectCreated:CompleteMultipartUpload', 5 * 1024 * 1024 + 1234],
      ]);
      expect(await download(client, key)).toEqual(Buffer.concat(parts));
    });

    it('reports DeleteObject as ObjectRemoved:Delete without size or eTag', async () => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'events/gone.txt', Body: 'bye' }));

      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'events/gone.txt' }));

      const removed = eventsFor('events/gone.txt').filter((e) => e.eventName === 'ObjectRemoved:Delete');
      expect(removed).toHaveLength(1);
      expect(removed[0]?.s3.object).toEqual({
        key: 'events/gone.txt',
        sequencer: expect.stringMatching(/^[0-9A-F]{16}$/),
      });
    });

    it('reports each object removed by DeleteObjects (what `aws s3 rm --recursive` sends)', async () => {
      const keys = ['events/bulk 1.txt', 'events/bulk 2.txt'];
      for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));

      await client.send(
        new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
      );

      for (const key of keys) {
        expect(eventsFor(key).map((e) => e.eventName)).toEqual(['ObjectCreated:Put', 'ObjectRemoved:Delete']);
      }
    });

    it('hands out strictly increasing 16-digit hex sequencers', async () => {
      for (let i = 0; i < 20; i++) {
        await client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `events/seq-${i}.txt`, Body: String(i) }),
        );
      }

      const sequencers = events.map((e) => e.s3.object.sequencer);
      expect(sequencers.every((s) => /^[0-9A-F]{16}$/.test(s))).toBe(true);
      expect(sequencers.every((s, i) => i === 0 || s > (sequencers[i - 1] ?? ''))).toBe(true);
    });

    it('answers ServiceUnavailable (not 200) when onEvent throws, keeps the object, and keeps serving', async () => {
      const failingDir = await mkdtemp(join(tmpdir(), 'khulasa-local-s3-throw-'));
      const failing = await startLocalS3({
        port: 0,
        directory: failingDir,
        buckets: [BUCKET],
        onEvent: () => {
          throw new Error('consumer broke');
        },
      });
      const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const c = clientFor(failing.endpoint, { maxAttempts: 1 });

      try {
        const put = await c
          .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x.txt', Body: 'still stored' }))
          .then(
            () => ({ status: 200, code: 'none' }),
            (e: { $metadata?: { httpStatusCode?: number }; name?: string; message?: string }) => ({
              status: e.$metadata?.httpStatusCode,
              code: e.name,
              message: e.message,
            }),
          );

        expect(put).toMatchObject({
          status: 503,
          code: 'ServiceUnavailable',
          message: expect.stringContaining('consumer broke'),
        });
        expect((await download(c, 'x.txt')).toString()).toBe('still stored');
        expect(errors).toHaveBeenCalledWith(expect.stringContaining('ServiceUnavailable'));
      } finally {
        errors.mockRestore();
        c.destroy();
        await failing.close();
        await rm(failingDir, { recursive: true, force: true });
      }
    });
  });

  describe('lifecycle', () => {
    it('keeps objects and increasing sequencers across close and restart on the same directory', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'khulasa-local-s3-restart-'));
      const seen: S3EventNotificationRecord[] = [];
      const start = () =>
        startLocalS3({ port: 0, directory: dir, buckets: [BUCKET], onEvent: (e) => seen.push(e) });
      const first = await start();
      const c1 = clientFor(first.endpoint);
      await c1.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'before.txt', Body: 'kept' }));
      c1.destroy();
      await first.close();

      const second = await start();
      const c2 = clientFor(second.endpoint);
      await c2.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after.txt', Body: 'new' }));
      const kept = await download(c2, 'before.txt');
      c2.destroy();
      await second.close();
      await rm(dir, { recursive: true, force: true });

      expect(kept.toString()).toBe('kept');
      const [before, after] = seen.map((e) => e.s3.object.sequencer);
      expect(after && before && after > before).toBe(true);
    });

    it('close() returns promptly with a keep-alive client connected, and the port stops answering', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'khulasa-local-s3-close-'));
      const server = await startLocalS3({
        port: 0,
        directory: dir,
        buckets: [BUCKET],
        onEvent: () => undefined,
      });
      const c = clientFor(server.endpoint);
      await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k.txt', Body: 'keep-alive' }));

      const started = Date.now();
      await server.close();
      const tookMs = Date.now() - started;

      expect(tookMs).toBeLessThan(1000);
      await expect(
        rawRequest(server.port, { method: 'GET', path: `/${BUCKET}/k.txt`, headers: fakeSigV4() }),
      ).rejects.toThrow(/ECONNREFUSED/);
      c.destroy();
      await rm(dir, { recursive: true, force: true });
    });

    it('writes nothing to stdout while serving requests', async () => {
      const stdout = vi.spyOn(process.stdout, 'write');

      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'quiet.txt', Body: 'shh' }));
      await download(client, 'quiet.txt');
      await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.txt' })).catch(() => undefined);

      expect(stdout).not.toHaveBeenCalled();
      stdout.mockRestore();
    });
  });
});
