import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READY_PATTERN, startStackProcess } from '../support/stack-process.ts';

// The samples a first start offers, when that first start is cut short.

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-samples-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const clientFor = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });

async function keysIn(endpoint: string): Promise<string[]> {
  const s3 = clientFor(endpoint);
  try {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: 'articles' }));
    return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
  } finally {
    s3.destroy();
  }
}

describe('npm start samples', () => {
  it('finishes the set when the start that began uploading them was stopped half-way', async () => {
    // Arrange: a bucket holding one sample only, and the marker a cut-short first start leaves.
    const first = await startStackProcess({ KHULASA_DATA_DIR: dataDir, KHULASA_SAMPLES: 'false' });
    await first.waitForOutput(READY_PATTERN);
    const s3 = clientFor(first.s3Endpoint);
    await s3.send(
      new PutObjectCommand({ Bucket: 'articles', Key: 'samples/ar-solar-farm.txt', Body: 'عنوان\nنص قصير.' }),
    );
    s3.destroy();
    await first.stop();
    await writeFile(join(dataDir, 'samples.pending'), '');

    // Act
    const second = await startStackProcess({ KHULASA_DATA_DIR: dataDir });
    try {
      await second.waitForOutput(READY_PATTERN);
      const samples = (await readdir(join(import.meta.dirname, '../../samples'))).map((n) => `samples/${n}`);

      // Assert
      expect(await keysIn(second.s3Endpoint)).toEqual(samples.sort());
      expect((await readdir(dataDir)).filter((n) => n.startsWith('samples.'))).toEqual(['samples.done']);
    } finally {
      await second.stop();
    }
  });

  it('offers nothing to a bucket that already held objects before any samples were offered', async () => {
    const first = await startStackProcess({ KHULASA_DATA_DIR: dataDir, KHULASA_SAMPLES: 'false' });
    await first.waitForOutput(READY_PATTERN);
    const s3 = clientFor(first.s3Endpoint);
    await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: 'incoming/mine.txt', Body: 'عنوان\nنص.' }));
    s3.destroy();
    await first.stop();

    const second = await startStackProcess({ KHULASA_DATA_DIR: dataDir });
    try {
      await second.waitForOutput(READY_PATTERN);

      expect(await keysIn(second.s3Endpoint)).toEqual(['incoming/mine.txt']);
    } finally {
      await second.stop();
    }
  });
});
