import type { Entity, LanguageSummary, ModelInfo } from './record.ts';

/** Tokens and calls paid for (summed over every LLM call of one article). */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  llmCalls: number;
}

/** What a summariser produces for one article, before it becomes part of a record. */
export interface SummaryResult {
  /** One entry per language produced; a language that cannot be produced is absent. */
  summaries: Record<string, LanguageSummary>;
  entities: Entity[];
  topics: string[];
  /** `quality.flags` entries, e.g. `missing_language:en`. */
  flags: string[];
  model: ModelInfo;
  usage: LlmUsage;
}
