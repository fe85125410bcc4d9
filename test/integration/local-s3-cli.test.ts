import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../infra/local/s3-event-encoding.ts';
import { BUCKET, download, startTestS3, type TestS3 } from '../support/local-s3.ts';

const run = promisify(execFile);

/** Does the AWS CLI exist on this machine? Without it, the SDK sends the same operations. */
async function awsCli(): Promise<boolean> {
  try {
    await run('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('local S3 with the AWS CLI defaults: cp up and down, multipart, rm --recursive', () => {
  let t: TestS3;
  let hasCli = false;
  let work: string;
  const big = randomBytes(9 * 1024 * 1024 + 123); // over the CLI's 8 MiB multipart threshold
  const small = Buffer.from('نص خبر قصير');

  const aws = (...args: string[]) =>
    run('aws', ['--endpoint-url', t.s3.endpoint, '--only-show-errors', ...args], {
      cwd: work,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIALOCALCLI',
        AWS_SECRET_ACCESS_KEY: 'local-cli-secret',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/nonexistent/khulasa-aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/khulasa-aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        PYTHONIOENCODING: 'utf-8',
      },
      maxBuffer: 16 * 1024 * 1024,
    });

  beforeAll(async () => {
    t = await startTestS3();
    hasCli = await awsCli();
    work = await mkdtemp(join(tmpdir(), 'khulasa-local-s3-cli-'));
    await writeFile(join(work, 'big.bin'), big);
    await writeFile(join(work, 'تقرير (1).txt'), small);
  });

  afterAll(async () => {
    await t?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('uploads a multipart file and an Arabic-named file, and downloads both byte for byte', async () => {
    if (hasCli) {
      await aws('s3', 'cp', 'big.bin', `s3://${BUCKET}/cli/big.bin`);
      await aws('s3', 'cp', 'تقرير (1).txt', `s3://${BUCKET}/cli/تقرير (1).txt`);
      await aws('s3', 'cp', `s3://${BUCKET}/cli/big.bin`, 'big.down');
    } else {
      const { UploadId } = await t.client.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'cli/big.bin' }),
      );
      const chunks = [big.subarray(0, 8 * 1024 * 1024), big.subarray(8 * 1024 * 1024)];
      const Parts = [];
      for (const [i, Body] of chunks.entries()) {
        const part = await t.client.send(
          new UploadPartCommand({ Bucket: BUCKET, Key: 'cli/big.bin', UploadId, PartNumber: i + 1, Body }),
        );
        Parts.push({ ETag: part.ETag, PartNumber: i + 1 });
      }
      await t.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'cli/big.bin',
          UploadId,
          MultipartUpload: { Parts },
        }),
      );
      await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cli/تقرير (1).txt', Body: small }));
      await writeFile(join(work, 'big.down'), await download(t.client, 'cli/big.bin'));
    }

    expect((await readFile(join(work, 'big.down'))).equals(big)).toBe(true);
    expect(await download(t.client, 'cli/تقرير (1).txt')).toEqual(small);
    expect(t.events.map((e) => [e.eventName, e.s3.object.key, e.s3.object.size])).toEqual([
      ['ObjectCreated:CompleteMultipartUpload', 'cli/big.bin', big.length],
      ['ObjectCreated:Put', encodeS3EventKey('cli/تقرير (1).txt'), small.length],
    ]);
    expect(t.events[0]?.s3.object.eTag).toMatch(/^[0-9a-f]{32}-2$/);
  }, 120_000);

  it('removes a prefix recursively and reports each removal', async () => {
    const before = t.events.length;

    if (hasCli) await aws('s3', 'rm', '--recursive', `s3://${BUCKET}/cli/`);
    else {
      await t.client.send(
        new DeleteObjectsCommand({
          Bucket: BUCKET,
          Delete: { Objects: [{ Key: 'cli/big.bin' }, { Key: 'cli/تقرير (1).txt' }] },
        }),
      );
    }

    const left = await t.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'cli/' }));
    expect(left.KeyCount).toBe(0);
    expect(
      t.events
        .slice(before)
        .map((e) => [e.eventName, e.s3.object.key])
        .sort(),
    ).toEqual([
      ['ObjectRemoved:Delete', encodeS3EventKey('cli/تقرير (1).txt')],
      ['ObjectRemoved:Delete', 'cli/big.bin'],
    ]);
  }, 120_000);
});
