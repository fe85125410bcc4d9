import * as z from 'zod/mini';
import { LlmNotConfiguredError } from '../errors.ts';
import { ExtractiveSummariser } from './extractive.ts';
import { createOpenAiClient, OpenAiSummariser } from './openai.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';
import { PROMPT_VERSION } from './prompt.ts';

export const LLM_PROVIDERS = ['openai', 'extractive'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];
export const llmProviderSchema = z.enum(LLM_PROVIDERS);

/**
 * DESIGN.md "LLM": an explicit `LLM_PROVIDER` wins; otherwise `openai` when `OPENAI_API_KEY` is set
 * and non-empty, else the offline `extractive` summariser. An empty `LLM_PROVIDER` counts as unset.
 * Throws a message naming `LLM_PROVIDER` when it holds anything else.
 */
export function resolveProvider(env: {
  LLM_PROVIDER?: string | undefined;
  OPENAI_API_KEY?: string | undefined;
}): LlmProvider {
  const explicit = env.LLM_PROVIDER?.trim().toLowerCase();
  if (explicit) {
    const parsed = llmProviderSchema.safeParse(explicit);
    if (!parsed.success) {
      throw new Error(
        `LLM_PROVIDER must be one of ${LLM_PROVIDERS.join(', ')}; got ${JSON.stringify(env.LLM_PROVIDER)}.`,
      );
    }
    return parsed.data;
  }
  return env.OPENAI_API_KEY?.trim() ? 'openai' : 'extractive';
}

export interface SummariserConfig {
  provider: LlmProvider;
  apiKey?: string | undefined;
  baseURL?: string | undefined;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  /** `MAX_INPUT_TOKENS`; unset means `DEFAULT_MAX_INPUT_TOKENS`. */
  maxInputTokens?: number | undefined;
  /** `MAX_LLM_CALLS_PER_ARTICLE`; unset means `DEFAULT_MAX_CALLS_PER_ARTICLE`. */
  maxCallsPerArticle?: number | undefined;
  mapConcurrency?: number | undefined;
}

/**
 * `openai` selected without a key: every article fails with the transient `llm_not_configured`
 * (alarm, retry, DLQ) instead of silently being summarised by the offline summariser.
 */
class NotConfiguredSummariser implements Summariser {
  readonly provider = 'openai' as const;
  readonly promptVersion = PROMPT_VERSION;
  readonly modelName: string;
  constructor(model: string) {
    this.modelName = model;
  }
  async summarise(_request: SummaryRequest): Promise<SummaryResult> {
    throw new LlmNotConfiguredError();
  }
}

/** The summariser for `config`; build it once per container (the OpenAI client is reused). */
export function selectSummariser(config: SummariserConfig): Summariser {
  if (config.provider === 'extractive') return new ExtractiveSummariser();
  const apiKey = config.apiKey?.trim();
  if (!apiKey) return new NotConfiguredSummariser(config.model);
  const client = createOpenAiClient({
    apiKey,
    baseURL: config.baseURL,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
  });
  return new OpenAiSummariser({
    client,
    model: config.model,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    maxInputTokens: config.maxInputTokens,
    maxCallsPerArticle: config.maxCallsPerArticle,
    mapConcurrency: config.mapConcurrency,
  });
}
