/**
 * The local stack's outcome events: `<data dir>/events/outcomes.jsonl`, appended by the ingest
 * workers (lib/adapters/file-events.ts) and followed here by the webhook delivery and by
 * `khulasa watch`. Readers keep a byte offset; `npm run reset` removes the folder, and a log
 * shorter than a reader's offset (reset while it ran) is read again from its start.
 */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_LOG_FILE } from '../../lib/adapters/file-events.ts';

export const eventsDirOf = (dataDir: string): string => join(dataDir, 'events');
export const eventLogOf = (dataDir: string): string => join(eventsDirOf(dataDir), EVENT_LOG_FILE);

/** Events are well under 2 KB (titles are cut); a slice this size holds hundreds of them. */
const MAX_READ_BYTES = 1024 * 1024;

/** One complete line of the log and the offset just past it (where a reader resumes). */
export interface LogLine {
  text: string;
  next: number;
}

/** The log's size, 0 while it does not exist yet. */
export async function logSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return 0;
      throw e;
    },
  );
}

/** The complete lines from `offset` on; a line still being written is left for the next read. */
async function readLogLines(
  file: string,
  offset: number,
): Promise<{ lines: LogLine[]; from: number; next: number }> {
  const size = await logSize(file);
  // Shorter than where we were: the log was removed and written anew.
  const from = size < offset ? 0 : offset;
  if (size === from) return { lines: [], from, next: from };
  const handle = await open(file, 'r');
  try {
    // A long backlog (a receiver down for days) is read a slice at a time, never all at once.
    const buffer = Buffer.alloc(Math.min(size - from, MAX_READ_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    const lines: LogLine[] = [];
    let start = 0;
    for (let end = buffer.indexOf(10, 0); end !== -1 && end < bytesRead; end = buffer.indexOf(10, start)) {
      const text = buffer.subarray(start, end).toString('utf8');
      start = end + 1;
      if (text.trim() !== '') lines.push({ text, next: from + start });
    }
    return { lines, from, next: from + start };
  } finally {
    await handle.close();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Calls `onLine` for every line appended from `offset` on, in order, until `signal` aborts.
 * `onLine` is awaited: a reader that retries one line holds the ones after it back.
 */
export async function followLog(
  file: string,
  offset: number,
  onLine: (line: LogLine) => Promise<void> | void,
  signal: AbortSignal,
  pollMs = 200,
): Promise<void> {
  let at = offset;
  while (!signal.aborted) {
    const { lines, from, next } = await readLogLines(file, at);
    at = from;
    for (const line of lines) {
      if (signal.aborted) return;
      await onLine(line);
      at = line.next;
    }
    // Past blank lines too (`onLine` saw every line before them).
    at = next;
    if (lines.length > 0) continue;
    await pause(pollMs, signal);
  }
}
