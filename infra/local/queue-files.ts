import { constants } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The local queue's files. A message is acknowledged to whoever sent it only once its file is on
 * disk for good: written under a temporary name, flushed, renamed into place, and the rename
 * itself flushed through the folder. A crash at any point leaves either the whole message or
 * only a temporary file, which was never acknowledged and is removed at the next start.
 */

const TEMP_SUFFIX = '.tmp';

async function fsyncDirectory(directory: string): Promise<void> {
  // Some platforms refuse to open a folder for reading (Windows); the rename is then as durable
  // as the platform makes it.
  const handle = await open(directory, constants.O_RDONLY).catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // A file system that cannot flush a folder (some network mounts): nothing more to do.
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `file` so that, once this resolves, it survives a crash or power loss. */
export async function writeDurably(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}${TEMP_SUFFIX}`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (e: unknown) {
    await rm(temp, { force: true });
    throw e;
  }
  await fsyncDirectory(dirname(file));
}

/** Removes a file and flushes the removal, so a deleted message does not come back after a crash. */
export async function removeDurably(file: string): Promise<void> {
  await rm(file, { force: true });
  await fsyncDirectory(dirname(file));
}

export interface LoadedFolder<T> {
  items: T[];
  /** Temporary files left by a crash mid-write: never acknowledged, so removed. */
  removedTemporary: number;
  /** Files that could not be read as a message, moved aside into `asideDirectory`. */
  setAside: string[];
}

/**
 * Reads every `*.json` file of `directory` with `parse`. A file that does not parse is moved to
 * `asideDirectory` as `corrupt-<name>` and reported through `report` (one line naming it).
 */
export async function loadFolder<T>(
  directory: string,
  asideDirectory: string,
  parse: (text: string) => T,
  report: (line: string) => void,
): Promise<LoadedFolder<T>> {
  const result: LoadedFolder<T> = { items: [], removedTemporary: 0, setAside: [] };
  for (const name of (await readdir(directory)).sort()) {
    const file = join(directory, name);
    if (name.endsWith(TEMP_SUFFIX)) {
      await rm(file, { force: true });
      result.removedTemporary += 1;
      continue;
    }
    if (!name.endsWith('.json')) continue;
    try {
      result.items.push(parse(await readFile(file, 'utf8')));
    } catch (e: unknown) {
      const aside = join(asideDirectory, `corrupt-${basename(name)}`);
      await rename(file, aside);
      const why = e instanceof Error ? e.message : String(e);
      report(`khulasa: queue file ${file} is unreadable (${why}); moved to ${aside}`);
      result.setAside.push(aside);
    }
  }
  if (result.removedTemporary > 0) await fsyncDirectory(directory);
  return result;
}
