import type { SummaryResult } from '../domain/summary.ts';

export type { SummaryResult };

/** What the summariser is given: the segmented main article only, never related blocks. */
export interface SummaryRequest {
  /** Normalised main-article body (paragraphs separated by blank lines). */
  text: string;
  /** Headline found by the text stages, if any. */
  title: string | null;
  /** Language of the article as detected by the text stages (`ar`, `en`, …), if known. */
  language: string | null;
  publishedAt: string | null;
  outlet: string | null;
  /** Languages to produce, e.g. `['ar', 'en']`. */
  languages: readonly string[];
  /** Absolute epoch ms after which no LLM call may still be running (the Lambda deadline). */
  deadline?: number;
  /**
   * Where map-reduce keeps the notes of each chunk, so a long article that timed out resumes with
   * the chunks still missing instead of paying for every chunk again. Optional: without it a retry
   * starts over.
   */
  notes?: ChunkNotesCache;
}

/**
 * Storage for map-reduce chunk notes (the pipeline keeps them with the claim). Keys are opaque,
 * at most ~120 ASCII characters, and already include a hash of the chunk text, the model and the
 * prompt version, so an entry is never reused for different input. Values are small JSON objects;
 * the summariser validates what `get` returns and treats anything unexpected as a miss.
 */
export interface ChunkNotesCache {
  get(key: string): Promise<unknown | null>;
  put(key: string, value: unknown): Promise<void>;
}

/**
 * The LLM port. Adapters: `openai` (any OpenAI-compatible server) and `extractive` (offline).
 * Throws `ArticleError` subclasses for terminal outcomes and `TransientError` for retryable ones.
 */
export interface Summariser {
  readonly provider: 'openai' | 'extractive';
  readonly modelName: string;
  readonly promptVersion: string;
  summarise(request: SummaryRequest): Promise<SummaryResult>;
}
