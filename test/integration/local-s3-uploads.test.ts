import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';
import { BUCKET, download, failureOf, raw, startTestS3, type TestS3 } from '../support/local-s3.ts';

describe('local S3 copies, multipart uploads, listing parameters and form uploads behave as in S3', () => {
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
