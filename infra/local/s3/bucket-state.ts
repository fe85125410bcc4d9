/**
 * The buckets of the local S3 store: their key indexes, which keys have version history, and
 * each bucket's versioning status (kept in a file beside its objects). Objects: see store.ts.
 */
import { join } from 'node:path';
import { ensureDir, type StoreFs, syncDir, writeAtomically } from './durable.ts';
import { KeyIndex } from './key-index.ts';
import { scanBucket } from './recovery.ts';
import { isDeleteMarker, type KeyVersions, type VersioningStatus } from './versions.ts';
import { noSuchBucket, S3Error } from './xml.ts';

const VERSIONING_FILE = '.khulasa-versioning';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function checkBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket });
  }
}

export class BucketState {
  protected readonly buckets = new Map<string, KeyIndex>();
  /** Per bucket, the keys with non-current versions or a delete marker as current version. */
  protected readonly history = new Map<string, Map<string, KeyVersions>>();
  protected readonly versioning = new Map<string, VersioningStatus>();
  protected readonly created = new Map<string, string>();
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
      const scanned = await scanBucket(this.fs, this.root, entry.name, report);
      this.buckets.set(entry.name, scanned.index);
      this.history.set(entry.name, scanned.history);
      const status = await this.fs
        .readFile(join(this.root, entry.name, VERSIONING_FILE), 'utf8')
        .catch(() => undefined);
      if (status === 'Enabled' || status === 'Suspended') this.versioning.set(entry.name, status);
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
    this.history.set(bucket, new Map());
    this.created.set(bucket, new Date().toISOString());
  }

  versioningOf(bucket: string): VersioningStatus | undefined {
    this.index(bucket);
    return this.versioning.get(bucket);
  }

  /** PutBucketVersioning: kept beside the bucket's objects, so it survives restarts. */
  async setVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    this.index(bucket);
    await writeAtomically(this.fs, join(this.root, bucket), VERSIONING_FILE, status);
    this.versioning.set(bucket, status);
  }

  /** Every key that has versions (current, non-current or delete markers), unsorted. */
  versionedKeys(bucket: string): IterableIterator<string> {
    this.index(bucket);
    return this.history.get(bucket)?.keys() ?? new Map<string, KeyVersions>().keys();
  }

  /** All versions of `key`, current first. */
  versionsOf(bucket: string, key: string): KeyVersions {
    const kept = this.history.get(bucket)?.get(key);
    return kept ?? { current: this.index(bucket).get(key), older: [] };
  }

  protected setVersions(bucket: string, key: string, versions: KeyVersions): void {
    const index = this.index(bucket);
    const history = this.history.get(bucket) ?? new Map<string, KeyVersions>();
    this.history.set(bucket, history);
    if (versions.current && !isDeleteMarker(versions.current)) index.set(versions.current);
    else index.delete(key);
    if (versions.older.length > 0 || isDeleteMarker(versions.current)) history.set(key, versions);
    else history.delete(key);
  }

  async deleteBucket(bucket: string): Promise<void> {
    if (this.index(bucket).size > 0 || (this.history.get(bucket)?.size ?? 0) > 0) {
      throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty.', {
        BucketName: bucket,
      });
    }
    this.buckets.delete(bucket);
    this.history.delete(bucket);
    this.versioning.delete(bucket);
    this.created.delete(bucket);
    await this.fs.rm(join(this.root, bucket), { recursive: true, force: true });
    await syncDir(this.fs, this.root);
  }
}
