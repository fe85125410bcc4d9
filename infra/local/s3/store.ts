/**
 * Buckets and objects on disk. An object never gets a path built from its key: it lives at
 * `<root>/<bucket>/<h[0..2]>/<h>.json` (the metadata sidecar, with the key) and
 * `<root>/<bucket>/<h[0..2]>/<h>-<version>` (its bytes), h = hex SHA-256 of the UTF-8 key.
 * The sidecar's rename is the commit point: it names the data file of the current version, so
 * a crash at any moment leaves the old object or the new one, never a mix.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ensureDir,
  Locks,
  type Received,
  receive,
  type StoreFs,
  syncDir,
  UnsyncedRenameError,
  writeAtomically,
} from './durable.ts';
import { KeyIndex, type ObjectMeta } from './key-index.ts';
import { scanBucket } from './recovery.ts';
import { noSuchBucket, noSuchKey, S3Error } from './xml.ts';

export const MAX_KEY_BYTES = 1024;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const hashOf = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export function checkBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket });
  }
}

export function checkKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', 400, 'An object key must not be empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 400, 'Your key is too long.', { Key: key.slice(0, 64) });
  }
}

/** What a commit writes besides the bytes. */
export type ObjectFields = Pick<ObjectMeta, 'headers' | 'metadata'> & { etag?: string };

export class ObjectStore {
  private readonly buckets = new Map<string, KeyIndex>();
  private readonly created = new Map<string, string>();
  private readonly locks = new Locks();
  readonly root: string;
  readonly fs: StoreFs;

  constructor(root: string, fs: StoreFs) {
    this.root = root;
    this.fs = fs;
  }

  /** Loads every bucket under the root, cleaning up what a crash left behind. */
  async load(report: (line: string) => void): Promise<void> {
    await ensureDir(this.fs, this.root);
    for (const entry of await this.fs.readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !BUCKET_NAME.test(entry.name)) continue;
      this.buckets.set(entry.name, await scanBucket(this.fs, this.root, entry.name, report));
      this.created.set(entry.name, (await this.fs.stat(join(this.root, entry.name))).birthtime.toISOString());
    }
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort();
  }

  createdAt(bucket: string): string {
    return this.created.get(bucket) ?? new Date(0).toISOString();
  }

  index(bucket: string): KeyIndex {
    const index = this.buckets.get(bucket);
    if (!index) throw noSuchBucket(bucket);
    return index;
  }

  async createBucket(bucket: string): Promise<void> {
    checkBucketName(bucket);
    if (this.buckets.has(bucket)) return;
    await ensureDir(this.fs, join(this.root, bucket));
    if (this.buckets.has(bucket)) return;
    this.buckets.set(bucket, new KeyIndex());
    this.created.set(bucket, new Date().toISOString());
  }

  async deleteBucket(bucket: string): Promise<void> {
    if (this.index(bucket).size > 0) {
      throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty.', {
        BucketName: bucket,
      });
    }
    this.buckets.delete(bucket);
    this.created.delete(bucket);
    await this.fs.rm(join(this.root, bucket), { recursive: true, force: true });
    await syncDir(this.fs, this.root);
  }

  head(bucket: string, key: string): ObjectMeta {
    const meta = this.index(bucket).get(key);
    if (!meta) throw noSuchKey(key);
    return meta;
  }

  private dirOf(bucket: string, hash: string): string {
    return join(this.root, bucket, hash.slice(0, 2));
  }

  /** Opens the current version's bytes (a replaced version stays readable while open). */
  async open(bucket: string, key: string): Promise<{ meta: ObjectMeta; handle: FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      const meta = this.head(bucket, key);
      try {
        const handle = await this.fs.open(join(this.dirOf(bucket, hashOf(key)), meta.data), 'r');
        return { meta, handle };
      } catch (e: unknown) {
        // Replaced between the look-up and the open: look again.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 3) throw e;
      }
    }
  }

  /** Streams `body` into a temporary file beside where `key`'s data will live. */
  async receive(bucket: string, key: string, body: AsyncIterable<Buffer>): Promise<Received> {
    this.index(bucket);
    const dir = this.dirOf(bucket, hashOf(key));
    await ensureDir(this.fs, dir);
    return receive(this.fs, dir, body);
  }

  /** Discards what `receive` wrote, when the request fails before `commit`. */
  async discard(received: Received): Promise<void> {
    await this.fs.unlink(received.temp).catch(() => undefined);
  }

  /**
   * Makes `received` the current version of `key`, durably, then runs `after` (the event) while
   * still holding the key, so that writes to one key are committed and reported in one order.
   */
  async commit<T>(
    bucket: string,
    key: string,
    received: Received,
    fields: ObjectFields,
    after: (meta: ObjectMeta) => Promise<T>,
  ): Promise<T> {
    const index = this.index(bucket);
    const hash = hashOf(key);
    const dir = this.dirOf(bucket, hash);
    return this.locks.run(`${bucket}/${key}`, async () => {
      const meta: ObjectMeta = {
        key,
        size: received.size,
        etag: fields.etag ?? received.md5.toString('hex'),
        lastModified: new Date().toISOString(),
        headers: fields.headers,
        metadata: fields.metadata,
        data: `${hash}-${randomBytes(8).toString('hex')}`,
      };
      const dataPath = join(dir, meta.data);
      try {
        await this.fs.rename(received.temp, dataPath);
      } catch (e: unknown) {
        await this.discard(received);
        throw e;
      }
      try {
        await writeAtomically(this.fs, dir, `${hash}.json`, JSON.stringify(meta));
      } catch (e: unknown) {
        if (e instanceof UnsyncedRenameError) {
          // The new sidecar is in place, the old one may come back after a crash: serve the new
          // version, keep both data files (the next start removes whichever is unreferenced).
          index.set(meta);
        } else await this.fs.unlink(dataPath).catch(() => undefined);
        throw e;
      }
      const replaced = index.get(key);
      index.set(meta);
      if (replaced) await this.fs.unlink(join(dir, replaced.data)).catch(() => undefined);
      return after(meta);
    });
  }

  /** Removes `key` durably; `after` (the event) runs only if there was something to remove. */
  async remove(bucket: string, key: string, after: () => Promise<void>): Promise<boolean> {
    const index = this.index(bucket);
    const hash = hashOf(key);
    const dir = this.dirOf(bucket, hash);
    return this.locks.run(`${bucket}/${key}`, async () => {
      const existing = index.get(key);
      if (!existing) return false;
      await this.fs.unlink(join(dir, `${hash}.json`));
      index.delete(key);
      // Until the directory is synced the sidecar may come back after a crash: keep its data.
      await syncDir(this.fs, dir);
      await this.fs.unlink(join(dir, existing.data)).catch(() => undefined);
      await after();
      return true;
    });
  }
}
