/**
 * Durable file writes: every file is written under a temporary name in its final directory,
 * fsynced, renamed into place, and the directory fsynced, so a crash leaves either the old file
 * or the new one (plus a temporary file that the next start removes).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { S3Error } from './xml.ts';

/** The file-system calls the store makes: injectable, so tests can make a write fail. */
export type StoreFs = Pick<
  typeof nodeFs,
  'open' | 'rename' | 'unlink' | 'mkdir' | 'readdir' | 'readFile' | 'rm' | 'stat'
>;

export const defaultFs: StoreFs = nodeFs;

export const TEMP_PREFIX = '.tmp-';
export const tempName = (): string => `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`;

export async function syncDir(fs: StoreFs, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `mkdir -p dir`, fsyncing the parent of every directory it had to create. */
export async function ensureDir(fs: StoreFs, dir: string): Promise<void> {
  const created = await fs.mkdir(dir, { recursive: true });
  if (created === undefined) return;
  for (let d = dir; d.length >= created.length; d = dirname(d)) await syncDir(fs, dirname(d));
}

export interface Received {
  /** The fsynced temporary file holding the bytes. */
  temp: string;
  size: number;
  md5: Buffer;
}

/**
 * Streams `body` into a new temporary file in `dir` and fsyncs it. An error reading `body` is
 * the client's (`IncompleteBody`); an error writing is the store's and is rethrown as is.
 */
export async function receive(fs: StoreFs, dir: string, body: AsyncIterable<Buffer>): Promise<Received> {
  const temp = join(dir, tempName());
  const md5 = createHash('md5');
  let size = 0;
  const handle = await fs.open(temp, 'wx');
  try {
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (e: unknown) {
        const reason = e instanceof Error ? e.message : 'The request body could not be read.';
        throw new S3Error('IncompleteBody', 400, reason);
      }
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      md5.update(chunk);
      size += chunk.length;
      for (let written = 0; written < chunk.length; ) {
        written += (await handle.write(chunk, written)).bytesWritten;
      }
    }
    await handle.sync();
  } catch (e: unknown) {
    await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  return { temp, size, md5: md5.digest() };
}

/** Thrown when a file was renamed into place but its directory could not be fsynced. */
export class UnsyncedRenameError extends Error {
  constructor(cause: unknown) {
    super(
      `renamed, but the directory could not be synced: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'UnsyncedRenameError';
  }
}

/**
 * Writes `content` to `dir/name` atomically and durably. If only the final directory fsync fails,
 * the new file is in place (but may not survive a crash): that is an `UnsyncedRenameError`.
 */
export async function writeAtomically(
  fs: StoreFs,
  dir: string,
  name: string,
  content: string,
): Promise<void> {
  const temp = join(dir, tempName());
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (e: unknown) {
    await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(temp, join(dir, name));
  } catch (e: unknown) {
    await fs.unlink(temp).catch(() => undefined);
    throw e;
  }
  try {
    await syncDir(fs, dir);
  } catch (e: unknown) {
    throw new UnsyncedRenameError(e);
  }
}

/** Serialises async work per name (writes to one key commit in the order they started committing). */
export class Locks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(name, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}
