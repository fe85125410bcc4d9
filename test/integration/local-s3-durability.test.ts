import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoreFs } from '../../infra/local/s3/durable.ts';
import { BUCKET, clientFor, download, startTestS3, type TestS3, walk } from '../support/local-s3.ts';

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const sidecarOf = (t: TestS3, key: string) => {
  const hash = hashOf(key);
  return join(t.directory, BUCKET, hash.slice(0, 2), `${hash}.json`);
};

/** What the SDK reports for a failed request: its HTTP status, S3 error code and message. */
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 200, code: 'none', message: '' }),
    (e: { $metadata?: { httpStatusCode?: number }; name?: string; message?: string }) => ({
      status: e.$metadata?.httpStatusCode,
      code: e.name,
      message: e.message ?? '',
    }),
  );

describe('local S3 durability', () => {
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
        f.endsWith(`${hashOf('bad.txt')}.json`),
      ),
    ).toBe(true);
    expect((await download(t.client, 'good.txt')).toString()).toBe('good');
    expect(await failureOf(download(t.client, 'bad.txt'))).toMatchObject({ status: 404, code: 'NoSuchKey' });
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
    const fanOut = join(t.directory, BUCKET, hashOf('survivor.txt').slice(0, 2));
    const crashed = hashOf('never-committed.txt');
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

  it('stores durably, then awaits onEvent, and only then answers the client', async () => {
    const order: string[] = [];
    t = await startTestS3({
      onEvent: async () => {
        order.push(existsSync(sidecarOf(t as TestS3, 'ordered.txt')) ? 'event: stored' : 'event: not stored');
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push('event: delivered');
      },
    });

    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ordered.txt', Body: 'x' }));
    order.push('client: answered');

    expect(order).toEqual(['event: stored', 'event: delivered', 'client: answered']);
  });

  it('answers 503 ServiceUnavailable when onEvent rejects, for uploads and deletes, and keeps serving', async () => {
    let failing = false;
    t = await startTestS3({
      onEvent: async () => {
        if (failing) throw new Error('queue disk is full');
      },
    });
    const client = clientFor(t.s3.endpoint, { maxAttempts: 1 });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'd.txt', Body: 'to delete' }));
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    failing = true;

    const put = await failureOf(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'p.txt', Body: 'p' })),
    );
    const del = await failureOf(client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'd.txt' })));

    expect(put).toMatchObject({
      status: 503,
      code: 'ServiceUnavailable',
      message: expect.stringContaining('queue disk is full'),
    });
    expect(del).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    expect(stderr).toHaveBeenCalledTimes(2);
    failing = false;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'later.txt', Body: 'fine' }));
    expect((await download(client, 'later.txt')).toString()).toBe('fine');
    client.destroy();
  });

  it('answers 500 InternalError (never 200) when the disk fails, reports no event, leaves no temp file, and recovers', async () => {
    const faults: { rename?: NodeJS.ErrnoException; unlink?: NodeJS.ErrnoException } = {};
    const injected = (name: string) =>
      Object.assign(new Error(`${name}: no space left on device`), {
        code: 'ENOSPC',
      }) as NodeJS.ErrnoException;
    const fs: StoreFs = {
      ...fsPromises,
      rename: (async (from, to) => {
        if (faults.rename) throw faults.rename;
        return fsPromises.rename(from, to);
      }) as StoreFs['rename'],
      unlink: (async (path) => {
        if (faults.unlink) throw faults.unlink;
        return fsPromises.unlink(path);
      }) as StoreFs['unlink'],
    };
    t = await startTestS3({ fs });
    const client = clientFor(t.s3.endpoint, { maxAttempts: 1 });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'existing.txt', Body: 'old' }));
    const eventsBefore = t.events.length;
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    faults.rename = injected('rename');

    const put = await failureOf(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'new.txt', Body: 'lost?' })),
    );
    const overwrite = await failureOf(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'existing.txt', Body: 'new' })),
    );
    faults.rename = undefined;
    faults.unlink = injected('unlink');
    const del = await failureOf(
      client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'existing.txt' })),
    );
    faults.unlink = undefined;

    for (const failure of [put, overwrite, del]) {
      expect(failure).toMatchObject({
        status: 500,
        code: 'InternalError',
        message: expect.stringContaining('no space left'),
      });
    }
    expect(stderr).toHaveBeenCalledTimes(3);
    expect(t.events.length).toBe(eventsBefore);
    expect((await download(client, 'existing.txt')).toString()).toBe('old');
    expect(await failureOf(download(client, 'new.txt'))).toMatchObject({ status: 404, code: 'NoSuchKey' });
    expect((await walk(t.directory)).filter((p) => p.includes('.tmp-'))).toEqual([]);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'new.txt', Body: 'stored now' }));
    expect((await download(client, 'new.txt')).toString()).toBe('stored now');
    client.destroy();
  });

  it('writes each object as a data file and a sidecar named by the SHA-256 of its key', async () => {
    t = await startTestS3();
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '../../etc/passwd', Body: 'not there' }));

    const sidecar = JSON.parse(readFileSync(sidecarOf(t, '../../etc/passwd'), 'utf8')) as {
      key: string;
      data: string;
    };

    expect(sidecar.key).toBe('../../etc/passwd');
    expect(sidecar.data.startsWith(hashOf('../../etc/passwd'))).toBe(true);
    expect(
      readFileSync(join(t.directory, BUCKET, hashOf('../../etc/passwd').slice(0, 2), sidecar.data), 'utf8'),
    ).toBe('not there');
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
