import { existsSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BUCKET,
  download,
  failureWithMessage,
  keyHash,
  sidecarOf,
  startTestS3,
  type TestS3,
  walk,
} from '../support/local-s3.ts';

describe('local S3 restarts', () => {
  let t: TestS3 | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.stop();
    t = undefined;
  });

  it('keeps objects, their headers, metadata, listings and increasing sequencers across a restart', async () => {
    t = await startTestS3();
    await t.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'kept/تقرير.txt',
        Body: 'kept',
        ContentType: 'text/plain; charset=utf-8',
        Metadata: { source: 'wire' },
      }),
    );

    await t.restart();
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept/after.txt', Body: 'new' }));

    const head = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'kept/تقرير.txt' }));
    expect(head.ContentType).toBe('text/plain; charset=utf-8');
    expect(head.Metadata).toEqual({ source: 'wire' });
    expect((await download(t.client, 'kept/تقرير.txt')).toString()).toBe('kept');
    const listed = await t.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'kept/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['kept/after.txt', 'kept/تقرير.txt']);
    const [before, after] = t.events.map((e) => e.s3.object.sequencer);
    expect(after && before && after > before).toBe(true);
  });

  it('reports a corrupt metadata file on stderr by name, moves it aside, and still serves the rest', async () => {
    t = await startTestS3();
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'good.txt', Body: 'good' }));
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bad.txt', Body: 'bad' }));
    const badSidecar = sidecarOf(t, 'bad.txt');
    await writeFile(badSidecar, '{"key": "bad.txt", trunc');
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    await t.restart();

    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]?.[0])).toContain(badSidecar);
    expect(String(stderr.mock.calls[0]?.[0])).not.toContain('\n');
    expect(existsSync(badSidecar)).toBe(false);
    expect(
      (await readdir(join(t.directory, '.corrupt', BUCKET))).some((f) =>
        f.endsWith(`${keyHash('bad.txt')}.json`),
      ),
    ).toBe(true);
    expect((await download(t.client, 'good.txt')).toString()).toBe('good');
    expect(await failureWithMessage(download(t.client, 'bad.txt'))).toMatchObject({
      status: 404,
      code: 'NoSuchKey',
    });
  });

  it('removes temporary files and unreferenced data files a crash left behind, on start', async () => {
    t = await startTestS3();
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'survivor.txt', Body: 'alive' }));
    const { UploadId } = await t.client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp.bin' }),
    );
    await t.client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: 'mp.bin', UploadId, PartNumber: 1, Body: 'p1' }),
    );
    const fanOut = join(t.directory, BUCKET, keyHash('survivor.txt').slice(0, 2));
    const crashed = keyHash('never-committed.txt');
    await mkdir(join(t.directory, BUCKET, crashed.slice(0, 2)), { recursive: true });
    const leftovers = [
      join(fanOut, '.tmp-0123456789abcdef'),
      join(t.directory, BUCKET, crashed.slice(0, 2), `${crashed}-0123456789abcdef`),
      join(t.directory, '.uploads', String(UploadId), '.tmp-fedcba9876543210'),
    ];
    for (const file of leftovers) await writeFile(file, 'half written');

    await t.restart();

    for (const file of leftovers) expect(existsSync(file)).toBe(false);
    expect((await download(t.client, 'survivor.txt')).toString()).toBe('alive');
    const listed = await t.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['survivor.txt']);
  });
});

describe('local S3 over a data directory written by s3rver', () => {
  it('moves its objects into the new layout once, keeping bytes, content type and metadata', async () => {
    const t = await startTestS3();
    await t.s3.close();
    await fsPromises.rm(join(t.directory, '.khulasa-s3-layout'));
    const old = join(t.directory, BUCKET, 'incoming', 'خبر قديم.txt');
    await mkdir(join(t.directory, BUCKET, 'incoming'), { recursive: true });
    await writeFile(`${old}._S3rver_object`, 'نص قديم');
    await writeFile(
      `${old}._S3rver_metadata.json`,
      JSON.stringify({
        'content-type': 'text/plain; charset=utf-8',
        etag: '"abc"',
        'x-amz-meta-origin': 'old',
      }),
    );
    await writeFile(`${old}._S3rver_object.md5`, 'abc');
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    try {
      await t.restart();
      await t.restart();

      const head = await t.client.send(
        new HeadObjectCommand({ Bucket: BUCKET, Key: 'incoming/خبر قديم.txt' }),
      );
      expect([head.ContentType, head.Metadata]).toEqual(['text/plain; charset=utf-8', { origin: 'old' }]);
      expect((await download(t.client, 'incoming/خبر قديم.txt')).toString()).toBe('نص قديم');
      expect((await walk(t.directory)).filter((p) => p.includes('_S3rver_'))).toEqual([]);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]?.[0])).toContain('moved 1 object(s) stored by s3rver');
      expect(t.events).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});
