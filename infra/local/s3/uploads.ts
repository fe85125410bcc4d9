/**
 * Multipart uploads in progress, under `<root>/.uploads/<upload id>/`: `upload.json` (bucket,
 * key, the headers and metadata the object will get) and one file per part, named
 * `part-<number>-<md5 hex>` so that a part's bytes and its ETag land in one atomic rename.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureDir, Locks, receive, type StoreFs, syncDir, TEMP_PREFIX, writeAtomically } from './durable.ts';
import type { ObjectMeta } from './key-index.ts';
import { invalidArgument, S3Error } from './xml.ts';

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  initiated: string;
  headers: ObjectMeta['headers'];
  metadata: ObjectMeta['metadata'];
}

export interface Part {
  number: number;
  etag: string;
  size: number;
  lastModified: string;
  file: string;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const PART_FILE = /^part-(\d{1,5})-([0-9a-f]{32})$/;
const MIN_PART_BYTES = 5 * 1024 * 1024;

const noSuchUpload = (id: string) =>
  new S3Error(
    'NoSuchUpload',
    404,
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: id },
  );

export class Uploads {
  private readonly dir: string;
  private readonly fs: StoreFs;
  private readonly locks = new Locks();

  constructor(root: string, fs: StoreFs) {
    this.dir = join(root, '.uploads');
    this.fs = fs;
  }

  /**
   * Removes temporary files a crash left in uploads in progress, and uploads abandoned longer than
   * `abandonAfterMs` (started and never completed nor aborted), as an S3 lifecycle rule
   * `AbortIncompleteMultipartUpload` would. Returns how many uploads it removed.
   */
  async load(options: { abandonAfterMs: number; now?: number }): Promise<number> {
    await ensureDir(this.fs, this.dir);
    const cutoff = (options.now ?? Date.now()) - options.abandonAfterMs;
    let removed = 0;
    for (const id of await this.fs.readdir(this.dir)) {
      if (!UPLOAD_ID.test(id)) continue;
      const dir = join(this.dir, id);
      if ((await this.startedAt(id)) < cutoff) {
        await this.fs.rm(dir, { recursive: true, force: true });
        removed += 1;
        continue;
      }
      for (const name of await this.fs.readdir(dir)) {
        if (name.startsWith(TEMP_PREFIX)) await this.fs.unlink(join(dir, name));
      }
    }
    if (removed > 0) await syncDir(this.fs, this.dir);
    return removed;
  }

  /** When an upload began: its `initiated`, or its folder's time when a crash left no upload.json. */
  private async startedAt(id: string): Promise<number> {
    const upload = await this.read(id).catch(() => null);
    const initiated = upload ? Date.parse(upload.initiated) : Number.NaN;
    if (!Number.isNaN(initiated)) return initiated;
    return (await this.fs.stat(join(this.dir, id))).mtimeMs;
  }

  private async read(id: string): Promise<Upload> {
    return JSON.parse(await this.fs.readFile(join(this.dir, id, 'upload.json'), 'utf8')) as Upload;
  }

  /** The uploads in progress for `bucket`, in S3's order: by key, then by when they began. */
  async list(bucket: string): Promise<Upload[]> {
    const found: Upload[] = [];
    for (const id of await this.fs.readdir(this.dir)) {
      if (!UPLOAD_ID.test(id)) continue;
      const upload = await this.read(id).catch(() => null);
      if (upload?.bucket === bucket) found.push(upload);
    }
    return found.sort(
      (a, b) =>
        Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8')) ||
        a.initiated.localeCompare(b.initiated) ||
        a.id.localeCompare(b.id),
    );
  }

  async create(upload: Omit<Upload, 'id' | 'initiated'>): Promise<Upload> {
    const created: Upload = {
      ...upload,
      id: randomBytes(16).toString('hex'),
      initiated: new Date().toISOString(),
    };
    const dir = join(this.dir, created.id);
    await ensureDir(this.fs, dir);
    await writeAtomically(this.fs, dir, 'upload.json', JSON.stringify(created));
    return created;
  }

  async get(id: string, bucket: string, key: string): Promise<Upload> {
    if (!UPLOAD_ID.test(id)) throw noSuchUpload(id);
    let upload: Upload;
    try {
      upload = JSON.parse(await this.fs.readFile(join(this.dir, id, 'upload.json'), 'utf8')) as Upload;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchUpload(id);
      throw e;
    }
    if (upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(id);
    return upload;
  }

  async putPart(upload: Upload, number: number, body: AsyncIterable<Buffer>): Promise<string> {
    checkPartNumber(number);
    const dir = join(this.dir, upload.id);
    const received = await receive(this.fs, dir, body);
    const etag = received.md5.toString('hex');
    await this.locks.run(`${upload.id}/${number}`, async () => {
      const name = `part-${number}-${etag}`;
      try {
        await this.fs.rename(received.temp, join(dir, name));
      } catch (e: unknown) {
        await this.fs.unlink(received.temp).catch(() => undefined);
        throw e;
      }
      await syncDir(this.fs, dir);
      for (const other of await this.fs.readdir(dir)) {
        if (other !== name && PART_FILE.exec(other)?.[1] === String(number)) {
          await this.fs.unlink(join(dir, other)).catch(() => undefined);
        }
      }
    });
    return etag;
  }

  async parts(upload: Upload): Promise<Part[]> {
    const dir = join(this.dir, upload.id);
    const parts = new Map<number, Part>();
    for (const file of await this.fs.readdir(dir)) {
      const match = PART_FILE.exec(file);
      if (!match) continue;
      const stat = await this.fs.stat(join(dir, file)).catch(() => undefined);
      if (!stat) continue;
      const part = {
        number: Number(match[1]),
        etag: match[2] ?? '',
        size: stat.size,
        lastModified: stat.mtime.toISOString(),
        file: join(dir, file),
      };
      const seen = parts.get(part.number);
      if (!seen || seen.lastModified < part.lastModified) parts.set(part.number, part);
    }
    return [...parts.values()].sort((a, b) => a.number - b.number);
  }

  /**
   * Checks the client's part list against the stored parts, as S3 does, and returns the parts
   * to join and the multipart ETag: MD5 of the parts' binary MD5s, then `-<count>`.
   */
  async plan(
    upload: Upload,
    requested: { number: number; etag: string }[],
  ): Promise<{ parts: Part[]; etag: string }> {
    if (requested.length === 0) {
      throw new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate.');
    }
    const stored = new Map((await this.parts(upload)).map((p) => [p.number, p]));
    const parts: Part[] = [];
    for (const [i, want] of requested.entries()) {
      if (i > 0 && want.number <= (requested[i - 1]?.number ?? 0)) {
        throw new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order.');
      }
      const part = stored.get(want.number);
      if (!part || part.etag !== want.etag.replaceAll('"', '').trim()) {
        throw new S3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.', {
          PartNumber: String(want.number),
          ETag: want.etag,
        });
      }
      if (i < requested.length - 1 && part.size < MIN_PART_BYTES) {
        throw new S3Error(
          'EntityTooSmall',
          400,
          'Your proposed upload is smaller than the minimum allowed size.',
          {
            PartNumber: String(want.number),
          },
        );
      }
      parts.push(part);
    }
    const md5s = Buffer.concat(parts.map((p) => Buffer.from(p.etag, 'hex')));
    return { parts, etag: `${createHash('md5').update(md5s).digest('hex')}-${parts.length}` };
  }

  async remove(upload: Upload): Promise<void> {
    await this.fs.rm(join(this.dir, upload.id), { recursive: true, force: true });
    await syncDir(this.fs, this.dir);
  }
}

function checkPartNumber(number: number): void {
  if (!Number.isInteger(number) || number < 1 || number > 10_000) {
    throw invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      String(number),
    );
  }
}
