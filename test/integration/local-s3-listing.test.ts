import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, startTestS3, type TestS3 } from '../support/local-s3.ts';

const run = promisify(execFile);

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 order. */
const s3Order = (keys: string[]) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

const COUNT = 1500;
/** Names mixing ASCII, Arabic, a BMP character above the surrogates and an emoji, so the two orders differ. */
const listingKeys = Array.from({ length: COUNT }, (_, i) => {
  const n = String(i).padStart(4, '0');
  return ['listing/', 'listing/خبر-', 'listing/\uFF21-', 'listing/😀-', 'listing/a b+c-'][i % 5] + n;
});
/** 10 "directories" of 20 files each, and 30 files at the top. */
const treeKeys = [
  ...Array.from({ length: 200 }, (_, i) => `tree/d${i % 10}/f${i}`),
  ...Array.from({ length: 30 }, (_, i) => `tree/f${i}`),
];

/** Does the AWS CLI exist on this machine? Without it, the SDK stands in for the CLI cases. */
async function awsCli(): Promise<boolean> {
  try {
    await run('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function putAll(t: TestS3, keys: string[], concurrency = 24): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const Key = keys[next++] as string;
      await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe(`local S3 listings page through ${COUNT} objects exactly once, in S3 order`, () => {
  let t: TestS3;
  let hasCli = false;
  const expected = s3Order(listingKeys);

  beforeAll(async () => {
    t = await startTestS3();
    hasCli = await awsCli();
    await putAll(t, [...listingKeys, ...treeKeys]);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  /** The environment of an AWS CLI child: made-up credentials, no user config. */
  const cliEnv = () => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: 'AKIALOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/khulasa-aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/khulasa-aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONIOENCODING: 'utf-8',
  });

  for (const maxKeys of [1, 7, 100, 1000]) {
    it(`ListObjectsV2 with MaxKeys ${maxKeys} returns every key once, in order`, async () => {
      const keys: string[] = [];
      let pages = 0;

      for await (const page of paginateListObjectsV2(
        { client: t.client, pageSize: maxKeys },
        { Bucket: BUCKET, Prefix: 'listing/' },
      )) {
        pages++;
        expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
        expect(page.KeyCount).toBeLessThanOrEqual(maxKeys);
        keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      }

      expect(keys).toEqual(expected);
      expect(pages).toBe(Math.ceil(COUNT / maxKeys));
    }, 120_000);
  }

  it('ListObjects v1 with markers returns every key once, in order', async () => {
    const keys: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await t.client.send(
        new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'listing/', MaxKeys: 333, Marker: marker }),
      );
      keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      if (!page.IsTruncated) break;
      marker = page.NextMarker ?? keys.at(-1);
    }

    expect(keys).toEqual(expected);
  });

  it('pages a delimiter listing: every common prefix and top-level key exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await t.client.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'tree/',
          Delimiter: '/',
          MaxKeys: 3,
          ContinuationToken: token,
        }),
      );
      expect((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0)).toBe(page.KeyCount);
      seen.push(
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
        ...(page.Contents ?? []).map((c) => c.Key ?? ''),
      );
      token = page.NextContinuationToken;
    } while (token);

    const dirs = Array.from({ length: 10 }, (_, i) => `tree/d${i}/`);
    const files = Array.from({ length: 30 }, (_, i) => `tree/f${i}`);
    expect(s3Order(seen)).toEqual(s3Order([...dirs, ...files]));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('ListObjects v1 pages common prefixes by NextMarker without repeating one', async () => {
    const prefixes: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await t.client.send(
        new ListObjectsCommand({
          Bucket: BUCKET,
          Prefix: 'tree/d',
          Delimiter: '/',
          MaxKeys: 4,
          Marker: marker,
        }),
      );
      prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
      if (!page.IsTruncated) break;
      marker = page.NextMarker;
    }

    expect(prefixes).toEqual(Array.from({ length: 10 }, (_, i) => `tree/d${i}/`));
  });

  it('`aws s3 ls --recursive` prints all of them (the SDK paginator when the CLI is absent)', async () => {
    let keys: string[];
    if (hasCli) {
      const { stdout } = await run(
        'aws',
        ['--endpoint-url', t.s3.endpoint, 's3', 'ls', '--recursive', `s3://${BUCKET}/listing/`],
        { env: cliEnv(), maxBuffer: 16 * 1024 * 1024 },
      );
      keys = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => /^\S+\s+\S+\s+\d+\s(.*)$/.exec(line)?.[1] ?? `unparsed: ${line}`);
    } else {
      keys = [];
      for await (const page of paginateListObjectsV2(
        { client: t.client },
        { Bucket: BUCKET, Prefix: 'listing/' },
      )) {
        keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      }
    }

    expect(keys).toEqual(expected);
  }, 120_000);

  it('`aws s3api list-objects-v2 --page-size 100` returns all of them (the SDK when the CLI is absent)', async () => {
    let keys: string[];
    if (hasCli) {
      const { stdout } = await run(
        'aws',
        [
          '--endpoint-url',
          t.s3.endpoint,
          's3api',
          'list-objects-v2',
          '--bucket',
          BUCKET,
          '--prefix',
          'listing/',
          '--page-size',
          '100',
          '--output',
          'json',
        ],
        { env: cliEnv(), maxBuffer: 16 * 1024 * 1024 },
      );
      keys = (JSON.parse(stdout) as { Contents: { Key: string }[] }).Contents.map((c) => c.Key);
    } else {
      keys = [];
      for await (const page of paginateListObjectsV2(
        { client: t.client, pageSize: 100 },
        { Bucket: BUCKET, Prefix: 'listing/', EncodingType: 'url' },
      )) {
        keys.push(...(page.Contents ?? []).map((c) => decodeURIComponent(c.Key ?? '')));
      }
    }

    expect(keys).toEqual(expected);
  }, 120_000);
});
