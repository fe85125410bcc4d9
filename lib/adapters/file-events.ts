import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutcomeEvent } from '../domain/outcome-event.ts';
import type { OutcomeEvents } from '../pipeline/ports.ts';

/** The local event log inside the events folder: one JSON event per line, oldest first. */
export const EVENT_LOG_FILE = 'outcomes.jsonl';

/**
 * Outcome events appended to a local log (the local stack's stand-in for the bus); the webhook
 * delivery and `khulasa watch` follow it. Each event is one `appendFile` of one line: the file is
 * opened with O_APPEND, so lines written by concurrent workers never interleave.
 */
export class FileOutcomeEvents implements OutcomeEvents {
  readonly #dir: string;
  #ready: Promise<unknown> | null = null;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get file(): string {
    return join(this.#dir, EVENT_LOG_FILE);
  }

  async publish(event: OutcomeEvent): Promise<void> {
    this.#ready ??= mkdir(this.#dir, { recursive: true });
    await this.#ready.catch((e: unknown) => {
      this.#ready = null;
      throw e;
    });
    await appendFile(this.file, `${JSON.stringify(event)}\n`, 'utf8');
  }
}
