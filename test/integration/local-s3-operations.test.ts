import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';
import { BUCKET, download, failureOf, raw, startTestS3, type TestS3 } from '../support/local-s3.ts';

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
});
