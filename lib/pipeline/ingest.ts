import { createHash } from 'node:crypto';
import { recordId } from '../domain/id.ts';
import type { ArticleInfo, SourceInfo, SummaryRecord } from '../domain/record.ts';
import type { SummaryResult } from '../domain/summary.ts';
import {
  isArticleError,
  isTransientError,
  SourceChangedError,
  TooLargeError,
  TransientError,
} from '../errors.ts';
import type { ObjectEvent } from '../events/s3-notification.ts';
import { isClaimLostError } from '../store/errors.ts';
import type { Summariser } from '../summarise/port.ts';
import { type PreparedArticle, prepareArticle } from '../text/prepare.ts';
import type { IngestStore, ObjectSource, ReuseQuery } from './ports.ts';

export interface IngestSettings {
  languages: readonly string[];
  maxArticleBytes: number;
  maxTextChars: number;
  /** How long a claim is held: the function timeout, so a crashed attempt frees the key. */
  leaseMs: number;
  /** How long to wait for another upload of the same content before retrying later. */
  contentWaitMs: number;
}

export type IngestStage = 'read' | 'prepare' | 'summarise' | 'store';

/** Told how long each stage took, for logs and metrics; the use case itself knows neither. */
export interface IngestObserver {
  stage(name: IngestStage, ms: number): void;
}

export interface IngestDeps {
  source: ObjectSource;
  store: IngestStore;
  summariser: Summariser;
  now?: () => Date;
  observer?: IngestObserver;
}

/** Where this attempt sits in the queue's delivery of the message. */
export interface Attempt {
  /** The SQS messageId: owner of the claim. */
  messageId: string;
  /** `ApproximateReceiveCount`. */
  receiveCount: number;
  /** True on the last receive before the dead-letter queue: transient failures become terminal. */
  isLastAttempt: boolean;
  /** Re-run even over a `done` record (redrive / reprocess). */
  force: boolean;
  /** Epoch ms by which all work must be finished (the Lambda's remaining time). */
  deadline?: number;
}

export type IngestOutcome =
  | {
      status: 'done';
      id: string;
      reusedFrom: string | null;
      llmCalls: number;
      inputTokens: number;
      outputTokens: number;
      flags: string[];
    }
  | { status: 'failed'; id: string; code: string }
  | { status: 'deleted'; id: string }
  | { status: 'skipped'; id: string; reason: string };

/** A message that must go back to the queue: the failure is retryable and it was not the last try. */
export class RetryLaterError extends Error {
  readonly retryAfterSeconds: number | undefined;
  /** Why, as a record error code (`llm_failed`, `llm_not_configured`, …), or null for "busy". */
  readonly code: string | null;
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number; code?: string }) {
    super(message, options);
    this.name = 'RetryLaterError';
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.code = options?.code ?? null;
  }
}

const CONTENT_POLL_MS = 500;
const PAID_RESULTS_KEPT = 200;

