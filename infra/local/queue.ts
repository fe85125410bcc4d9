import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes } from 'aws-lambda';
import { drainInbox } from './inbox.ts';
import { invokeWithTimeout, toSqsEvent } from './lambda-shapes.ts';
import { loadFolder, removeDurably, writeDurably } from './queue-files.ts';
import { deadLetterFile, parseMessage, type QueueMessage } from './queue-message.ts';

export type { QueueMessage };

/**
 * A small durable stand-in for SQS + Lambda's event source mapping: messages live as JSON files
 * under `<dir>/queue/`, are delivered in batches to an SQS-shaped handler, come back after a
 * delay when reported in `batchItemFailures`, and after `maxReceiveCount` receives move to
 * `<dir>/dead-letter/` with their attributes and the last error. A restart redelivers whatever
 * was in flight, as SQS does after a visibility timeout; a message that had already used its
 * last receive goes to the dead-letter folder instead, as SQS moves it on its next receive.
 */

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface LocalQueueOptions {
  directory: string;
  handler: SqsHandler;
  maxReceiveCount: number;
  /** Seconds before a failed message is tried again, per receive (the last value repeats). */
  retryDelaysSeconds: readonly number[];
  batchSize?: number;
  /** Batches in flight at once: the stand-in for the event source mapping's maximum concurrency. */
  concurrency?: number;
  /** The emulated function timeout (drives `getRemainingTimeInMillis`). */
  functionTimeoutMs?: number;
  region?: string;
  onDeadLetter?: (message: QueueMessage) => void;
  /**
   * Messages whose last receive never finished (the process died, or the function timed out), so
   * the handler could not mark their records itself; called before they are dead-lettered, with
   * the event of that last receive.
   */
  onAbandoned?: (event: SQSEvent) => Promise<void>;
  /** Where one-line warnings go (unreadable queue files). @default stderr */
  warn?: (line: string) => void;
}

const INBOX_POLL_MS = 1_000;

export { dropIntoInbox, type InboxMessage } from './inbox.ts';

type Options = Required<Omit<LocalQueueOptions, 'onDeadLetter' | 'onAbandoned'>> &
  Pick<LocalQueueOptions, 'onDeadLetter' | 'onAbandoned'>;

export class LocalQueue {
  private readonly messages = new Map<string, QueueMessage>();
  private readonly inFlight = new Set<string>();
  private readonly queueDir: string;
  private readonly deadLetterDir: string;
  private readonly opts: Options;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly active = new Set<Promise<void>>();
  private readonly idleWaiters: Array<() => void> = [];
  private opened: Promise<void> | null = null;
  private inboxTimer: NodeJS.Timeout | null = null;
  private draining = false;

  constructor(options: LocalQueueOptions) {
    this.opts = {
      batchSize: 5,
      concurrency: 4,
      functionTimeoutMs: 300_000,
      region: 'us-east-1',
      warn: (line) => console.error(line),
      ...options,
    };
    this.queueDir = join(options.directory, 'queue');
    this.deadLetterDir = join(options.directory, 'dead-letter');
  }

  get deadLetterDirectory(): string {
    return this.deadLetterDir;
  }

  /**
   * Makes the queue's storage ready and loads what a previous run left, without delivering:
   * `send` works from here on, so the S3 endpoint can accept uploads before the handlers load.
   */
  open(): Promise<void> {
    this.opened ??= this.load();
    return this.opened;
  }

  private async load(): Promise<void> {
    await mkdir(this.queueDir, { recursive: true });
    await mkdir(this.deadLetterDir, { recursive: true });
    const loaded = await loadFolder(
      this.queueDir,
      this.deadLetterDir,
      (text) => parseMessage(text),
      this.opts.warn,
    );
    const now = Date.now();
    for (const message of loaded.items) {
      // In flight when the last run ended: visible again at once, as after a visibility timeout.
      message.visibleAt = Math.min(message.visibleAt, now);
      this.messages.set(message.messageId, message);
    }
  }

  /** Load what a previous run left and start delivering; spent messages go to the dead-letter folder first. */
  async start(): Promise<void> {
    await this.open();
    const spent = [...this.messages.values()].filter((m) => m.receiveCount >= this.opts.maxReceiveCount);
    if (spent.length > 0) await this.abandon(spent, 'The last receive never finished (the stack stopped).');
    this.stopped = false;
    this.schedule(0);
    await this.drainInbox();
    this.inboxTimer = setInterval(() => void this.drainInbox(), INBOX_POLL_MS);
    this.inboxTimer.unref();
  }

  /** Stop taking new batches and wait for the ones in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.inboxTimer) clearInterval(this.inboxTimer);
    this.timer = null;
    this.inboxTimer = null;
    await Promise.allSettled([...this.active]);
  }

  /** Messages other processes (`redrive`, `reprocess`) dropped into `<dir>/inbox/` join the queue. */
  private async drainInbox(): Promise<void> {
    if (this.draining || this.stopped) return;
    this.draining = true;
    try {
      await drainInbox(
        this.opts.directory,
        this.deadLetterDir,
        (m) => this.send(m.body, m.messageAttributes ?? {}),
        this.opts.warn,
      );
    } finally {
      this.draining = false;
    }
  }

