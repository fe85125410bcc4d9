import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUCKET, startTestS3, type TestS3 } from '../support/local-s3.ts';

const HOUR = 3_600_000;

describe('local S3 multipart uploads in progress: listed, and cleaned up once abandoned', () => {
  let t: TestS3;

  beforeEach(async () => {
    t = await startTestS3();
  });

  afterEach(async () => {
    await t?.stop();
  });

  const begin = async (key: string) => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    return UploadId as string;
  };

  /** Makes an upload look as if it began `hours` ago, as its record on disk says. */
  async function age(uploadId: string, hours: number) {
    const file = join(t.directory, '.uploads', uploadId, 'upload.json');
    const upload = JSON.parse(await readFile(file, 'utf8')) as { initiated: string };
    upload.initiated = new Date(Date.now() - hours * HOUR).toISOString();
    await writeFile(file, JSON.stringify(upload));
  }

  it('lists uploads in progress by key, with prefix and paging, and forgets aborted ones', async () => {
    const b = await begin('in/b.bin');
    const a1 = await begin('in/a.bin');
    await begin('out/c.bin');
    const gone = await begin('in/d.bin');
    await t.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'in/d.bin', UploadId: gone }));

    const first = await t.client.send(
      new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'in/', MaxUploads: 1 }),
    );
    const rest = await t.client.send(
      new ListMultipartUploadsCommand({
        Bucket: BUCKET,
        Prefix: 'in/',
        KeyMarker: first.NextKeyMarker,
        UploadIdMarker: first.NextUploadIdMarker,
      }),
    );

    expect(first.IsTruncated).toBe(true);
    expect(first.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['in/a.bin', a1]]);
    expect(first.Uploads?.[0]?.Initiated).toBeInstanceOf(Date);
    expect(rest.IsTruncated).toBe(false);
    expect(rest.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['in/b.bin', b]]);
  });

  it('removes uploads abandoned longer than the limit at start, with their parts, and keeps recent ones', async () => {
    const old = await begin('stale/old.bin');
    await t.client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'stale/old.bin',
        UploadId: old,
        PartNumber: 1,
        Body: 'part',
      }),
    );
    const recent = await begin('stale/recent.bin');
    await age(old, 25);
    await age(recent, 23);

    await t.restart({ abandonedUploadHours: 24 });
    const listed = await t.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));

    expect(listed.Uploads?.map((u) => u.UploadId)).toEqual([recent]);
    expect((await readdir(join(t.directory, '.uploads'))).sort()).toEqual([recent]);
  });

  it('removes an upload a crash left without its record once its folder is old enough', async () => {
    const orphan = await begin('stale/orphan.bin');
    const dir = join(t.directory, '.uploads', orphan);
    await writeFile(join(dir, 'upload.json'), '{ not json');
    const then = new Date(Date.now() - 48 * HOUR);
    await utimes(dir, then, then);

    await t.restart();

    expect(await readdir(join(t.directory, '.uploads'))).toEqual([]);
  });
});
