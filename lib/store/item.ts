import type { ErrorCode } from '../domain/error-codes.ts';
import {
  type ArticleInfo,
  type Entity,
  type LanguageSummary,
  type ModelInfo,
  type RecordStatus,
  SCHEMA_VERSION,
  type SourceInfo,
  type SummaryRecord,
  type Usage,
} from '../domain/record.ts';
import { RECORD_SK } from './table-schema.ts';

/**
 * The record item as stored: the public record fields plus key attributes and the internal
 * claim/text fields. Only `toRecord` turns it into API output, so internals never leak.
 */
export interface RecordItem {
  pk: string;
  sk: typeof RECORD_SK;
  gsi1pk: string;
  gsi1sk: string;
  sourceKey: string;

  id: string;
  status: RecordStatus;
  source: SourceInfo;
  article?: ArticleInfo | null;
  summaries?: Record<string, LanguageSummary>;
  entities?: Entity[];
  topics?: string[];
  quality?: { flags: string[] };
  model?: ModelInfo | null;
  usage?: Usage | null;
  contentHash?: string | null;
  schemaVersion?: number;
  error?: { code: ErrorCode; message: string } | null;
  createdAt: string;
  updatedAt: string;

  // Internal: claim bookkeeping.
  /** Padded sequencer of the event that last wrote the record (absent when it had none). */
  sequencer?: string;
  /** etag|versionId identity of the object version the record describes. */
  version?: string;
  owner?: string;
  /** Epoch ms after which another attempt may take over a `processing` claim. */
  leaseUntil?: number;
  attempt?: number;
  /** The last failure was transient (retries ran out), so a later event may claim again. */
  transient?: boolean;
  /** Optimistic-concurrency counter: every claim write is conditional on it. */
  rev?: number;

  // Internal: the filter index (filter-sync.ts).
  /** Keys of the filter index items this record may own ("pk\nsk"). */
  ixk?: Set<string>;
  /** The index has not been brought in line with the record since its last write. */
  ixp?: boolean;

  // Internal: the compressed normalised text (see text-codec.ts).
  text?: Uint8Array;
  textChunks?: number;
  textGen?: string;
}

/** byCreated partition for a timestamp: one partition per month spreads writes. */
const monthPartition = (iso: string): string => `c#${iso.slice(0, 7)}`;

export function keyAttributes(id: string, createdAt: string, sourceKey: string) {
  return {
    pk: id,
    sk: RECORD_SK,
    gsi1pk: monthPartition(createdAt),
    gsi1sk: `${createdAt}#${id}`,
    sourceKey,
  } as const;
}

/** Exactly the public record shape: unknown optional values are `null`, never absent. */
export function toRecord(item: RecordItem): SummaryRecord {
  const s = item.source;
  return {
    id: item.id,
    status: item.status,
    source: {
      bucket: s.bucket,
      key: s.key,
      versionId: s.versionId ?? null,
      etag: s.etag ?? null,
      size: s.size ?? null,
      contentType: s.contentType ?? null,
    },
    article: item.article
      ? {
          title: item.article.title ?? null,
          language: item.article.language ?? null,
          publishedAt: item.article.publishedAt ?? null,
          outlet: item.article.outlet ?? null,
          wordCount: item.article.wordCount ?? null,
          related: (item.article.related ?? []).map((r) => ({ title: r.title })),
        }
      : null,
    summaries: item.summaries ?? {},
    entities: item.entities ?? [],
    topics: item.topics ?? [],
    quality: { flags: item.quality?.flags ?? [] },
    model: item.model ?? null,
    usage: item.usage
      ? {
          inputTokens: item.usage.inputTokens,
          outputTokens: item.usage.outputTokens,
          llmCalls: item.usage.llmCalls,
          reusedFrom: item.usage.reusedFrom ?? null,
        }
      : null,
    contentHash: item.contentHash ?? null,
    schemaVersion: item.schemaVersion ?? SCHEMA_VERSION,
    error: item.error ? { code: item.error.code, message: item.error.message } : null,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
