import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUCKET, download, failureOf, raw, startTestS3, type TestS3 } from '../support/local-s3.ts';

const put = (t: TestS3, key: string, body: string) =>
  t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

describe('local S3 bucket versioning, as S3 versions objects', () => {
  let t: TestS3;

  beforeEach(async () => {
    t = await startTestS3();
  });

  afterEach(async () => {
    await t?.stop();
  });

  const enableVersioning = () =>
    t.client.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
    );

  it('reports no status for a bucket that was never versioned, and Enabled once it is', async () => {
    const before = await t.client.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
    await enableVersioning();
    const after = await t.client.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));

    expect(before.Status).toBeUndefined();
    expect(after.Status).toBe('Enabled');
  });

  it('gives each PUT its own version id and serves every version by id', async () => {
    await enableVersioning();

    const first = await put(t, 'v/a.txt', 'first');
    const second = await put(t, 'v/a.txt', 'second');
    const old = await t.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'v/a.txt', VersionId: first.VersionId }),
    );
    const head = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'v/a.txt' }));

    expect(first.VersionId).toBeTruthy();
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(await old.Body?.transformToString()).toBe('first');
    expect(old.VersionId).toBe(first.VersionId);
    expect(head.VersionId).toBe(second.VersionId);
    expect((await download(t.client, 'v/a.txt')).toString()).toBe('second');
    expect(t.events.map((e) => e.s3.object.versionId)).toEqual([first.VersionId, second.VersionId]);
  });

  it('turns a DELETE without a version into a delete marker, reported as ObjectRemoved:DeleteMarkerCreated', async () => {
    await enableVersioning();
    const created = await put(t, 'v/gone.txt', 'body');

    const deleted = await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/gone.txt' }));
    const get = await failureOf(t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'v/gone.txt' })));
    const raw404 = await raw(t.s3.port, 'GET', `/${BUCKET}/v/gone.txt`);
    const listed = await t.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'v/' }));
    const old = await t.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'v/gone.txt', VersionId: created.VersionId }),
    );

    expect(deleted.DeleteMarker).toBe(true);
    expect(deleted.VersionId).toBeTruthy();
    expect(get).toEqual({ status: 404, code: 'NoSuchKey' });
    expect(raw404.headers['x-amz-delete-marker']).toBe('true');
    expect(listed.KeyCount).toBe(0);
    expect(await old.Body?.transformToString()).toBe('body');
    const event = t.events.at(-1);
    expect(event?.eventName).toBe('ObjectRemoved:DeleteMarkerCreated');
    expect(event?.s3.object).toEqual({
      key: 'v/gone.txt',
      versionId: deleted.VersionId,
      sequencer: expect.stringMatching(/^[0-9A-F]{16}$/),
    });
  });

  it('deletes one version for good with versionId, reported as ObjectRemoved:Delete of that version', async () => {
    await enableVersioning();
    const first = await put(t, 'v/two.txt', 'first');
    const second = await put(t, 'v/two.txt', 'second');

    const deleted = await t.client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/two.txt', VersionId: first.VersionId }),
    );
    const gone = await failureOf(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'v/two.txt', VersionId: first.VersionId })),
    );

    expect(deleted.VersionId).toBe(first.VersionId);
    expect(deleted.DeleteMarker).toBeUndefined();
    expect(gone).toEqual({ status: 404, code: 'NoSuchVersion' });
    expect((await download(t.client, 'v/two.txt')).toString()).toBe('second');
    const event = t.events.at(-1);
    expect(event?.eventName).toBe('ObjectRemoved:Delete');
    expect(event?.s3.object.versionId).toBe(first.VersionId);
    expect(second.VersionId).not.toBe(first.VersionId);
  });

  it('brings the previous version back when the current one is deleted by id, or its delete marker is', async () => {
    await enableVersioning();
    await put(t, 'v/back.txt', 'first');
    const second = await put(t, 'v/back.txt', 'second');
    const marker = await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/back.txt' }));

    const undone = await t.client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/back.txt', VersionId: marker.VersionId }),
    );
    const afterUndelete = (await download(t.client, 'v/back.txt')).toString();
    await t.client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/back.txt', VersionId: second.VersionId }),
    );

    expect(undone.DeleteMarker).toBe(true);
    expect(afterUndelete).toBe('second');
    expect((await download(t.client, 'v/back.txt')).toString()).toBe('first');
  });

  it('copies a named version, not the current one', async () => {
    await enableVersioning();
    const first = await put(t, 'v/source.txt', 'first');
    await put(t, 'v/source.txt', 'second');

    await t.client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'v/copy.txt',
        CopySource: `${BUCKET}/v/source.txt?versionId=${first.VersionId}`,
      }),
    );

    expect((await download(t.client, 'v/copy.txt')).toString()).toBe('first');
  });

  it('lists every version and delete marker, newest first, with the current one marked latest', async () => {
    await enableVersioning();
    const first = await put(t, 'v/list.txt', 'first');
    const second = await put(t, 'v/list.txt', 'second');
    const marker = await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/list.txt' }));
    await put(t, 'w/other.txt', 'other');

    const listed = await t.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'v/' }));

    expect(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[marker.VersionId, true]]);
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      [second.VersionId, false, 6],
      [first.VersionId, false, 5],
    ]);
  });

  it('pages a version listing with key and version-id markers', async () => {
    await enableVersioning();
    const a1 = await put(t, 'p/a', '1');
    const a2 = await put(t, 'p/a', '22');
    const b1 = await put(t, 'p/b', '333');

    const page1 = await t.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 2 }));
    const page2 = await t.client.send(
      new ListObjectVersionsCommand({
        Bucket: BUCKET,
        MaxKeys: 2,
        KeyMarker: page1.NextKeyMarker,
        VersionIdMarker: page1.NextVersionIdMarker,
      }),
    );

    expect(page1.IsTruncated).toBe(true);
    expect(page1.Versions?.map((v) => v.VersionId)).toEqual([a2.VersionId, a1.VersionId]);
    expect(page2.IsTruncated).toBe(false);
    expect(page2.Versions?.map((v) => v.VersionId)).toEqual([b1.VersionId]);
  });

  it('creates delete markers from a multi-object delete on a versioned bucket', async () => {
    await enableVersioning();
    await put(t, 'v/m.txt', 'm');

    const out = await t.client.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'v/m.txt' }] } }),
    );

    expect(out.Deleted?.[0]?.DeleteMarker).toBe(true);
    expect(t.events.at(-1)?.eventName).toBe('ObjectRemoved:DeleteMarkerCreated');
  });

  it('keeps versions, delete markers and the versioning status across a restart', async () => {
    await enableVersioning();
    const first = await put(t, 'v/kept.txt', 'first');
    await put(t, 'v/kept.txt', 'second');
    await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'v/kept.txt' }));

    await t.restart();
    const status = await t.client.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
    const current = await failureOf(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'v/kept.txt' })),
    );
    const old = await t.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'v/kept.txt', VersionId: first.VersionId }),
    );
    const versions = await t.client.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));

    expect(status.Status).toBe('Enabled');
    expect(current).toEqual({ status: 404, code: 'NoSuchKey' });
    expect(await old.Body?.transformToString()).toBe('first');
    expect(versions.Versions).toHaveLength(2);
    expect(versions.DeleteMarkers).toHaveLength(1);
  });

  it('starts a bucket versioned when asked to, and leaves an unversioned bucket deleting for good', async () => {
    await put(t, 'u/plain.txt', 'plain');
    const deleted = await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'u/plain.txt' }));
    await t.restart({ versionedBuckets: [BUCKET] });
    const status = await t.client.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));

    expect(deleted.DeleteMarker).toBeUndefined();
    expect(deleted.VersionId).toBeUndefined();
    expect(t.events.at(-1)?.eventName).toBe('ObjectRemoved:Delete');
    expect(t.events.at(-1)?.s3.object.versionId).toBeUndefined();
    expect(status.Status).toBe('Enabled');
  });
});
