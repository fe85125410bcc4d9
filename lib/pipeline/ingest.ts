import { createHash } from 'node:crypto';
import { recordId } from '../domain/id.ts';
import type { ArticleInfo, SourceInfo, SummaryRecord } from '../domain/record.ts';
import type { SummaryResult } from '../domain/summary.ts';
import { SourceChangedError, TooLargeError } from '../errors.ts';
import type { ObjectEvent } from '../events/s3-notification.ts';
import type { Summariser } from '../summarise/port.ts';
import { type PreparedArticle, prepareArticle } from '../text/prepare.ts';
import { type Announcer, announced } from './announce.ts';
import { type Clock, systemClock } from './clock.ts';
import { removeArticle } from './deletes.ts';
import { awaitOtherAttempt } from './duplicates.ts';
import { doneOutcome, type IngestOutcome, settle, withPaidUsage } from './outcome.ts';
import type { IngestStore, ObjectSource, ReuseQuery } from './ports.ts';
import { copiedResult, PaidResults, reusedResult, reuseOrLease, summarisesTheSame } from './reuse.ts';

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
  clock?: Clock;
  observer?: IngestObserver;
  /** Where terminal outcomes are published (at least once); none: outcomes are not announced. */
  announcer?: Announcer;
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

/** What one attempt knows once the article is read: the claim, the text and how to reuse it. */
interface Work {
  id: string;
  attempt: Attempt;
  source: SourceInfo;
  prepared: PreparedArticle;
  article: ArticleInfo;
  previous: SummaryRecord | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * The ingest use case for one S3 object event: claim → read → text stages → summarise → store.
 * How failures end (a `failed` record, a retry) is decided in one place, `settle` (outcome.ts).
 */
export class IngestArticle {
  private readonly deps: IngestDeps;
  private readonly settings: IngestSettings;
  private readonly clock: Clock;
  private readonly paidResults = new PaidResults();

  constructor(deps: IngestDeps, settings: IngestSettings) {
    this.deps = deps;
    this.settings = settings;
    this.clock = deps.clock ?? systemClock;
  }

  async handle(event: ObjectEvent, attempt: Attempt): Promise<IngestOutcome> {
    const id = recordId(event.bucket, event.key);
    return announced(this.deps.announcer, id, attempt.isLastAttempt, () => this.process(event, attempt));
  }

  private async process(event: ObjectEvent, attempt: Attempt): Promise<IngestOutcome> {
    const { store } = this.deps;
    const id = recordId(event.bucket, event.key);
    const { bucket, key, versionId, etag, size } = event;
    const source: SourceInfo = { bucket, key, versionId, etag, size, contentType: null };

    if (event.kind === 'removed') return removeArticle(store, id, event, source, this.clock.now());

    const claim = await store.claim({
      id,
      source,
      sequencer: event.sequencer,
      owner: attempt.messageId,
      leaseMs: this.settings.leaseMs,
      force: attempt.force,
      now: this.clock.now(),
    });
    if (!claim.claimed) {
      if (claim.reason === 'in_progress')
        return awaitOtherAttempt(id, claim.leaseUntil, attempt.isLastAttempt, this.clock.now());
      return { status: 'skipped', id, reason: claim.reason };
    }

    let article: ArticleInfo | null = null;
    try {
      const prepared = await this.read(source);
      article = toArticleInfo(prepared);
      return await this.summariseAndStore({
        id,
        attempt,
        source,
        prepared,
        article,
        previous: claim.previous,
      });
    } catch (e: unknown) {
      const { isLastAttempt, messageId: owner } = attempt;
      return settle(store, { id, owner, isLastAttempt, article, now: this.clock.now() }, e);
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

  private async summariseAndStore(w: Work): Promise<IngestOutcome> {
    const { summariser, store } = this.deps;
    const { languages } = this.settings;
    const contentHash = sha256(w.prepared.text);
    const reuse: ReuseQuery = {
      contentHash,
      provider: summariser.provider,
      model: summariser.modelName,
      promptVersion: summariser.promptVersion,
      languages,
    };
    const owner = w.attempt.messageId;
    const writeDone = (result: SummaryResult, reusedFrom: string | null) =>
      this.timed('store', () =>
        store.complete(
          w.id,
          owner,
          {
            source: w.source,
            article: w.article,
            contentHash,
            text: w.prepared.text,
            languages,
            result,
            reusedFrom,
          },
          this.clock.now(),
        ),
      );

    // The same content uploaded again under the same key: the claim replaced the done record, so
    // the content pointer (which names this very record) no longer finds it — copy it from here.
    const lease =
      w.previous && summarisesTheSame(w.previous, reuse)
        ? ({ status: 'reuse', record: w.previous } as const)
        : await reuseOrLease(store, this.clock, reuse, {
            owner,
            leaseMs: this.settings.leaseMs,
            waitMs: this.settings.contentWaitMs,
            isLastAttempt: w.attempt.isLastAttempt,
            ...(w.attempt.deadline === undefined ? {} : { deadline: w.attempt.deadline }),
          });
    // Paid for already: by a twin upload (copy it, naming its record), or by an earlier attempt
    // for this record whose writes all failed (e.g. throttling), in the store or in this container.
    const paidKey = PaidResults.key(reuse);
    const paid = lease.status === 'paid' ? lease : this.paidResults.get(paidKey);
    if (lease.status === 'reuse') {
      const copied = reusedResult(lease.record);
      await writeDone(copied, lease.record.id);
      return doneOutcome(w.id, lease.record.id, copied, 0);
    }
    if (paid?.paidFor && paid.paidFor !== w.id) {
      const copied = copiedResult(paid.result);
      await writeDone(copied, paid.paidFor);
      return doneOutcome(w.id, paid.paidFor, copied, 0);
    }

    const notes = store.notesFor(w.id);
    const result = paid?.result ?? (await this.summarise(w, reuse, notes));
    await writeDone(result, null).catch((e: unknown) => {
      throw withPaidUsage(e, result.usage);
    });
    this.paidResults.forget(paidKey);
    await notes.clear().catch(() => undefined);
    return doneOutcome(w.id, null, result, paid ? 0 : result.usage.llmCalls);
  }

  /** The LLM call, and the paid result kept at once, so a failed record write never pays twice. */
  private async summarise(
    w: Work,
    reuse: ReuseQuery,
    notes: ReturnType<IngestStore['notesFor']>,
  ): Promise<SummaryResult> {
    const { summariser, store } = this.deps;
    const owner = w.attempt.messageId;
    let result: SummaryResult;
    try {
      result = await this.timed('summarise', () =>
        summariser.summarise({
          notes,
          text: w.prepared.body,
          title: w.prepared.title,
          language: w.prepared.language,
          publishedAt: w.prepared.publishedAt,
          outlet: w.prepared.outlet,
          languages: this.settings.languages,
          ...(w.attempt.deadline === undefined ? {} : { deadline: w.attempt.deadline }),
        }),
      );
    } catch (e: unknown) {
      await store.endContentWork(reuse, owner).catch(() => undefined);
      throw e;
    }
    // In this container's memory first (a retry of the message usually lands here again), then in
    // the store (any container). Insurance, not the result: if this write fails, the record write still runs.
    this.paidResults.remember(PaidResults.key(reuse), { result, paidFor: w.id });
    await store.savePaidResult(reuse, owner, w.id, result).catch(() => undefined);
    return result;
  }
}

function toArticleInfo(p: PreparedArticle): ArticleInfo {
  const { title, language, publishedAt, outlet, wordCount, related } = p;
  return { title, language, publishedAt, outlet, wordCount, related };
}
