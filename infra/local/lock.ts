import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `<dataDir>/stack.pid`: written by `npm start` once it owns the data folder, removed when it
 * stops. A lock left by a process that no longer runs (SIGKILL, a power cut) is stale and ignored.
 */
const LOCK_FILE = 'stack.pid';

export class DataDirInUseError extends Error {
  readonly pid: number;
  readonly dataDir: string;
  constructor(dataDir: string, pid: number) {
    super(`another khulasa stack (pid ${pid}) is running on ${dataDir}`);
    this.name = 'DataDirInUseError';
    this.pid = pid;
    this.dataDir = dataDir;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e: unknown) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A pid reused after a reboot by something that is not node is not our stack.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** The pid of a live stack holding `dataDir`, or null when none does. */
export async function runningStackPid(dataDir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(join(dataDir, LOCK_FILE), 'utf8'), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return isAlive(pid) ? pid : null;
}

/** Takes the data folder for this process; throws `DataDirInUseError` when a live stack holds it. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const holder = await runningStackPid(dataDir);
  if (holder !== null && holder !== process.pid) throw new DataDirInUseError(dataDir, holder);
  const file = join(dataDir, LOCK_FILE);
  await writeFile(file, `${process.pid}\n`);
  return async () => {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (Number.parseInt(current, 10) === process.pid) await rm(file, { force: true });
  };
}
