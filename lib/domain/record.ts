import type { ErrorCode } from './error-codes.ts';

/** The record as the API serves it: field names are a contract with every client. */
export type RecordStatus = 'processing' | 'done' | 'failed' | 'deleted';

export const SCHEMA_VERSION = 1;

export interface SourceInfo {
  bucket: string;
  key: string;
  versionId: string | null;
  etag: string | null;
  size: number | null;
  contentType: string | null;
}

interface RelatedItem {
  title: string;
}

export interface ArticleInfo {
  title: string | null;
  language: string | null;
  publishedAt: string | null;
  outlet: string | null;
  wordCount: number | null;
  related: RelatedItem[];
}

export interface LanguageSummary {
  title: string;
  summary: string;
  keyPoints: string[];
}

type EntityType = 'person' | 'organization' | 'place' | 'other';

export interface Entity {
  name: string;
  type: EntityType;
}

export interface ModelInfo {
  provider: 'openai' | 'extractive';
  name: string;
  promptVersion: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  llmCalls: number;
  reusedFrom: string | null;
}

export interface SummaryRecord {
  id: string;
  status: RecordStatus;
  source: SourceInfo;
  article: ArticleInfo | null;
  summaries: Record<string, LanguageSummary>;
  entities: Entity[];
  topics: string[];
  quality: { flags: string[] };
  model: ModelInfo | null;
  usage: Usage | null;
  contentHash: string | null;
  schemaVersion: number;
  error: { code: ErrorCode; message: string } | null;
  createdAt: string;
  updatedAt: string;
}
