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

const HASH = /^[0-9a-f]{64}$/;
const DATA_FILE = /^([0-9a-f]{64})-[0-9a-f]{16}$/;

function parseSidecar(text: string, hash: string, files: Set<string>): ObjectMeta {
  const meta = JSON.parse(text) as Partial<ObjectMeta>;
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
): Promise<KeyIndex> {
  const found: ObjectMeta[] = [];
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
        const meta = parseSidecar(await fs.readFile(join(dir, name), 'utf8'), hash, files);
        found.push(meta);
        referenced.add(meta.data);
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
  return KeyIndex.of(found);
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
