import { z } from 'zod';

/**
 * The `-c` options that choose and tune the LLM provider. `context.ts` adds them to its schema;
 * `constructs/ingestion.ts` turns them into the ingest function's environment and grants, and
 * `bedrock-grant.ts` into the Bedrock invoke permission. Names follow the function's variables
 * (README, "Configuration").
 */
export const LLM_CONTEXT_KEYS = [
  'llmProvider',
  'bedrockModel',
  'azureEndpoint',
  'azureDeployment',
  'azureApiVersion',
  'azureAuth',
  'llmContextTokens',
  'llmTokenizerRatio',
  'llmMaxTokensParam',
  'llmTemperature',
  'llmReasoningEffort',
  'llmReasoningTokens',
  'llmMaxOutputTokens',
  'llmTimeoutMs',
  'maxInputTokens',
] as const;

const fromString = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), schema);

export const llmContextShape = {
  llmProvider: z.enum(['openai', 'azure', 'bedrock']).default('openai'),
  /** A foundation model id (`openai.gpt-oss-120b-1:0`) or a cross-region inference profile id (`us.…`, `global.…`). */
  bedrockModel: z
    .string()
    .trim()
    .regex(
      /^[a-z0-9-]+\.[A-Za-z0-9.:_-]+$/,
      'must be a Bedrock model or inference profile id such as openai.gpt-oss-120b-1:0',
    )
    .optional(),
  azureEndpoint: z.url({ protocol: /^https$/ }).optional(),
  azureDeployment: z.string().trim().min(1).optional(),
  azureApiVersion: z
    .string()
    .regex(
      /^(\d{4}-\d{2}-\d{2}(-preview)?|preview|latest|v1)$/,
      'must look like 2024-10-21 or 2025-04-01-preview',
    )
    .optional(),
  azureAuth: z.enum(['api-key', 'entra']).optional(),
  llmContextTokens: fromString(z.number().int().min(2_048).max(10_000_000).optional()),
  llmTokenizerRatio: fromString(z.number().min(0.5).max(4).optional()),
  llmMaxTokensParam: z.enum(['max_completion_tokens', 'max_tokens', 'both']).optional(),
  llmTemperature: fromString(z.number().min(0).max(2).optional()),
  llmReasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
  llmReasoningTokens: fromString(z.number().int().min(0).max(100_000).optional()),
  llmMaxOutputTokens: fromString(z.number().int().min(500).max(100_000).optional()),
  llmTimeoutMs: fromString(z.number().int().min(1_000).max(900_000).optional()),
  maxInputTokens: fromString(z.number().int().min(500).max(1_000_000).optional()),
};

const llmContextObject = z.object(llmContextShape);
type LlmContextInput = z.output<typeof llmContextObject>;

type LlmProviderChoice = 'openai' | 'azure' | 'bedrock';

/** The LLM options as the stack uses them. */
export interface LlmContext {
  /** @default 'openai' */
  readonly provider: LlmProviderChoice;
  /** Required with `provider: 'bedrock'`; the function is granted `bedrock:InvokeModel` on it only. */
  readonly bedrockModel: string | undefined;
  readonly azure: {
    readonly endpoint: string | undefined;
    readonly deployment: string | undefined;
    readonly apiVersion: string | undefined;
    readonly auth: 'api-key' | 'entra' | undefined;
  };
  /** Ingest environment variables for the tuning options that were given (others keep their defaults). */
  readonly tuning: Readonly<Record<string, string>>;
}

/** Cross-option rules, reported under the option's name like the schema's own. */
export function checkLlmContext(v: LlmContextInput, ctx: z.RefinementCtx): void {
  if (v.llmProvider === 'bedrock' && v.bedrockModel === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['bedrockModel'],
      message: 'is required with -c llmProvider=bedrock',
    });
  if (v.llmProvider !== 'bedrock' && v.bedrockModel !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['bedrockModel'],
      message: 'only applies with -c llmProvider=bedrock',
    });
  if (v.llmProvider === 'azure' && v.azureEndpoint === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['azureEndpoint'],
      message: 'is required with -c llmProvider=azure',
    });
}

export function toLlmContext(v: LlmContextInput): LlmContext {
  const tuning: Record<string, string> = {};
  const put = (name: string, value: string | number | undefined) => {
    if (value !== undefined) tuning[name] = String(value);
  };
  put('LLM_CONTEXT_TOKENS', v.llmContextTokens);
  put('LLM_TOKENIZER_RATIO', v.llmTokenizerRatio);
  put('LLM_MAX_TOKENS_PARAM', v.llmMaxTokensParam);
  put('LLM_TEMPERATURE', v.llmTemperature);
  put('LLM_REASONING_EFFORT', v.llmReasoningEffort);
  put('LLM_REASONING_TOKENS', v.llmReasoningTokens);
  put('LLM_MAX_OUTPUT_TOKENS', v.llmMaxOutputTokens);
  put('LLM_TIMEOUT_MS', v.llmTimeoutMs);
  put('MAX_INPUT_TOKENS', v.maxInputTokens);
  return {
    provider: v.llmProvider,
    bedrockModel: v.bedrockModel,
    azure: {
      endpoint: v.azureEndpoint,
      deployment: v.azureDeployment,
      apiVersion: v.azureApiVersion,
      auth: v.azureAuth,
    },
    tuning,
  };
}
