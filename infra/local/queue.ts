import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/**
 * A small durable stand-in for SQS + Lambda's event source mapping: messages live as JSON files
 * under `<dir>/queue/`, are delivered in batches to an SQS-shaped handler, come back after a
 * delay when reported in `batchItemFailures`, and after `maxReceiveCount` receives move to
 * `<dir>/dead-letter/` with their attributes and the last error. A restart redelivers whatever
 * was in flight, as SQS does after a visibility timeout.
 */

export interface QueueMessage {
  messageId: string;
  body: string;
  messageAttributes: SQSMessageAttributes;
  sentTimestamp: number;
  receiveCount: number;
  visibleAt: number;
  lastError: string | null;
  /** Delay asked for by the handler for this failure (the local ChangeMessageVisibility). */
  retryDelaySeconds?: number | undefined;
}

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
}

const INBOX_POLL_MS = 1_000;

/** A message handed to a running local stack by another process. */
export interface InboxMessage {
  body: string;
  messageAttributes?: SQSMessageAttributes;
}

/**
 * Queue a message for the local stack from another process (the CLI's `redrive`/`reprocess`):
 * written atomically into `<dataDir>/inbox/`, picked up within a second by the running stack,
 * or at its next start.
 */
export async function dropIntoInbox(dataDir: string, message: InboxMessage): Promise<void> {
  const inbox = join(dataDir, 'inbox');
  await mkdir(inbox, { recursive: true });
  const name = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`;
  await writeFile(join(inbox, `${name}.tmp`), JSON.stringify(message));
  await rename(join(inbox, `${name}.tmp`), join(inbox, `${name}.json`));
}

const ARN = (region: string) => `arn:aws:sqs:${region}:000000000000:khulasa-local-ingest`;

export class LocalQueue {
  private readonly messages = new Map<string, QueueMessage>();
  private readonly inFlight = new Set<string>();
  private readonly queueDir: string;
  private readonly deadLetterDir: string;
  private readonly opts: Required<Omit<LocalQueueOptions, 'onDeadLetter'>> &
    Pick<LocalQueueOptions, 'onDeadLetter'>;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly active = new Set<Promise<void>>();
  private readonly idleWaiters: Array<() => void> = [];
  private directories: Promise<void> | null = null;
  private inboxTimer: NodeJS.Timeout | null = null;
  private draining = false;

  constructor(options: LocalQueueOptions) {
    this.opts = { batchSize: 5, concurrency: 4, functionTimeoutMs: 300_000, region: 'us-east-1', ...options };
    this.queueDir = join(options.directory, 'queue');
    this.deadLetterDir = join(options.directory, 'dead-letter');
  }

  get deadLetterDirectory(): string {
    return this.deadLetterDir;
  }

  /** Load what a previous run left (in flight messages are simply visible again) and start delivering. */
  async start(): Promise<void> {
    await this.ensureDirectories();
    for (const name of await readdir(this.queueDir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const message = JSON.parse(await readFile(join(this.queueDir, name), 'utf8')) as QueueMessage;
        message.visibleAt = Math.min(message.visibleAt, Date.now());
        this.messages.set(message.messageId, message);
      } catch {
        // A file cut short by a crash mid-write holds no message we could deliver faithfully.
        await rename(join(this.queueDir, name), join(this.deadLetterDir, `corrupt-${name}`));
      }
    }
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
      const inbox = join(this.opts.directory, 'inbox');
      const names = await readdir(inbox).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
        const file = join(inbox, name);
        try {
          const dropped = JSON.parse(await readFile(file, 'utf8')) as InboxMessage;
          await this.send(dropped.body, dropped.messageAttributes ?? {});
        } catch {
          await rename(file, join(this.deadLetterDir, `unreadable-${name}`)).catch(() => undefined);
          continue;
        }
        await rm(file, { force: true });
      }
    } finally {
      this.draining = false;
    }
  }

  async send(body: string, messageAttributes: SQSMessageAttributes = {}): Promise<string> {
    await this.ensureDirectories();
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

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.messages.size;
  }

  /** Resolves when nothing is waiting or in flight. */
  whenIdle(): Promise<void> {
    if (this.messages.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private ensureDirectories(): Promise<void> {
    this.directories ??= Promise.all([
      mkdir(this.queueDir, { recursive: true }),
      mkdir(this.deadLetterDir, { recursive: true }),
    ]).then(() => undefined);
    return this.directories;
  }

  private path(messageId: string) {
    return join(this.queueDir, `${messageId}.json`);
  }

  private async persist(message: QueueMessage): Promise<void> {
    // Write then rename, so a crash never leaves half a message behind.
    const tmp = `${this.path(message.messageId)}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(message));
    await rename(tmp, this.path(message.messageId));
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

  private async deliver(batch: QueueMessage[]): Promise<void> {
    const receivedAt = Date.now();
    for (const m of batch) {
      m.receiveCount += 1;
      // Invisible for as long as the function may run, as SQS hides a received message.
      m.visibleAt = receivedAt + this.opts.functionTimeoutMs;
      await this.persist(m);
    }

    let failed: Set<string>;
    let timer: NodeJS.Timeout | undefined;
    try {
      // Lambda ends an invocation at its timeout, and its messages come back; so does this queue,
      // leaving the stuck call to finish (or not) with its result ignored.
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${this.opts.functionTimeoutMs / 1000} seconds`)),
          this.opts.functionTimeoutMs,
        );
      });
      const response = await Promise.race([
        this.opts.handler(this.toEvent(batch, receivedAt), this.context(receivedAt)),
        timedOut,
      ]);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e: unknown) {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      for (const m of batch) m.lastError = error;
      failed = new Set(batch.map((m) => m.messageId));
    } finally {
      clearTimeout(timer);
    }

    for (const m of batch) {
      this.inFlight.delete(m.messageId);
      if (!failed.has(m.messageId)) {
        this.messages.delete(m.messageId);
        await rm(this.path(m.messageId), { force: true });
      } else if (m.receiveCount >= this.opts.maxReceiveCount) {
        await this.deadLetter(m);
      } else {
        // The handler's own backoff wins; otherwise the configured delays, as a visibility timeout would.
        const delays = this.opts.retryDelaysSeconds;
        const delay = m.retryDelaySeconds ?? delays[Math.min(m.receiveCount - 1, delays.length - 1)] ?? 1;
        m.visibleAt = Date.now() + delay * 1000;
        m.retryDelaySeconds = undefined;
        await this.persist(m);
      }
    }
  }

  private async deadLetter(m: QueueMessage): Promise<void> {
    this.messages.delete(m.messageId);
    const record = {
      message: { messageId: m.messageId, body: m.body, messageAttributes: m.messageAttributes },
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentTimestamp),
        DeadLetteredAt: new Date().toISOString(),
      },
      lastError: m.lastError,
    };
    await writeFile(join(this.deadLetterDir, `${m.messageId}.json`), `${JSON.stringify(record, null, 2)}\n`);
    await rm(this.path(m.messageId), { force: true });
    this.opts.onDeadLetter?.(m);
  }

  private toEvent(batch: QueueMessage[], receivedAt: number): SQSEvent {
    return {
      Records: batch.map(
        (m): SQSRecord => ({
          messageId: m.messageId,
          receiptHandle: `local-${m.messageId}-${m.receiveCount}`,
          body: m.body,
          attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentTimestamp),
            SenderId: 'khulasa-local',
            ApproximateFirstReceiveTimestamp: String(receivedAt),
          },
          messageAttributes: m.messageAttributes,
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: ARN(this.opts.region),
          awsRegion: this.opts.region,
        }),
      ),
    };
  }

  private context(startedAt: number): Context {
    const timeout = this.opts.functionTimeoutMs;
    const requestId = randomUUID();
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: 'khulasa-local-ingest',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:khulasa-local-ingest',
      memoryLimitInMB: '1024',
      awsRequestId: requestId,
      logGroupName: '/aws/lambda/khulasa-local-ingest',
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, startedAt + timeout - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
