import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SQSMessageAttributes } from 'aws-lambda';
import { writeDurably } from './queue-files.ts';

/** A message handed to a running local stack by another process. */
export interface InboxMessage {
  body: string;
  messageAttributes?: SQSMessageAttributes;
}

/**
 * Queue a message for the local stack from another process (the CLI's `redrive`/`reprocess`):
 * written durably into `<dataDir>/inbox/`, picked up within a second by the running stack,
 * or at its next start.
 */
export async function dropIntoInbox(dataDir: string, message: InboxMessage): Promise<void> {
  const inbox = join(dataDir, 'inbox');
  await mkdir(inbox, { recursive: true });
  const name = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`;
  await writeDurably(join(inbox, `${name}.json`), JSON.stringify(message));
}

/**
 * Hands every message of `<dataDir>/inbox/` to `send`, oldest first, removing each file only once
 * `send` has made it durable. An unreadable file is moved to `asideDirectory` and reported.
 */
export async function drainInbox(
  dataDir: string,
  asideDirectory: string,
  send: (message: InboxMessage) => Promise<unknown>,
  warn: (line: string) => void,
): Promise<void> {
  const inbox = join(dataDir, 'inbox');
  const names = await readdir(inbox).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(inbox, name);
    let dropped: InboxMessage;
    try {
      dropped = JSON.parse(await readFile(file, 'utf8')) as InboxMessage;
      if (typeof dropped?.body !== 'string') throw new Error('no message body');
    } catch (e: unknown) {
      const aside = join(asideDirectory, `unreadable-${name}`);
      await rename(file, aside).catch(() => undefined);
      warn(
        `khulasa: inbox file ${file} is unreadable (${e instanceof Error ? e.message : String(e)}); moved to ${aside}`,
      );
      continue;
    }
    await send(dropped);
    await rm(file, { force: true });
  }
}
