import type { ErrorCode } from '../domain/error-codes.ts';
import type { OutcomeEvent } from '../domain/outcome-event.ts';
import type { ArticleInfo, SourceInfo, SummaryRecord } from '../domain/record.ts';
import type { LlmUsage, SummaryResult } from '../domain/summary.ts';
import type { ChunkNotesCache } from '../summarise/port.ts';

/** Where uploaded articles are read from (S3 in AWS and locally). */
export interface ObjectSource {
  /** Size, etag and type without downloading: the size limit is checked before any byte is read. */
  head(bucket: string, key: string, versionId: string | null): Promise<ObjectHead>;
  /** The object's bytes; `ifMatch` guards against the object being replaced meanwhile. */
  read(
    bucket: string,
    key: string,
    opts: { versionId: string | null; ifMatch: string | null },
  ): Promise<Uint8Array>;
}

export interface ObjectHead {
  size: number;
  etag: string | null;
  contentType: string | null;
  versionId: string | null;
}

/** A request to own the processing of one object version (the claim, before any work). */
export interface ClaimRequest {
  id: string;
  source: SourceInfo;
  /** S3 event sequencer (hex), or null when the event carried none. */
  sequencer: string | null;
  /** The SQS messageId: the same message retried may reclaim its own claim. */
  owner: string;
  /** How long the claim is held before another attempt may take it over. */
  leaseMs: number;
  /** `redrive`/`reprocess` messages: claim even over a `done` record of the same version. */
  force: boolean;
  now: Date;
}

export type ClaimOutcome =
  /** `previous` is the record as it was before this claim (a re-upload may carry the same content). */
  | { claimed: true; record: SummaryRecord; previous: SummaryRecord | null }
  | {
      claimed: false;
      reason: 'stale' | 'duplicate' | 'in_progress' | 'deleted';
      record: SummaryRecord | null;
      /** `in_progress`: epoch ms when the other attempt's lease ends, when known. */
      leaseUntil?: number;
    };

export interface CompletedWork {
  /** The object as read (size, type, etag from the object itself, which the event may lack). */
  source?: SourceInfo;
  article: ArticleInfo;
  result: SummaryResult;
  contentHash: string;
  /** Normalised main-article text, stored compressed beside the record for `/text`. */
  text: string;
  reusedFrom: string | null;
  /** The languages that were asked for (the reuse key: a summary is reused only for the same set). */
  languages: readonly string[];
}

/** What makes two summaries interchangeable: same normalised text and same summary settings. */
export interface ReuseQuery {
  contentHash: string;
  provider: string;
  model: string;
  promptVersion: string;
  languages: readonly string[];
}

/** Single flight per content: who may pay for summarising this content right now. */
export type ContentWork =
  /** A finished record of the same content and settings: copy it. */
  | { status: 'reuse'; record: SummaryRecord }
  | { status: 'acquired' }
  /** Another upload of the same content holds the lease: wait for its result. */
  | { status: 'busy' }
  /** An attempt for record `paidFor` paid for this result but had not written it yet. */
  | { status: 'paid'; result: SummaryResult; paidFor: string };

/** The record writes of one claim: each is conditional on still owning it. */
export interface RecordWriter {
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /** Write the `done` record; throws `ClaimLostError` when the claim was taken over. */
  complete(id: string, owner: string, work: CompletedWork, now: Date): Promise<SummaryRecord>;
  /** Write the terminal `failed` record; throws `ClaimLostError` when the claim was taken over. */
  fail(
    id: string,
    owner: string,
    error: { code: ErrorCode; message: string; transient: boolean },
    extra: { article: ArticleInfo | null; usage?: LlmUsage | undefined },
    now: Date,
  ): Promise<void>;
  /**
   * `ObjectRemoved`: make the record a tombstone unless a newer event already wrote it. With
   * `onlyVersionId` (one version deleted for good), only if the record summarises that version.
   */
  tombstone(
    id: string,
    source: SourceInfo,
    sequencer: string | null,
    now: Date,
    onlyVersionId?: string,
  ): Promise<boolean>;
}

/** One lease per content (hash + summary settings), so the same content is paid for once. */
export interface ContentLeases {
  /**
   * A finished record to copy, a result already paid for, or the lease (taken or renewed), in one
   * consistent read: a twin finishing meanwhile makes the lease write fail, never pay twice.
   */
  beginContentWork(query: ReuseQuery, owner: string, leaseMs: number, now: Date): Promise<ContentWork>;
  /** Keep a paid result before the record is written, so a failed write never pays twice. */
  savePaidResult(query: ReuseQuery, owner: string, paidFor: string, result: SummaryResult): Promise<void>;
  /** Give the lease up after a failure, so a waiting upload of the same content can try. */
  endContentWork(query: ReuseQuery, owner: string): Promise<void>;
}

/** The store port the ingest use case needs; the DynamoDB adapter implements it. */
export interface IngestStore extends RecordWriter, ContentLeases {
  /** Where map-reduce keeps this record's chunk notes between attempts; `clear` once it is done. */
  notesFor(id: string): ChunkNotesCache & { clear(): Promise<void> };
}

/**
 * `complete`/`fail` found the record no longer `processing` under this owner: a newer event
 * (or a tombstone, or a takeover after the lease expired) owns it now, so this result is dropped.
 */
export class ClaimLostError extends Error {
  readonly id: string;
  readonly owner: string;
  constructor(id: string, owner: string, options?: { cause?: unknown }) {
    super(`The claim on record ${id} held by ${owner} was taken over before the write.`, options);
    this.name = 'ClaimLostError';
    this.id = id;
    this.owner = owner;
  }
}

/** Where terminal outcomes are announced: EventBridge on AWS, a log file (and a webhook) locally. */
export interface OutcomeEvents {
  /** Resolves once the event is accepted; throws when it was not (the message is then retried). */
  publish(event: OutcomeEvent): Promise<void>;
}

/** The record as stored, with its write counter: what an outcome event describes. */
export interface RevisionedRecords {
  readRevisioned(id: string): Promise<{ record: SummaryRecord; revision: number } | null>;
}
