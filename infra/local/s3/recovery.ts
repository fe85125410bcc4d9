/**
 * Start-up: rebuild a bucket's key index from its metadata sidecars, and clean up what a crash
 * can leave — temporary files (never acknowledged) and data files no sidecar names (a crash
 * between writing the bytes and committing the sidecar). A sidecar that cannot be read is
 * reported on stderr and moved, with its data, to `<root>/.corrupt/`, so the server still starts.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ensureDir, type StoreFs, TEMP_PREFIX } from './durable.ts';
import { KeyIndex, type ObjectMeta } from './key-index.ts';
import { checkStoredVersion, isDeleteMarker, type KeyVersions, type Version } from './versions.ts';

const HASH = /^[0-9a-f]{64}$/;
const DATA_FILE = /^([0-9a-f]{64})-[0-9a-f]{16}$/;

/** A sidecar: the current version (an object or a delete marker) and any older versions. */
function parseSidecar(text: string, hash: string, files: Set<string>): KeyVersions {
  const { older, ...head } = JSON.parse(text) as Partial<ObjectMeta> & { older?: unknown };
  if (typeof head.key !== 'string' || createHash('sha256').update(head.key, 'utf8').digest('hex') !== hash) {
    throw new Error('its key does not match its file name');
  }
  if (older !== undefined && !Array.isArray(older)) throw new Error('its older versions are malformed');
  const key = head.key;
  const olderVersions = (older ?? []).map((v: unknown) => checkStoredVersion(v, key, files));
  const current: Version =
    'deleteMarker' in head ? checkStoredVersion(head, key, files) : parseCurrent(head, hash, files);
  return { current, older: olderVersions };
}

function parseCurrent(meta: Partial<ObjectMeta>, hash: string, files: Set<string>): ObjectMeta {
  const isStrings = (value: unknown) =>
    typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
  if (typeof meta.key !== 'string' || createHash('sha256').update(meta.key, 'utf8').digest('hex') !== hash) {
    throw new Error('its key does not match its file name');
  }
  if (
    typeof meta.size !== 'number' ||
    typeof meta.etag !== 'string' ||
    typeof meta.lastModified !== 'string'
  ) {
    throw new Error('size, etag or lastModified is missing');
  }
  if (!isStrings(meta.headers) || !isStrings(meta.metadata))
    throw new Error('headers or metadata are malformed');
  if (typeof meta.data !== 'string' || !files.has(meta.data) || !meta.data.startsWith(hash)) {
    throw new Error('its data file is missing');
  }
  return meta as ObjectMeta;
}

export async function scanBucket(
  fs: StoreFs,
  root: string,
  bucket: string,
  report: (line: string) => void,
): Promise<{ index: KeyIndex; history: Map<string, KeyVersions> }> {
  const found: ObjectMeta[] = [];
  const history = new Map<string, KeyVersions>();
  const bucketDir = join(root, bucket);
  for (const fanOut of await fs.readdir(bucketDir, { withFileTypes: true })) {
    if (!fanOut.isDirectory() || !/^[0-9a-f]{2}$/.test(fanOut.name)) continue;
    const dir = join(bucketDir, fanOut.name);
    const files = new Set(await fs.readdir(dir));
    const referenced = new Set<string>();
    const corrupt = new Set<string>();
    for (const name of files) {
      if (name.startsWith(TEMP_PREFIX)) {
        await fs.unlink(join(dir, name));
        continue;
      }
      const hash = name.endsWith('.json') ? name.slice(0, -'.json'.length) : '';
      if (!HASH.test(hash)) continue;
      try {
        const versions = parseSidecar(await fs.readFile(join(dir, name), 'utf8'), hash, files);
        const { current } = versions;
        if (current && !isDeleteMarker(current)) found.push(current);
        if (versions.older.length > 0 || isDeleteMarker(current)) history.set(current?.key ?? '', versions);
        for (const v of [current, ...versions.older]) if (v && !isDeleteMarker(v)) referenced.add(v.data);
      } catch (e: unknown) {
        corrupt.add(hash);
        const movedTo = await moveAside(fs, root, bucket, dir, name);
        const reason = e instanceof Error ? e.message : String(e);
        report(
          `local S3: skipped unreadable object metadata ${join(dir, name)} (${reason}); moved to ${movedTo}`,
        );
      }
    }
    for (const name of files) {
      const data = DATA_FILE.exec(name);
      if (!data || referenced.has(name)) continue;
      if (corrupt.has(data[1] ?? '')) await moveAside(fs, root, bucket, dir, name);
      else await fs.unlink(join(dir, name));
    }
  }
  return { index: KeyIndex.of(found), history };
}

async function moveAside(
  fs: StoreFs,
  root: string,
  bucket: string,
  dir: string,
  name: string,
): Promise<string> {
  const corruptDir = join(root, '.corrupt', bucket);
  await ensureDir(fs, corruptDir);
  const target = join(corruptDir, `${Date.now()}-${name}`);
  await fs.rename(join(dir, name), target);
  return target;
}
