/**
 * Object versions, as S3 keeps them in a bucket whose versioning is (or was) enabled. One key's
 * versions all live in its one metadata sidecar — the current version's fields, plus `older`
 * (non-current versions, newest first) — so a change to any of them is one atomic sidecar write.
 * A delete marker is a version without data; while it is current the key is absent from listings
 * and a GET answers 404 with `x-amz-delete-marker: true`, as on S3.
 *
 * Objects stored while the bucket was unversioned have no `versionId`: S3 calls that the `null` version.
 */
import { randomBytes } from 'node:crypto';
import type { ObjectMeta } from './key-index.ts';
import { S3Error } from './xml.ts';

export interface DeleteMarker {
  key: string;
  deleteMarker: true;
  /** Absent for the `null` marker a DELETE leaves while versioning is suspended. */
  versionId?: string;
  lastModified: string;
}

export type Version = ObjectMeta | DeleteMarker;

/** Everything stored for one key: the current version (if any) and the older ones, newest first. */
export interface KeyVersions {
  current: Version | undefined;
  older: Version[];
}

export type VersioningStatus = 'Enabled' | 'Suspended';

export const isDeleteMarker = (v: Version | undefined): v is DeleteMarker =>
  v !== undefined && 'deleteMarker' in v && v.deleteMarker === true;

/** The id S3 shows for a version: the `null` version is the one stored without versioning. */
export const versionIdOf = (v: Version): string => v.versionId ?? 'null';

/** A fresh version id: URL-safe and opaque, like S3's. */
export const newVersionId = (): string => randomBytes(24).toString('base64url');

/** The sidecar text for a key's versions; an object without history keeps the plain layout. */
export function sidecarText(versions: KeyVersions): string | null {
  if (!versions.current && versions.older.length === 0) return null;
  const head: Version = versions.current ?? (versions.older[0] as Version);
  const older = versions.current ? versions.older : versions.older.slice(1);
  return JSON.stringify(older.length > 0 ? { ...head, older } : head);
}

/**
 * The versions after a new current version `next` arrives. Under `Enabled` the old current is
 * kept as non-current; otherwise the new version is the `null` version and replaces any other
 * `null` version. Returns the versions to keep and those whose data can go.
 */
export function withNewCurrent(
  before: KeyVersions,
  next: Version,
): { after: KeyVersions; dropped: Version[] } {
  const all = before.current ? [before.current, ...before.older] : before.older;
  const dropped = next.versionId === undefined ? all.filter((v) => v.versionId === undefined) : [];
  return { after: { current: next, older: all.filter((v) => !dropped.includes(v)) }, dropped };
}

/** The versions after version `versionId` is permanently deleted (the next newest becomes current). */
export function withoutVersion(
  before: KeyVersions,
  versionId: string,
): { after: KeyVersions; removed: Version | undefined } {
  const all = before.current ? [before.current, ...before.older] : [...before.older];
  const at = all.findIndex((v) => versionIdOf(v) === versionId);
  if (at < 0) return { after: before, removed: undefined };
  const [removed] = all.splice(at, 1);
  const [current, ...older] = all;
  return { after: { current, older }, removed };
}

/** The version a `versionId` query names; a delete marker cannot be read (405, as S3 answers). */
export function readableVersion(versions: KeyVersions, key: string, versionId: string): ObjectMeta {
  const all = versions.current ? [versions.current, ...versions.older] : versions.older;
  const found = all.find((v) => versionIdOf(v) === versionId);
  if (!found) {
    throw new S3Error('NoSuchVersion', 404, 'The specified version does not exist.', {
      Key: key,
      VersionId: versionId,
    });
  }
  if (isDeleteMarker(found)) {
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
      Method: 'GET',
      ResourceType: 'DeleteMarker',
    }).withHeaders({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionId });
  }
  return found;
}

/** GET/HEAD without a version on a key whose current version is a delete marker. */
export function deletedKey(key: string, marker: DeleteMarker): S3Error {
  return new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }).withHeaders({
    'x-amz-delete-marker': 'true',
    'x-amz-version-id': versionIdOf(marker),
  });
}

/** Checks one stored version read back from a sidecar (recovery); throws with what is wrong. */
export function checkStoredVersion(value: unknown, key: string, files: Set<string>): Version {
  const v = value as Partial<ObjectMeta & DeleteMarker>;
  if (typeof v !== 'object' || v === null || v.key !== key) throw new Error('a version names another key');
  if (v.versionId !== undefined && typeof v.versionId !== 'string')
    throw new Error('a version id is malformed');
  if (typeof v.lastModified !== 'string') throw new Error('a version has no lastModified');
  if (v.deleteMarker === true) return v as DeleteMarker;
  if (typeof v.size !== 'number' || typeof v.etag !== 'string')
    throw new Error('a version has no size or etag');
  if (typeof v.data !== 'string' || !files.has(v.data)) throw new Error("a version's data file is missing");
  return v as ObjectMeta;
}