  /** Resolves once the message is on disk for good: only then may a sender be told it was accepted. */
  async send(body: string, messageAttributes: SQSMessageAttributes = {}): Promise<string> {
    await this.open();
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      messageAttributes,
      sentTimestamp: Date.now(),
      receiveCount: 0,
      visibleAt: Date.now(),
      lastError: null,
    };
    await this.persist(message);
    this.messages.set(message.messageId, message);
    this.schedule(0);
    return message.messageId;
  }

  /** Record why a message failed and when it may be seen again (the local ChangeMessageVisibility). */
  reportFailure(messageId: string, error: string, delaySeconds?: number): void {
    const message = this.messages.get(messageId);
    if (!message) return;
    message.lastError = error;
    message.retryDelaySeconds = delaySeconds;
  }

  /** Bodies of the messages waiting or in flight (so a caller can avoid queueing the same work twice). */
  pendingBodies(): string[] {
    return [...this.messages.values()].map((m) => m.body);
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.messages.size;
  }

  /** Resolves when nothing is waiting or in flight. */
  whenIdle(): Promise<void> {
    if (this.messages.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private path(messageId: string) {
    return join(this.queueDir, `${messageId}.json`);
  }

  private persist(message: QueueMessage): Promise<void> {
    return writeDurably(this.path(message.messageId), JSON.stringify(message));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), Math.max(0, delayMs));
  }

  private pump(): void {
    this.timer = null;
    if (this.stopped) return;
    const now = Date.now();
    while (this.running < this.opts.concurrency) {
      const batch = [...this.messages.values()]
        .filter((m) => !this.inFlight.has(m.messageId) && m.visibleAt <= now)
        .sort((a, b) => a.visibleAt - b.visibleAt || a.sentTimestamp - b.sentTimestamp)
        .slice(0, this.opts.batchSize);
      if (batch.length === 0) break;
      for (const m of batch) this.inFlight.add(m.messageId);
      this.running += 1;
      const run = this.deliver(batch).finally(() => {
        for (const m of batch) this.inFlight.delete(m.messageId);
        this.running -= 1;
        this.active.delete(run);
        this.schedule(0);
        this.notifyIdle();
      });
      this.active.add(run);
    }
    const waiting = [...this.messages.values()].filter((m) => !this.inFlight.has(m.messageId));
    if (waiting.length > 0 && this.running < this.opts.concurrency) {
      const next = Math.min(...waiting.map((m) => m.visibleAt));
      this.schedule(next - Date.now());
    }
  }

  private notifyIdle(): void {
    if (this.messages.size > 0 || this.running > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async deliver(received: QueueMessage[]): Promise<void> {
    // A message that already used its last receive is not delivered again: SQS moves it instead.
    const spent = received.filter((m) => m.receiveCount >= this.opts.maxReceiveCount);
    if (spent.length > 0) await this.abandon(spent, 'The last receive never finished.');
    const batch = received.filter((m) => m.receiveCount < this.opts.maxReceiveCount);
    if (batch.length === 0) return;

    const receivedAt = Date.now();
    for (const m of batch) {
      m.receiveCount += 1;
      // Invisible for as long as the function may run, as SQS hides a received message.
      m.visibleAt = receivedAt + this.opts.functionTimeoutMs;
      await this.persist(m);
    }

    let failed: Set<string>;
    // True when the handler never answered (threw, crashed, timed out): it settled no record.
    let unanswered = false;
    const event = toSqsEvent(batch, receivedAt, this.opts.region);
    try {
      const response = await invokeWithTimeout(
        this.opts.handler,
        event,
        this.opts.functionTimeoutMs,
        receivedAt,
      );
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e: unknown) {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      for (const m of batch) m.lastError = error;
      failed = new Set(batch.map((m) => m.messageId));
      unanswered = true;
    }
    // Stopping cut the batch short: its messages stay as a crash would leave them, received and
    // in flight, and come back at the next start.
    if (unanswered && this.stopped) return;

    const last: QueueMessage[] = [];
    for (const m of batch) {
      if (!failed.has(m.messageId)) {
        this.messages.delete(m.messageId);
        await removeDurably(this.path(m.messageId));
      } else if (m.receiveCount >= this.opts.maxReceiveCount) {
        last.push(m);
      } else {
        // The handler's own backoff wins; otherwise the configured delays, as a visibility timeout would.
        const delays = this.opts.retryDelaysSeconds;
        const delay = m.retryDelaySeconds ?? delays[Math.min(m.receiveCount - 1, delays.length - 1)] ?? 1;
        m.visibleAt = Date.now() + delay * 1000;
        m.retryDelaySeconds = undefined;
        await this.persist(m);
      }
    }
    if (unanswered && last.length > 0) await this.abandon(last, null);
    else for (const m of last) await this.deadLetter(m);
  }

  /** Lets the owner mark the records of messages whose last receive never finished, then dead-letters them. */
  private async abandon(spent: QueueMessage[], reason: string | null): Promise<void> {
    for (const m of spent) {
      this.inFlight.add(m.messageId);
      if (reason !== null) m.lastError = m.lastError ? `${m.lastError} ${reason}` : reason;
    }
    try {
      await this.opts.onAbandoned?.(toSqsEvent(spent, Date.now(), this.opts.region));
    } catch (e: unknown) {
      this.opts.warn(`khulasa: could not mark the records of dead-lettered messages as failed: ${String(e)}`);
    }
    for (const m of spent) {
      await this.deadLetter(m);
      this.inFlight.delete(m.messageId);
    }
    this.notifyIdle();
  }

  private async deadLetter(m: QueueMessage): Promise<void> {
    this.messages.delete(m.messageId);
    await writeDurably(join(this.deadLetterDir, `${m.messageId}.json`), deadLetterFile(m, new Date()));
    await removeDurably(this.path(m.messageId));
    this.opts.onDeadLetter?.(m);
  }
}