const reuseKey = (q: ReuseQuery): string =>
  JSON.stringify([q.contentHash, q.provider, q.model, q.promptVersion, [...q.languages].sort()]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A done record whose summary this content and these settings would reproduce. */
function summarisesTheSame(record: SummaryRecord, reuse: ReuseQuery): boolean {
  if (record.status !== 'done' || !record.model || !record.usage) return false;
  if (record.contentHash !== reuse.contentHash) return false;
  const { provider, name, promptVersion } = record.model;
  if (provider !== reuse.provider || name !== reuse.model || promptVersion !== reuse.promptVersion)
    return false;
  // The languages asked for then: the ones produced plus the ones flagged as missing or wrong.
  const asked = new Set(Object.keys(record.summaries));
  for (const flag of record.quality.flags) {
    const m = /^(?:missing|wrong)_language:(.+)$/.exec(flag);
    if (m?.[1]) asked.add(m[1]);
  }
  return asked.size === reuse.languages.length && reuse.languages.every((l) => asked.has(l));
}

function doneOutcome(
  id: string,
  reusedFrom: string | null,
  result: SummaryResult,
  llmCalls: number,
): IngestOutcome {
  const paid = llmCalls > 0;
  return {
    status: 'done',
    id,
    reusedFrom,
    llmCalls,
    inputTokens: paid ? result.usage.inputTokens : 0,
    outputTokens: paid ? result.usage.outputTokens : 0,
    flags: result.flags,
  };
}

function reusedResult(record: SummaryRecord): SummaryResult {
  return {
    summaries: record.summaries,
    entities: record.entities,
    topics: record.topics,
    flags: record.quality.flags,
    model: record.model as SummaryResult['model'],
    usage: { inputTokens: 0, outputTokens: 0, llmCalls: 0 },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * The ingest use case for one S3 object event: claim → read → text stages → summarise → store.
 * Terminal problems end as a `failed` record and return normally (the message is acknowledged);
 * retryable ones throw `RetryLaterError`, except on the last attempt, where the record is marked
 * `failed` first so nothing stays `processing`, and the error is still thrown (dead-letter queue).
 */
export class IngestArticle {
  private readonly deps: IngestDeps;
  private readonly settings: IngestSettings;
  private readonly now: () => Date;

  constructor(deps: IngestDeps, settings: IngestSettings) {
    this.deps = deps;
    this.settings = settings;
    this.now = deps.now ?? (() => new Date());
  }

  async handle(event: ObjectEvent, attempt: Attempt): Promise<IngestOutcome> {
    const id = recordId(event.bucket, event.key);
    const source: SourceInfo = {
      bucket: event.bucket,
      key: event.key,
      versionId: event.versionId,
      etag: event.etag,
      size: event.size,
      contentType: null,
    };

    if (event.kind === 'removed') {
      const written = await this.deps.store.tombstone(id, source, event.sequencer, this.now());
      return written ? { status: 'deleted', id } : { status: 'skipped', id, reason: 'stale' };
    }

    const claim = await this.deps.store.claim({
      id,
      source,
      sequencer: event.sequencer,
      owner: attempt.messageId,
      leaseMs: this.settings.leaseMs,
      force: attempt.force,
      now: this.now(),
    });
    if (!claim.claimed) {
      if (claim.reason === 'in_progress') {
        throw new RetryLaterError(`Record ${id} is being processed by another attempt.`);
      }
      return { status: 'skipped', id, reason: claim.reason };
    }

    let article: ArticleInfo | null = null;
    try {
      const prepared = await this.read(source);
      article = toArticleInfo(prepared);
      return await this.summariseAndStore(id, attempt, source, prepared, article, claim.previous);
    } catch (e: unknown) {
      return this.settle(id, attempt, e, article);
    }
  }

  /** Results paid for in this container but not yet written; small, since a write usually follows. */
  private readonly paidResults = new Map<string, SummaryResult>();

  private rememberPaid(key: string, result: SummaryResult): void {
    this.paidResults.delete(key);
    this.paidResults.set(key, result);
    if (this.paidResults.size > PAID_RESULTS_KEPT) {
      const oldest = this.paidResults.keys().next().value;
      if (oldest !== undefined) this.paidResults.delete(oldest);
    }
  }

  private async timed<T>(stage: IngestStage, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.deps.observer?.stage(stage, performance.now() - started);
    }
  }

  private async read(source: SourceInfo): Promise<PreparedArticle> {
    const head = await this.deps.source.head(source.bucket, source.key, source.versionId);
    if (source.etag && head.etag && head.etag !== source.etag) throw new SourceChangedError(source.key);
    source.size = head.size;
    source.contentType = head.contentType;
    source.etag = head.etag ?? source.etag;
    source.versionId = head.versionId ?? source.versionId;
    // Checked from the object's size, before any byte is downloaded.
    if (head.size > this.settings.maxArticleBytes)
      throw new TooLargeError(head.size, this.settings.maxArticleBytes);

    const bytes = await this.timed('read', () =>
      this.deps.source.read(source.bucket, source.key, { versionId: source.versionId, ifMatch: source.etag }),
    );
    return this.timed('prepare', () =>
      prepareArticle(bytes, {
        maxTextChars: this.settings.maxTextChars,
        contentType: source.contentType,
        key: source.key,
      }),
    );
  }

  private async summariseAndStore(
    id: string,
    attempt: Attempt,
    source: SourceInfo,
    prepared: PreparedArticle,
    article: ArticleInfo,
    previous: SummaryRecord | null,
  ): Promise<IngestOutcome> {
    const { summariser, store } = this.deps;
    const contentHash = sha256(prepared.text);
    const reuse: ReuseQuery = {
      contentHash,
      provider: summariser.provider,
      model: summariser.modelName,
      promptVersion: summariser.promptVersion,
      languages: this.settings.languages,
    };
    const work = { source, article, contentHash, text: prepared.text, languages: this.settings.languages };

    // The same content uploaded again under the same key: the claim replaced the done record, so
    // the reuse pointer (which names this very record) no longer finds it — copy it from here.
    const lease: Awaited<ReturnType<IngestArticle['reuseOrLease']>> =
      previous && summarisesTheSame(previous, reuse)
        ? { status: 'reuse', record: previous }
        : await this.reuseOrLease(reuse, attempt);
    if (lease.status === 'reuse') {
      const { record } = lease;
      const copied = reusedResult(record);
      await this.timed('store', () =>
        store.complete(id, attempt.messageId, { ...work, reusedFrom: record.id, result: copied }, this.now()),
      );
      return doneOutcome(id, record.id, copied, 0);
    }

    const notes = store.notesFor(id);
    const paidKey = reuseKey(reuse);
    const paidHere = this.paidResults.get(paidKey);
    let result: SummaryResult;
    if (lease.status === 'paid') {
      result = lease.result;
    } else if (paidHere) {
      // Paid for by an earlier attempt in this container whose writes all failed (e.g. throttling).
      result = paidHere;
    } else {
      try {
        result = await this.timed('summarise', () =>
          summariser.summarise({
            notes,
            text: prepared.body,
            title: prepared.title,
            language: prepared.language,
            publishedAt: prepared.publishedAt,
            outlet: prepared.outlet,
            languages: this.settings.languages,
            ...(attempt.deadline === undefined ? {} : { deadline: attempt.deadline }),
          }),
        );
      } catch (e: unknown) {
        await store.endContentWork(reuse, attempt.messageId).catch(() => undefined);
        throw e;
      }
      // Kept before the record write, so a failed write never pays twice: in this container's memory
      // first (a retry of the message usually lands here again), then in the store (any container).
      this.rememberPaid(paidKey, result);
      // Insurance, not the result: if this write fails too, the record write below still runs.
      await store.savePaidResult(reuse, attempt.messageId, result).catch(() => undefined);
    }
    const paid = result;
    await this.timed('store', () =>
      store.complete(id, attempt.messageId, { ...work, result: paid, reusedFrom: null }, this.now()),
    );
    this.paidResults.delete(paidKey);
    await notes.clear().catch(() => undefined);
    // A result paid for by an earlier attempt cost nothing this time.
    const freshlyPaid = lease.status !== 'paid' && paidHere === undefined;
    return doneOutcome(id, null, paid, freshlyPaid ? paid.usage.llmCalls : 0);
  }

  /**
   * A finished summary of the same content, waiting a little while another upload of it is being
   * summarised (single flight: the same content under many keys at once is paid for once).
   */
  private async reuseOrLease(
    reuse: ReuseQuery,
    attempt: Attempt,
  ): Promise<
    | { status: 'reuse'; record: SummaryRecord }
    | { status: 'acquired' }
    | { status: 'paid'; result: SummaryResult }
  > {
    const { store } = this.deps;
    const waitUntil = Math.min(
      Date.now() + this.settings.contentWaitMs,
      attempt.deadline ?? Number.POSITIVE_INFINITY,
    );
    for (;;) {
      const reusable = await store.findReusable(reuse);
      if (reusable?.model && reusable.usage) return { status: 'reuse', record: reusable };
      const lease = await store.beginContentWork(reuse, attempt.messageId, this.settings.leaseMs, this.now());
      if (lease.status !== 'busy') return lease;
      if (Date.now() >= waitUntil) {
        // On the last try, pay rather than fail: an upload is never lost to a slow twin.
        if (attempt.isLastAttempt) return { status: 'acquired' };
        throw new RetryLaterError('The same content is being summarised for another upload.', {
          retryAfterSeconds: 5,
        });
      }
      await sleep(CONTENT_POLL_MS);
    }
  }

  /** The one place failures become outcomes. */
  private async settle(
    id: string,
    attempt: Attempt,
    e: unknown,
    article: ArticleInfo | null,
  ): Promise<IngestOutcome> {
    // A newer event (or an expired lease) took the record over: this attempt's result is moot.
    if (isClaimLostError(e)) return { status: 'skipped', id, reason: 'superseded' };
    try {
      return await this.settleOwned(id, attempt, e, article);
    } catch (settleError: unknown) {
      if (isClaimLostError(settleError)) return { status: 'skipped', id, reason: 'superseded' };
      throw settleError;
    }
  }

  private async settleOwned(
    id: string,
    attempt: Attempt,
    e: unknown,
    article: ArticleInfo | null,
  ): Promise<IngestOutcome> {
    if (isArticleError(e)) {
      await this.deps.store.fail(
        id,
        attempt.messageId,
        { code: e.code, message: e.message, transient: false },
        { article, usage: e.usage },
        this.now(),
      );
      return { status: 'failed', id, code: e.code };
    }

    const transient: TransientError = isTransientError(e)
      ? e
      : new TransientError('internal', 'An internal error interrupted processing; it will be retried.', {
          cause: e,
        });
    if (attempt.isLastAttempt) {
      await this.deps.store.fail(
        id,
        attempt.messageId,
        { code: transient.code, message: lastAttemptMessage(transient), transient: true },
        { article, usage: transient.usage },
        this.now(),
      );
    }
    throw new RetryLaterError(transient.message, {
      cause: e,
      code: transient.code,
      ...(transient.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: transient.retryAfterSeconds }),
    });
  }
}

function lastAttemptMessage(e: TransientError): string {
  return `${e.message} Gave up after the last retry; the message is in the dead-letter queue and can be redriven.`;
}

function toArticleInfo(p: PreparedArticle): ArticleInfo {
  return {
    title: p.title,
    language: p.language,
    publishedAt: p.publishedAt,
    outlet: p.outlet,
    wordCount: p.wordCount,
    related: p.related,
  };
}
