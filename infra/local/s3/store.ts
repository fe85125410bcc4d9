/**
 * Buckets and objects on disk. An object never gets a path built from its key: it lives at
 * `<root>/<bucket>/<h[0..2]>/<h>.json` (the metadata sidecar, with the key) and
 * `<root>/<bucket>/<h[0..2]>/<h>-<version>` (its bytes), h = hex SHA-256 of the UTF-8 key.
 * The sidecar's rename is the commit point: it names the data file of the current version, so
 * a crash at any moment leaves the old object or the new one, never a mix. On a versioned bucket
 * the same sidecar also lists the older versions and delete markers (see versions.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BucketState } from './bucket-state.ts';
import {
  ensureDir,
  Locks,
  type Received,
  receive,
  syncDir,
  UnsyncedRenameError,
  writeAtomically,
} from './durable.ts';
import type { ObjectMeta } from './key-index.ts';
import {
  type DeleteMarker,
  deletedKey,
  isDeleteMarker,
  type KeyVersions,
  newVersionId,
  readableVersion,
  sidecarText,
  type Version,
  versionIdOf,
  withNewCurrent,
  withoutVersion,
} from './versions.ts';
import { noSuchKey, S3Error } from './xml.ts';

/** What a DELETE did: the version it removed or the delete marker it created. */
export interface Removal {
  /** The version id S3 answers with (`x-amz-version-id`), absent for an unversioned bucket. */
  versionId: string | undefined;
  /** A simple DELETE on a versioned bucket: a delete marker became the current version. */
  markerCreated: boolean;
  /** The version removed (or the one now current) is a delete marker. */
  deleteMarker: boolean;
}

const MAX_KEY_BYTES = 1024;

const hashOf = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export function checkKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', 400, 'An object key must not be empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 400, 'Your key is too long.', { Key: key.slice(0, 64) });
  }
}

/** What a commit writes besides the bytes. */
export type ObjectFields = Pick<ObjectMeta, 'headers' | 'metadata'> & { etag?: string };

export class ObjectStore extends BucketState {
  private readonly locks = new Locks();

  head(bucket: string, key: string): ObjectMeta {
    const meta = this.index(bucket).get(key);
    if (meta) return meta;
    const current = this.history.get(bucket)?.get(key)?.current;
    throw isDeleteMarker(current) ? deletedKey(key, current) : noSuchKey(key);
  }

  private dirOf(bucket: string, hash: string): string {
    return join(this.root, bucket, hash.slice(0, 2));
  }

  /** Opens the current version's bytes, or version `versionId`'s (a replaced version stays readable while open). */
  async open(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ meta: ObjectMeta; handle: FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      const meta =
        versionId === undefined
          ? this.head(bucket, key)
          : readableVersion(this.versionsOf(bucket, key), key, versionId);
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
    this.index(bucket);
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
        ...(this.versioning.get(bucket) === 'Enabled' ? { versionId: newVersionId() } : {}),
      };
      const dataPath = join(dir, meta.data);
      try {
        await this.fs.rename(received.temp, dataPath);
      } catch (e: unknown) {
        await this.discard(received);
        throw e;
      }
      const { after: versions, dropped } = withNewCurrent(this.versionsOf(bucket, key), meta);
      try {
        await writeAtomically(this.fs, dir, `${hash}.json`, sidecarText(versions) as string);
      } catch (e: unknown) {
        if (e instanceof UnsyncedRenameError) {
          // The new sidecar is in place, the old one may come back after a crash: serve the new
          // version, keep both data files (the next start removes whichever is unreferenced).
          this.setVersions(bucket, key, versions);
        } else await this.fs.unlink(dataPath).catch(() => undefined);
        throw e;
      }
      this.setVersions(bucket, key, versions);
      await this.unlinkData(dir, dropped);
      return after(meta);
    });
  }

  /**
   * A simple DELETE: on an unversioned bucket removes `key` durably; on a versioned one makes a
   * delete marker its current version. `after` (the event) runs only if something changed.
   */
  async remove(
    bucket: string,
    key: string,
    after: (removal: Removal) => Promise<void>,
  ): Promise<Removal | null> {
    const status = this.versioningOf(bucket);
    if (status === undefined) {
      // Unversioned: the key and its data go (nothing to do when it does not exist).
      return this.removeVersions(
        bucket,
        key,
        ({ current }) =>
          current
            ? {
                versions: { current: undefined, older: [] },
                dropped: [current],
                removal: { versionId: undefined, markerCreated: false, deleteMarker: false },
              }
            : undefined,
        after,
      );
    }
    const marker: DeleteMarker = {
      key,
      deleteMarker: true,
      lastModified: new Date().toISOString(),
      ...(status === 'Enabled' ? { versionId: newVersionId() } : {}),
    };
    return this.removeVersions(
      bucket,
      key,
      (before) => {
        const { after: versions, dropped } = withNewCurrent(before, marker);
        return {
          versions,
          dropped,
          removal: { versionId: versionIdOf(marker), markerCreated: true, deleteMarker: true },
        };
      },
      after,
    );
  }

  /** DELETE with `versionId`: removes that one version for good (the next newest becomes current). */
  removeVersion(
    bucket: string,
    key: string,
    versionId: string,
    after: (removal: Removal) => Promise<void>,
  ): Promise<Removal | null> {
    return this.removeVersions(
      bucket,
      key,
      (before) => {
        const { after: versions, removed } = withoutVersion(before, versionId);
        if (!removed) return undefined;
        const removal = { versionId, markerCreated: false, deleteMarker: isDeleteMarker(removed) };
        return { versions, dropped: [removed], removal };
      },
      after,
    );
  }

  private async removeVersions(
    bucket: string,
    key: string,
    change: (
      before: KeyVersions,
    ) => { versions: KeyVersions; dropped: Version[]; removal: Removal } | undefined,
    after: (removal: Removal) => Promise<void>,
  ): Promise<Removal | null> {
    this.index(bucket);
    const hash = hashOf(key);
    const dir = this.dirOf(bucket, hash);
    return this.locks.run(`${bucket}/${key}`, async () => {
      const changed = change(this.versionsOf(bucket, key));
      if (!changed) return null;
      const text = sidecarText(changed.versions);
      await ensureDir(this.fs, dir);
      try {
        if (text === null) await this.fs.unlink(join(dir, `${hash}.json`));
        else await writeAtomically(this.fs, dir, `${hash}.json`, text);
      } catch (e: unknown) {
        // The new sidecar is in place even if its directory could not be synced: serve it.
        if (e instanceof UnsyncedRenameError) this.setVersions(bucket, key, changed.versions);
        throw e;
      }
      this.setVersions(bucket, key, changed.versions);
      // Until the directory is synced the sidecar may come back after a crash: keep its data.
      await syncDir(this.fs, dir);
      await this.unlinkData(dir, changed.dropped);
      await after(changed.removal);
      return changed.removal;
    });
  }

  private async unlinkData(dir: string, versions: Version[]): Promise<void> {
    for (const v of versions) {
      if (!isDeleteMarker(v)) await this.fs.unlink(join(dir, v.data)).catch(() => undefined);
    }
  }
}
