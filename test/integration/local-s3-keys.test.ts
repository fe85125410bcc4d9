import { readdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';
import { BUCKET, download, startTestS3, type TestS3, walk } from '../support/local-s3.ts';

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Pieces S3 keys are made of in practice, and the ones a path-based store gets wrong. */
const fragment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '/',
    '//',
    '../',
    '/..',
    ' ',
    '+',
    '%',
    '%2F',
    '\u0000',
    '\t',
    '\r',
    '\n',
    '\u007f',
    '~',
    '?',
    '#',
    '&',
  ),
  fc.constantFrom('تقرير', 'الإنتربول', 'خبر (1)', '中文', '😀', '\u200f', 'é'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  // Long segments: a ~117-character Arabic name is already 234 bytes, past a file-name limit.
  fc.integer({ min: 100, max: 511 }).map((n) => 'ع'.repeat(n)),
  fc.integer({ min: 200, max: 1024 }).map((n) => 'a'.repeat(n)),
);

/** Any valid S3 key: 1 to 1,024 UTF-8 bytes of any Unicode. */
const validKey = fc
  .array(fragment, { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''))
  .map((key) => {
    // Trim to 1,024 bytes on a code-point boundary.
    let out = '';
    for (const ch of key) {
      if (utf8Bytes(out + ch) > 1024) break;
      out += ch;
    }
    return out;
  })
  .filter((key) => key.length > 0);

describe('local S3 keys: any valid key is stored, reported, listed and served exactly', () => {
  let t: TestS3;

  beforeAll(async () => {
    t = await startTestS3();
  });

  afterAll(async () => {
    await t?.stop();
  });

  /** Nothing outside the data dir, and no file or directory name over 255 bytes inside it. */
  const expectContainedStorage = async () => {
    expect(await readdir(t.parent)).toEqual(['data']);
    for (const path of await walk(t.directory)) {
      const rel = relative(t.directory, resolve(t.directory, path));
      expect(rel.startsWith('..') || isAbsolute(rel)).toBe(false);
      for (const name of path.split(sep)) expect(utf8Bytes(name)).toBeLessThanOrEqual(255);
    }
  };

  it('uploads, reports, lists once under its own prefix and downloads byte for byte (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(validKey, async (key) => {
        const body = Buffer.from(`body ${n++} of ${key}`, 'utf8');
        const eventsBefore = t.events.length;

        const put = await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
        const listed = await t.client.send(
          new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key, EncodingType: 'url' }),
        );

        const newEvents = t.events.slice(eventsBefore);
        expect(newEvents.map((e) => [e.eventName, e.s3.object.key, e.s3.object.size])).toEqual([
          ['ObjectCreated:Put', encodeS3EventKey(key), body.length],
        ]);
        expect(newEvents[0]?.s3.object.eTag).toBe(put.ETag?.replaceAll('"', ''));
        const keys = (listed.Contents ?? []).map((c) => decodeURIComponent(c.Key ?? ''));
        expect(keys.filter((k) => k === key)).toHaveLength(1);
        expect(await download(t.client, key)).toEqual(body);
      }),
      { numRuns: 100 },
    );

    await expectContainedStorage();
  });

  it('keeps keys that a path would merge or escape apart, each with its own bytes', async () => {
    const keys = [
      'b',
      'a/../b',
      './b',
      '/b',
      '//b',
      'b/',
      '../../../outside.txt',
      '..',
      '.',
      'x/./y',
      'x/y',
      'ا'.repeat(117),
      `${'ا'.repeat(511)}b`,
    ];

    for (const key of keys)
      await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `is ${key}` }));

    for (const key of keys) expect((await download(t.client, key)).toString('utf8')).toBe(`is ${key}`);
    await expectContainedStorage();
  });

  it('lists keys with control characters intact without encoding-type (as XML character references)', async () => {
    const key = 'control/\u0001\t\r\n\u001f\u007f end';
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'c' }));

    const listed = await t.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'control/' }));

    expect((listed.Contents ?? []).map((c) => c.Key)).toEqual([key]);
  });

  it('refuses a key over 1,024 UTF-8 bytes with KeyTooLongError and stores nothing', async () => {
    const key = `${'ع'.repeat(512)}x`; // 1,025 bytes
    const eventsBefore = t.events.length;

    const failure = await t.client
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'too long' }))
      .catch((e: { name: string; $metadata: { httpStatusCode?: number } }) => e);

    expect(failure).toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    expect(t.events.length).toBe(eventsBefore);
  });

  it('accepts a key of exactly 1,024 UTF-8 bytes', async () => {
    const key = 'ع'.repeat(512); // 1,024 bytes

    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'just fits' }));

    expect((await download(t.client, key)).toString()).toBe('just fits');
  });
});
