import { existsSync, readFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoreFs } from '../../infra/local/s3/durable.ts';
import { startLocalS3 } from '../../infra/local/s3-server.ts';
import {
  BUCKET,
  clientFor,
  download,
  failureWithMessage,
  keyHash,
  sidecarOf,
  startTestS3,
  type TestS3,
  walk,
} from '../support/local-s3.ts';

describe('local S3 durability', () => {
  let t: TestS3 | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.stop();
    t = undefined;
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

    const put = await failureWithMessage(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'p.txt', Body: 'p' })),
    );
    const del = await failureWithMessage(
      client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'd.txt' })),
    );

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

    const put = await failureWithMessage(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'new.txt', Body: 'lost?' })),
    );
    const overwrite = await failureWithMessage(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'existing.txt', Body: 'new' })),
    );
    faults.rename = undefined;
    faults.unlink = injected('unlink');
    const del = await failureWithMessage(
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
    expect(await failureWithMessage(download(client, 'new.txt'))).toMatchObject({
      status: 404,
      code: 'NoSuchKey',
    });
    expect((await walk(t.directory)).filter((p) => p.includes('.tmp-'))).toEqual([]);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'new.txt', Body: 'stored now' }));
    expect((await download(client, 'new.txt')).toString()).toBe('stored now');
    client.destroy();
  });

  it('answers 500 when a directory cannot be fsynced after the commit rename, yet serves and keeps the new version', async () => {
    let failDirSync = false;
    const fs: StoreFs = {
      ...fsPromises,
      open: (async (path, flags) => {
        if (failDirSync && flags === 'r' && (await fsPromises.stat(path)).isDirectory()) {
          throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        }
        return fsPromises.open(path, flags);
      }) as StoreFs['open'],
    };
    t = await startTestS3({ fs });
    const client = clientFor(t.s3.endpoint, { maxAttempts: 1 });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'synced.txt', Body: 'old' }));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    failDirSync = true;

    const put = await failureWithMessage(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'synced.txt', Body: 'new' })),
    );
    failDirSync = false;
    const servedBefore = (await download(client, 'synced.txt')).toString();
    client.destroy();
    await t.restart();

    expect(put).toMatchObject({
      status: 500,
      code: 'InternalError',
      message: expect.stringContaining('EIO'),
    });
    expect(servedBefore).toBe('new');
    expect((await download(t.client, 'synced.txt')).toString()).toBe('new');
    const fanOut = await readdir(join(t.directory, BUCKET, keyHash('synced.txt').slice(0, 2)));
    expect(fanOut.filter((f) => f.startsWith(keyHash('synced.txt')))).toHaveLength(2); // the sidecar and one data file
  });

  it('a second server on a port in use fails before touching the directory the first one serves', async () => {
    t = await startTestS3();
    const inProgress = join(t.directory, BUCKET, '.tmp-a-write-in-progress');
    await writeFile(inProgress, 'being written by the first server');

    const second = startLocalS3({
      port: t.s3.port,
      directory: t.directory,
      buckets: [BUCKET],
      onEvent: () => undefined,
    });

    await expect(second).rejects.toThrow(/EADDRINUSE/);
    expect(existsSync(inProgress)).toBe(true);
  });

  it('close() lets a change already being committed finish and report before it returns', async () => {
    let reported = false;
    let eventStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      eventStarted = resolve;
    });
    t = await startTestS3({
      onEvent: async () => {
        eventStarted();
        await new Promise((resolve) => setTimeout(resolve, 100));
        reported = true;
      },
    });
    const client = clientFor(t.s3.endpoint, { maxAttempts: 1 });
    const put = client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'closing.txt', Body: 'x' }))
      .catch(() => undefined);
    await started;

    await t.s3.close();

    expect(reported).toBe(true);
    await put;
    client.destroy();
    await t.restart();
    expect((await download(t.client, 'closing.txt')).toString()).toBe('x');
  });

  it('writes each object as a data file and a sidecar named by the SHA-256 of its key', async () => {
    t = await startTestS3();
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '../../etc/passwd', Body: 'not there' }));

    const sidecar = JSON.parse(readFileSync(sidecarOf(t, '../../etc/passwd'), 'utf8')) as {
      key: string;
      data: string;
    };

    expect(sidecar.key).toBe('../../etc/passwd');
    expect(sidecar.data.startsWith(keyHash('../../etc/passwd'))).toBe(true);
    expect(
      readFileSync(join(t.directory, BUCKET, keyHash('../../etc/passwd').slice(0, 2), sidecar.data), 'utf8'),
    ).toBe('not there');
  });
});
