import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';
import { BUCKET, download, startTestS3, type TestS3 } from '../support/local-s3.ts';

type SdkFailure = { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 200, code: 'none' }),
    (e: SdkFailure) => ({ status: e.$metadata?.httpStatusCode, code: e.name }),
  );

const raw = (
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

describe('local S3 operations behave as S3 answers them', () => {
  let t: TestS3;
  const body = Buffer.from('0123456789abcdef');

  beforeAll(async () => {
    t = await startTestS3();
    await t.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'ops/range.txt', Body: body, ContentType: 'text/plain' }),
    );
  });

  afterAll(async () => {
    await t?.stop();
  });

  describe('buckets', () => {
    it('creates buckets idempotently and lists, heads and locates them', async () => {
      await t.client.send(new CreateBucketCommand({ Bucket: 'drafts' }));
      await t.client.send(new CreateBucketCommand({ Bucket: 'drafts' }));

      const buckets = await t.client.send(new ListBucketsCommand({}));
      const location = await t.client.send(new GetBucketLocationCommand({ Bucket: 'drafts' }));

      expect(buckets.Buckets?.map((b) => b.Name)).toEqual(['articles', 'drafts']);
      await expect(t.client.send(new HeadBucketCommand({ Bucket: 'drafts' }))).resolves.toBeDefined();
      expect(location.LocationConstraint).toBeUndefined();
      expect(await failureOf(t.client.send(new HeadBucketCommand({ Bucket: 'missing' })))).toEqual({
        status: 404,
        code: 'NotFound',
      });
    });

    it('answers S3 XML errors with Code, Message, Key and RequestId', async () => {
      const missingKey = await raw(t.s3.port, 'GET', `/${BUCKET}/ops/nope%20here.txt`);
      const missingBucket = await raw(t.s3.port, 'PUT', '/missing-bucket/k.txt', {}, 'x');

      expect(missingKey.status).toBe(404);
      expect(missingKey.body).toMatch(
        /^<\?xml[^>]*>\n<Error><Code>NoSuchKey<\/Code><Message>[^<]+<\/Message><Key>ops\/nope here.txt<\/Key><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/,
      );
      expect(missingKey.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
      expect(missingBucket.status).toBe(404);
      expect(missingBucket.body).toContain('<Code>NoSuchBucket</Code>');
    });

    it('refuses an expired SigV2 presigned URL with AccessDenied', async () => {
      const past = Math.floor(Date.now() / 1000) - 60;

      const got = await raw(
        t.s3.port,
        'GET',
        `/${BUCKET}/ops/range.txt?AWSAccessKeyId=AKIAX&Expires=${past}&Signature=abc`,
      );
      const fresh = await raw(
        t.s3.port,
        'GET',
        `/${BUCKET}/ops/range.txt?AWSAccessKeyId=AKIAX&Expires=${past + 3600}&Signature=abc`,
      );

      expect(got.status).toBe(403);
      expect(got.body).toContain('<Code>AccessDenied</Code>');
      expect(fresh.status).toBe(200);
    });
  });

  describe('GetObject and HeadObject', () => {
    it('answers a Range with 206 and Content-Range, a suffix range too, and 416 past the end', async () => {
      const part = await t.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'ops/range.txt', Range: 'bytes=2-5' }),
      );
      const suffix = await t.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'ops/range.txt', Range: 'bytes=-3' }),
      );

      expect(part.$metadata.httpStatusCode).toBe(206);
      expect(part.ContentRange).toBe('bytes 2-5/16');
      expect(await part.Body?.transformToString()).toBe('2345');
      expect(await suffix.Body?.transformToString()).toBe('def');
      expect(
        await failureOf(
          t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ops/range.txt', Range: 'bytes=16-' })),
        ),
      ).toEqual({
        status: 416,
        code: 'InvalidRange',
      });
    });

    it('honours If-None-Match / If-Modified-Since (304) and If-Match / If-Unmodified-Since (412)', async () => {
      const { ETag } = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ops/range.txt' }));
      const get = (extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]>) =>
        failureOf(t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ops/range.txt', ...extra })));

      expect(await get({ IfNoneMatch: ETag })).toMatchObject({ status: 304 });
      expect(await get({ IfModifiedSince: new Date(Date.now() + 60_000) })).toMatchObject({ status: 304 });
      expect(await get({ IfMatch: '"00000000000000000000000000000000"' })).toEqual({
        status: 412,
        code: 'PreconditionFailed',
      });
      expect(await get({ IfUnmodifiedSince: new Date(Date.now() - 3_600_000) })).toEqual({
        status: 412,
        code: 'PreconditionFailed',
      });
      expect(await get({ IfMatch: ETag })).toEqual({ status: 200, code: 'none' });
    });

    it('applies response-content-* overrides and returns stored headers and metadata', async () => {
      await t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'ops/meta.txt',
          Body: 'm',
          ContentType: 'text/plain',
          Metadata: { lang: 'ar' },
        }),
      );

      const got = await t.client.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: 'ops/meta.txt',
          ResponseContentType: 'application/json',
          ResponseCacheControl: 'no-store',
        }),
      );

      expect(got.ContentType).toBe('application/json');
      expect(got.CacheControl).toBe('no-store');
      expect(got.Metadata).toEqual({ lang: 'ar' });
      expect(
        await failureOf(t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ops/none.txt' }))),
      ).toEqual({ status: 404, code: 'NotFound' });
    });

    it('refuses a body that does not match its Content-MD5 with BadDigest and stores nothing', async () => {
      const wrongMd5 = createHash('md5').update('something else').digest('base64');

      const put = await failureOf(
        t.client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: 'ops/digest.txt',
            Body: 'payload',
            ContentMD5: wrongMd5,
          }),
        ),
      );

      expect(put).toEqual({ status: 400, code: 'BadDigest' });
      expect(await failureOf(download(t.client, 'ops/digest.txt'))).toEqual({
        status: 404,
        code: 'NoSuchKey',
      });
    });
  });

  describe('deletes', () => {
    it('answers 204 for a missing key and reports nothing', async () => {
      const before = t.events.length;

      const deleted = await t.client.send(
        new DeleteObjectCommand({ Bucket: BUCKET, Key: 'ops/never-there.txt' }),
      );

      expect(deleted.$metadata.httpStatusCode).toBe(204);
      expect(t.events.length).toBe(before);
    });

    it('DeleteObjects lists what it deleted, says nothing in Quiet mode, and reports only real removals', async () => {
      for (const Key of ['ops/del 1.txt', 'ops/del&2.txt', 'ops/del 3.txt']) {
        await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
      }

      const loud = await t.client.send(
        new DeleteObjectsCommand({
          Bucket: BUCKET,
          Delete: { Objects: [{ Key: 'ops/del 1.txt' }, { Key: 'ops/del&2.txt' }, { Key: 'ops/ghost.txt' }] },
        }),
      );
      const quiet = await t.client.send(
        new DeleteObjectsCommand({
          Bucket: BUCKET,
          Delete: { Quiet: true, Objects: [{ Key: 'ops/del 3.txt' }] },
        }),
      );

      expect(loud.Deleted?.map((d) => d.Key)).toEqual(['ops/del 1.txt', 'ops/del&2.txt', 'ops/ghost.txt']);
      expect(quiet.Deleted ?? []).toEqual([]);
      const removed = t.events
        .filter((e) => e.eventName === 'ObjectRemoved:Delete')
        .map((e) => e.s3.object.key);
      expect(removed).toEqual(expect.arrayContaining(['ops/del+1.txt', 'ops/del%262.txt', 'ops/del+3.txt']));
      expect(removed).not.toContain(encodeS3EventKey('ops/ghost.txt'));
    });
  });

  describe('CopyObject', () => {
    it('copies from a URL-encoded Arabic source, keeping metadata (COPY) or replacing it (REPLACE)', async () => {
      await t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'ops/مصدر 1.txt',
          Body: 'src',
          ContentType: 'text/plain',
          Metadata: { a: '1' },
        }),
      );
      const source = `${BUCKET}/${encodeURIComponent('ops/مصدر 1.txt')}`;

      await t.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'ops/copy.txt', CopySource: source }));
      await t.client.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'ops/replaced.txt',
          CopySource: source,
          MetadataDirective: 'REPLACE',
          ContentType: 'text/markdown',
          Metadata: { b: '2' },
        }),
      );

      const copy = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ops/copy.txt' }));
      const replaced = await t.client.send(
        new HeadObjectCommand({ Bucket: BUCKET, Key: 'ops/replaced.txt' }),
      );
      expect([copy.ContentType, copy.Metadata]).toEqual(['text/plain', { a: '1' }]);
      expect([replaced.ContentType, replaced.Metadata]).toEqual(['text/markdown', { b: '2' }]);
      expect((await download(t.client, 'ops/replaced.txt')).toString()).toBe('src');
    });

    it('refuses to copy an object onto itself unchanged, and a missing source with NoSuchKey', async () => {
      const self = await failureOf(
        t.client.send(
          new CopyObjectCommand({
            Bucket: BUCKET,
            Key: 'ops/range.txt',
            CopySource: `${BUCKET}/ops/range.txt`,
          }),
        ),
      );
      const missing = await failureOf(
        t.client.send(
          new CopyObjectCommand({ Bucket: BUCKET, Key: 'ops/x.txt', CopySource: `${BUCKET}/ops/absent.txt` }),
        ),
      );

      expect(self).toEqual({ status: 400, code: 'InvalidRequest' });
      expect(missing).toEqual({ status: 404, code: 'NoSuchKey' });
    });
  });

  describe('multipart uploads', () => {
    const key = 'ops/multi part.bin';
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(777)];

    it('completes with the multipart ETag md5(part md5s)-N, after listing its parts', async () => {
      const { UploadId } = await t.client.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'application/x-test' }),
      );
      const etags: string[] = [];
      for (const [i, Body] of parts.entries()) {
        etags.push(
          (
            await t.client.send(
              new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body }),
            )
          ).ETag ?? '',
        );
      }

      const listed = await t.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
      const done = await t.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );

      const md5s = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
      const expectedEtag = `"${createHash('md5').update(md5s).digest('hex')}-2"`;
      expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
        [1, parts[0]?.length, etags[0]],
        [2, parts[1]?.length, etags[1]],
      ]);
      expect(done.ETag).toBe(expectedEtag);
      const head = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect([head.ETag, head.ContentType, head.ContentLength]).toEqual([
        expectedEtag,
        'application/x-test',
        5 * 1024 * 1024 + 777,
      ]);
      expect(
        await failureOf(t.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }))),
      ).toEqual({ status: 404, code: 'NoSuchUpload' });
    });

    it('refuses a too-small middle part (EntityTooSmall) and a wrong ETag (InvalidPart); Abort ends the upload', async () => {
      const { UploadId } = await t.client.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'ops/small.bin' }),
      );
      const p1 = await t.client.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'ops/small.bin',
          UploadId,
          PartNumber: 1,
          Body: 'tiny',
        }),
      );
      const p2 = await t.client.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'ops/small.bin',
          UploadId,
          PartNumber: 2,
          Body: 'tiny',
        }),
      );
      const complete = (Parts: { ETag?: string; PartNumber: number }[]) =>
        failureOf(
          t.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: BUCKET,
              Key: 'ops/small.bin',
              UploadId,
              MultipartUpload: { Parts },
            }),
          ),
        );

      expect(
        await complete([
          { ETag: p1.ETag, PartNumber: 1 },
          { ETag: p2.ETag, PartNumber: 2 },
        ]),
      ).toEqual({ status: 400, code: 'EntityTooSmall' });
      expect(await complete([{ ETag: '"ffffffffffffffffffffffffffffffff"', PartNumber: 1 }])).toEqual({
        status: 400,
        code: 'InvalidPart',
      });
      await t.client.send(
        new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'ops/small.bin', UploadId }),
      );
      expect(await complete([{ ETag: p1.ETag, PartNumber: 1 }])).toEqual({
        status: 404,
        code: 'NoSuchUpload',
      });
    });

    it('copies a byte range of an object into a part (UploadPartCopy)', async () => {
      const { UploadId } = await t.client.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'ops/from-copy.txt' }),
      );
      const copied = await t.client.send(
        new UploadPartCopyCommand({
          Bucket: BUCKET,
          Key: 'ops/from-copy.txt',
          UploadId,
          PartNumber: 1,
          CopySource: `${BUCKET}/ops/range.txt`,
          CopySourceRange: 'bytes=10-15',
        }),
      );
      await t.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'ops/from-copy.txt',
          UploadId,
          MultipartUpload: { Parts: [{ ETag: copied.CopyPartResult?.ETag, PartNumber: 1 }] },
        }),
      );

      expect((await download(t.client, 'ops/from-copy.txt')).toString()).toBe('abcdef');
    });
  });

  describe('listing parameters', () => {
    it('supports start-after, fetch-owner, encoding-type=url, and refuses a made-up continuation token', async () => {
      await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lp/a b.txt', Body: 'a' }));
      await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lp/c+d.txt', Body: 'c' }));

      const after = await t.client.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'lp/',
          StartAfter: 'lp/a b.txt',
          FetchOwner: true,
        }),
      );
      const encoded = await raw(t.s3.port, 'GET', `/${BUCKET}?list-type=2&prefix=lp%2F&encoding-type=url`);
      const badToken = await failureOf(
        t.client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: '!!not-a-token' })),
      );

      expect(after.Contents?.map((c) => [c.Key, c.Owner?.ID])).toEqual([['lp/c+d.txt', expect.any(String)]]);
      expect(encoded.body).toContain('<Key>lp/a%20b.txt</Key>');
      expect(encoded.body).toContain('<Key>lp/c%2Bd.txt</Key>');
      expect(encoded.body).toContain('<EncodingType>url</EncodingType>');
      expect(badToken).toEqual({ status: 400, code: 'InvalidArgument' });
    });
  });

  it('stores an HTML form upload (POST) and reports it as ObjectCreated:Post', async () => {
    const boundary = 'khulasa-form-boundary';
    const form = [
      `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nforms/\${filename}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="Content-Type"\r\n\r\ntext/plain\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="خبر.txt"\r\nContent-Type: text/plain\r\n\r\nنص الخبر\r\n`,
      `--${boundary}--\r\n`,
    ].join('');

    const posted = await raw(
      t.s3.port,
      'POST',
      `/${BUCKET}`,
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
      Buffer.from(form),
    );

    expect(posted.status).toBe(204);
    expect((await download(t.client, 'forms/خبر.txt')).toString()).toBe('نص الخبر');
    expect(
      t.events.filter((e) => e.s3.object.key === encodeS3EventKey('forms/خبر.txt')).map((e) => e.eventName),
    ).toEqual(['ObjectCreated:Post']);
  });
});
