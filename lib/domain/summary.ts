import type { Entity, LanguageSummary, ModelInfo } from './record.ts';

/** Tokens and calls paid for (summed over every LLM call of one article). */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  llmCalls: number;
  /** Input tokens the provider served from its prompt cache (billed lower); part of `inputTokens`. */
  cachedInputTokens?: number;
  /** Hidden reasoning tokens of reasoning models; part of `outputTokens`. */
  reasoningTokens?: number;
  /** Calls that timed out (per-attempt timeout or the deadline), which may still be billed. */
  timedOutCalls?: number;
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
