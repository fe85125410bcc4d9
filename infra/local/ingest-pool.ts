import { Worker } from 'node:worker_threads';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** What every worker is started with (besides its environment). */
export interface WorkerSettings {
  retryDelaysSeconds: readonly number[];
  functionTimeoutMs: number;
}

/** Main thread → worker: run one batch (`abandoned`: only mark the records of a spent message). */
export interface PoolRequest {
  id: number;
  kind: 'ingest' | 'abandoned';
  event: SQSEvent;
  receivedAt: number;
}

/** Worker → main thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; error: string }
  | { type: 'backoff'; messageId: string; error: string; seconds: number }
  | { type: 'result'; id: number; response: SQSBatchResponse | null }
  | { type: 'error'; id: number; error: string };

export interface IngestPoolOptions extends WorkerSettings {
  /** Workers, i.e. batches processed at once (`LOCAL_CONCURRENCY`). */
  size: number;
  /** The environment the handler reads its configuration from. */
  env: Record<string, string | undefined>;
  /** The handler asked for a retry delay (the local ChangeMessageVisibility). */
  onBackoff: (messageId: string, error: string, seconds: number) => void;
  /** The worker script; the real ingest handler by default (tests substitute their own). */
  workerUrl?: URL;
}

/** Thrown when a worker cannot load the handler (a configuration error, say). */
export class WorkerInitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerInitError';
  }
}

interface Slot {
  worker: Worker;
  job: { id: number; resolve: (r: SQSBatchResponse | null) => void; reject: (e: Error) => void } | null;
}

const DEFAULT_WORKER = new URL('./ingest-worker.ts', import.meta.url);

/**
 * The local stand-in for Lambda's containers: a fixed number of worker threads, each running one
 * batch at a time. The function timeout is enforced by terminating the worker — the only way to
 * stop a batch stuck in a CPU-bound loop — and a fresh worker takes its place.
 */
export class IngestWorkerPool {
  private readonly opts: IngestPoolOptions;
  private readonly slots = new Set<Slot>();
  private readonly waiting: Array<{ resolve: (slot: Slot) => void; reject: (e: Error) => void }> = [];
  private readonly busy = new Set<Slot>();
  private nextId = 1;
  private closed = false;

  constructor(options: IngestPoolOptions) {
    this.opts = options;
  }

  /** Starts every worker and waits until each has loaded the handler. */
  async start(): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: this.opts.size }, () => this.spawn()));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await this.close();
      throw failure.reason;
    }
  }

  /** Runs one batch; rejects when the function timeout passes (the worker is then replaced). */
  run(event: SQSEvent, receivedAt = Date.now()): Promise<SQSBatchResponse | null> {
    return this.dispatch('ingest', event, receivedAt);
  }

  /** Marks the records of messages whose last receive never finished, as their last attempt would have. */
  async markAbandoned(event: SQSEvent): Promise<void> {
    await this.dispatch('abandoned', event, Date.now());
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots];
    this.slots.clear();
    const stopping = new Error('The local stack is stopping.');
    for (const waiter of this.waiting.splice(0)) waiter.reject(stopping);
    for (const slot of slots) slot.job?.reject(stopping);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private async dispatch(
    kind: PoolRequest['kind'],
    event: SQSEvent,
    receivedAt: number,
  ): Promise<SQSBatchResponse | null> {
    const slot = await this.acquire();
    const id = this.nextId++;
    const timeoutMs = Math.max(0, receivedAt + this.opts.functionTimeoutMs - Date.now());
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<SQSBatchResponse | null>((resolve, reject) => {
        slot.job = { id, resolve, reject };
        timer = setTimeout(() => {
          reject(new Error(`Task timed out after ${this.opts.functionTimeoutMs / 1000} seconds`));
          this.replace(slot);
        }, timeoutMs);
        slot.worker.postMessage({ id, kind, event, receivedAt } satisfies PoolRequest);
      });
    } finally {
      clearTimeout(timer);
      if (slot.job?.id === id) slot.job = null;
      if (this.slots.has(slot)) this.release(slot);
    }
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('The local stack is stopping.'));
    for (const slot of this.slots) {
      if (!this.busy.has(slot)) {
        this.busy.add(slot);
        return Promise.resolve(slot);
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next.resolve(slot);
    else this.busy.delete(slot);
  }

  /** Ends a worker that outlived its batch's timeout and starts a fresh one in its place. */
  private replace(slot: Slot): void {
    this.slots.delete(slot);
    this.busy.delete(slot);
    void slot.worker.terminate();
    if (this.closed) return;
    this.spawn().then(
      (fresh) => this.release(fresh),
      (e: unknown) => console.error(`khulasa: could not start a new ingest worker: ${String(e)}`),
    );
  }

  private spawn(): Promise<Slot> {
    const worker = new Worker(this.opts.workerUrl ?? DEFAULT_WORKER, {
      env: { ...this.opts.env },
      workerData: {
        retryDelaysSeconds: this.opts.retryDelaysSeconds,
        functionTimeoutMs: this.opts.functionTimeoutMs,
      } satisfies WorkerSettings,
    });
    const slot: Slot = { worker, job: null };
    return new Promise<Slot>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            this.slots.add(slot);
            resolve(slot);
            return;
          case 'init-failed':
            reject(new WorkerInitError(message.error));
            void worker.terminate();
            return;
          case 'backoff':
            this.opts.onBackoff(message.messageId, message.error, message.seconds);
            return;
          case 'result':
            if (slot.job?.id === message.id) slot.job.resolve(message.response);
            return;
          case 'error':
            if (slot.job?.id === message.id) slot.job.reject(new Error(message.error));
            return;
        }
      });
      worker.on('error', (e) => {
        if (!ready) reject(new WorkerInitError(e.message));
        else slot.job?.reject(e);
      });
      worker.on('exit', (code) => {
        if (!ready) return reject(new WorkerInitError(`the ingest worker exited with code ${code}`));
        // A worker that died on its own (out of memory, say): its batch fails and a new one takes over.
        if (this.slots.has(slot) && !this.closed) {
          slot.job?.reject(new Error(`The ingest worker exited with code ${code}`));
          this.replace(slot);
        }
      });
    });
  }
}
