/**
 * A data directory written by s3rver (the local S3 endpoint of earlier khulasa versions) keeps
 * each object at `<bucket>/<key>._S3rver_object`, beside `._S3rver_metadata.json` and
 * `._S3rver_object.md5`. On the first start over such a directory its objects are moved into
 * this store (durably committed first, then the old files removed), without events: they were
 * reported when they were uploaded. A marker file makes this a one-time walk.
 */
import { createReadStream } from 'node:fs';
import { join, sep } from 'node:path';
import { type StoreFs, writeAtomically } from './durable.ts';
import type { ObjectStore } from './store.ts';

const MARKER = '.khulasa-s3-layout';
const OBJECT_SUFFIX = '._S3rver_object';
const KEPT_HEADERS = [
  'content-type',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
  'content-encoding',
];

async function metadataOf(fs: StoreFs, objectFile: string) {
  const base = objectFile.slice(0, -OBJECT_SUFFIX.length);
  let stored: Record<string, unknown> = {};
  try {
    stored = JSON.parse(await fs.readFile(`${base}._S3rver_metadata.json`, 'utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    // No or unreadable metadata: the bytes are what matters; S3's default content type applies.
  }
  const headers: Record<string, string> = { 'content-type': 'binary/octet-stream' };
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (typeof value !== 'string') continue;
    if (KEPT_HEADERS.includes(name)) headers[name] = value;
    else if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  const etag = typeof stored.etag === 'string' ? stored.etag.replaceAll('"', '') : undefined;
  return {
    base,
    fields: { headers, metadata, ...(etag && /^[0-9a-f]{32}(-\d+)?$/.test(etag) ? { etag } : {}) },
  };
}

export async function importS3rverObjects(store: ObjectStore, report: (line: string) => void): Promise<void> {
  const { fs, root } = store;
  const marker = await fs.readFile(join(root, MARKER), 'utf8').catch(() => undefined);
  if (marker !== undefined) return;
  let imported = 0;
  for (const bucket of store.bucketNames()) {
    const bucketDir = join(root, bucket);
    const files = (await fs.readdir(bucketDir, { recursive: true })).map(String);
    for (const relative of files.filter((f) => f.endsWith(OBJECT_SUFFIX)).sort()) {
      const key = relative.slice(0, -OBJECT_SUFFIX.length).split(sep).join('/');
      const objectFile = join(bucketDir, relative);
      const { base, fields } = await metadataOf(fs, objectFile);
      const received = await store.receive(bucket, key, createReadStream(objectFile));
      await store.commit(bucket, key, received, fields, async () => undefined);
      for (const suffix of [OBJECT_SUFFIX, '._S3rver_metadata.json', '._S3rver_object.md5']) {
        await fs.unlink(`${base}${suffix}`).catch(() => undefined);
      }
      imported++;
    }
  }
  if (imported > 0)
    report(`local S3: moved ${imported} object(s) stored by s3rver into the new layout under ${root}`);
  await writeAtomically(fs, root, MARKER, 'khulasa-s3 1\n');
}
