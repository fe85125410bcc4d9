import * as z from 'zod/mini';

/*
 * The LLM part of the ingest function's environment: which provider, how to reach and authenticate
 * to it, and how to size requests for it. Parsed together with the rest of the ingest variables
 * (`ingest.ts` spreads `LlmEnvShape` into its schema) and resolved here into one settings object.
 */

const integer = z.refine<number>((v) => Number.isInteger(v), 'must be a whole number');
const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim())),
);
/** An exported-but-empty variable means "not set", as the SDKs treat their own variables. */
const toNumber = z.transform((v: unknown) =>
  typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.trim())) : (v as number | undefined),
);
const optionalNumber = (...checks: z.core.$ZodCheck<number>[]) =>
  z.pipe(toNumber, z.optional(z.number().check(...checks)));
const optionalInt = (...checks: z.core.$ZodCheck<number>[]) => optionalNumber(integer, ...checks);
const lowerEnum = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.pipe(
    z.transform((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : undefined)),
    z.optional(z.enum(values, message)),
  );

const LLM_PROVIDERS = ['openai', 'azure', 'bedrock', 'extractive'] as const;
type LlmProviderName = (typeof LLM_PROVIDERS)[number];
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];
const MAX_TOKENS_PARAMS = ['max_completion_tokens', 'max_tokens', 'both'] as const;
export type MaxTokensParam = (typeof MAX_TOKENS_PARAMS)[number];

export const LlmEnvShape = {
  LLM_PROVIDER: lowerEnum(LLM_PROVIDERS, 'must be openai, azure, bedrock or extractive'),
  OPENAI_API_KEY: optionalString,
  /** Secrets Manager secret with the key (openai) or the api-key / Entra token (azure). */
  OPENAI_API_KEY_SECRET_ARN: optionalString,
  OPENAI_BASE_URL: optionalString,
  OPENAI_MODEL: optionalString,
  AZURE_OPENAI_ENDPOINT: optionalString,
  AZURE_OPENAI_API_KEY: optionalString,
  /** A Microsoft Entra access token, sent as a bearer token instead of `api-key`. */
  AZURE_OPENAI_AD_TOKEN: optionalString,
  AZURE_OPENAI_AUTH: lowerEnum(['api-key', 'entra'] as const, 'must be api-key or entra'),
  AZURE_OPENAI_DEPLOYMENT: optionalString,
  OPENAI_API_VERSION: optionalString,
  AWS_REGION: optionalString,
  AWS_DEFAULT_REGION: optionalString,
  LLM_TIMEOUT_MS: optionalInt(z.positive()),
  LLM_MAX_RETRIES: z._default(z.coerce.number().check(integer, z.gte(0), z.lte(10)), 2),
  MAX_LLM_CALLS_PER_ARTICLE: z._default(z.coerce.number().check(integer, z.positive()), 40),
  /** Article tokens per LLM request; longer articles are summarised by map → reduce. */
  MAX_INPUT_TOKENS: z._default(z.coerce.number().check(integer, z.gte(500)), 12_000),
  /** Chunk summaries of one long article in flight at once. */
  LLM_MAP_CONCURRENCY: z._default(z.coerce.number().check(integer, z.gte(1), z.lte(32)), 4),
  /** Completion tokens for the answer itself (a reasoning allowance comes on top). */
  LLM_MAX_OUTPUT_TOKENS: z._default(z.coerce.number().check(integer, z.gte(500), z.lte(100_000)), 4_000),
  /** The server's context window in its own tokens (self-hosted servers). */
  LLM_CONTEXT_TOKENS: optionalInt(z.gte(2_048)),
  /** The server tokenizer's tokens per o200k token for the articles' language (Qwen3, Llama 3.1: ~1.25 for Arabic). */
  LLM_TOKENIZER_RATIO: optionalNumber(z.gte(0.5), z.lte(4)),
  LLM_MAX_TOKENS_PARAM: lowerEnum(MAX_TOKENS_PARAMS, 'must be max_completion_tokens, max_tokens or both'),
  LLM_TEMPERATURE: optionalNumber(z.gte(0), z.lte(2)),
  LLM_REASONING_EFFORT: lowerEnum(REASONING_EFFORTS, `must be one of ${REASONING_EFFORTS.join(', ')}`),
  /** Completion tokens reserved for hidden reasoning on top of the answer's budget. */
  LLM_REASONING_TOKENS: optionalInt(z.gte(0), z.lte(100_000)),
} as const;

const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
/** A GA Azure OpenAI data-plane version with structured outputs; a missing version would be a 404 for every article. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
const AZURE_API_VERSION = /^(\d{4}-\d{2}-\d{2}(-preview)?|preview|latest|v1)$/;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Reasoning models think before the first answer token: a long article at high effort takes minutes. */
const DEFAULT_REASONING_TIMEOUT_MS = 180_000;
/** Hidden reasoning tokens allowed per call on top of the answer's budget, by effort. */
const REASONING_ALLOWANCE: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 1_000,
  low: 2_000,
  medium: 6_000,
  high: 12_000,
  xhigh: 16_000,
};
const URL_SCHEMA = z.url('must be a URL');

const LlmEnvSchema = z.object(LlmEnvShape);
type LlmEnv = z.infer<typeof LlmEnvSchema>;

export class LlmConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

const isUrl = (v: string | undefined): boolean => v === undefined || URL_SCHEMA.safeParse(v).success;

function checkUrls(e: LlmEnv, provider: LlmProviderName): void {
  if (provider !== 'extractive' && provider !== 'azure' && !isUrl(e.OPENAI_BASE_URL))
    throw new LlmConfigError(
      `OPENAI_BASE_URL must be a URL such as https://api.openai.com/v1 (got ${JSON.stringify(e.OPENAI_BASE_URL)})`,
    );
  if (provider === 'azure') {
    if (e.AZURE_OPENAI_ENDPOINT === undefined)
      throw new LlmConfigError('AZURE_OPENAI_ENDPOINT is required with LLM_PROVIDER=azure');
    if (!isUrl(e.AZURE_OPENAI_ENDPOINT))
      throw new LlmConfigError(
        `AZURE_OPENAI_ENDPOINT must be a URL such as https://my-resource.openai.azure.com (got ${JSON.stringify(e.AZURE_OPENAI_ENDPOINT)})`,
      );
    if (e.OPENAI_API_VERSION !== undefined && !AZURE_API_VERSION.test(e.OPENAI_API_VERSION))
      throw new LlmConfigError(
        `OPENAI_API_VERSION must look like ${DEFAULT_AZURE_API_VERSION} or 2025-04-01-preview (got ${JSON.stringify(e.OPENAI_API_VERSION)})`,
      );
  }
  if (provider === 'bedrock') {
    if (e.OPENAI_MODEL === undefined)
      throw new LlmConfigError(
        'OPENAI_MODEL is required with LLM_PROVIDER=bedrock (a model or inference profile id such as openai.gpt-oss-120b-1:0)',
      );
    // SigV4 signs for a region even when OPENAI_BASE_URL names the endpoint (a VPC endpoint).
    if (e.AWS_REGION === undefined && e.AWS_DEFAULT_REGION === undefined)
      throw new LlmConfigError('AWS_REGION is required with LLM_PROVIDER=bedrock (Lambda sets it)');
  }
}

/** The resolved LLM settings, for the composition root. */
export function resolveLlmSettings(e: LlmEnv) {
  const hasKey = e.OPENAI_API_KEY || e.OPENAI_API_KEY_SECRET_ARN;
  const provider: LlmProviderName = e.LLM_PROVIDER ?? (hasKey ? 'openai' : 'extractive');
  checkUrls(e, provider);
  const reasoningEffort = provider === 'extractive' ? undefined : e.LLM_REASONING_EFFORT;
  const reasoningTokens = e.LLM_REASONING_TOKENS ?? REASONING_ALLOWANCE[reasoningEffort ?? 'none'];
  const selfHosted = provider === 'openai' && e.OPENAI_BASE_URL !== undefined;
  const azureAuth = e.AZURE_OPENAI_AUTH ?? (e.AZURE_OPENAI_AD_TOKEN ? 'entra' : 'api-key');
  // Azure calls a deployment: that is the model name sent, recorded and compared for staleness.
  const model =
    provider === 'azure'
      ? (e.AZURE_OPENAI_DEPLOYMENT ?? e.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL)
      : (e.OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL);
  return {
    provider,
    apiKey:
      provider === 'azure'
        ? azureAuth === 'entra'
          ? e.AZURE_OPENAI_AD_TOKEN
          : e.AZURE_OPENAI_API_KEY
        : e.OPENAI_API_KEY,
    apiKeySecretArn: e.OPENAI_API_KEY_SECRET_ARN,
    baseURL: provider === 'openai' || provider === 'bedrock' ? e.OPENAI_BASE_URL : undefined,
    // Empty means "not set": the default model.
    model,
    azure: {
      endpoint: e.AZURE_OPENAI_ENDPOINT,
      deployment: model,
      apiVersion: e.OPENAI_API_VERSION ?? DEFAULT_AZURE_API_VERSION,
      auth: azureAuth,
    },
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION,
    timeoutMs:
      e.LLM_TIMEOUT_MS ??
      (reasoningEffort !== undefined && reasoningEffort !== 'none'
        ? DEFAULT_REASONING_TIMEOUT_MS
        : DEFAULT_TIMEOUT_MS),
    maxRetries: e.LLM_MAX_RETRIES,
    maxCallsPerArticle: e.MAX_LLM_CALLS_PER_ARTICLE,
    maxInputTokens: e.MAX_INPUT_TOKENS,
    mapConcurrency: e.LLM_MAP_CONCURRENCY,
    maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
    contextTokens: e.LLM_CONTEXT_TOKENS,
    tokenizerRatio: e.LLM_TOKENIZER_RATIO ?? 1,
    // Servers such as Ollama read only `max_tokens`; OpenAI's reasoning models reject it.
    maxTokensParam:
      e.LLM_MAX_TOKENS_PARAM ??
      (selfHosted && reasoningEffort === undefined ? 'both' : 'max_completion_tokens'),
    temperature: e.LLM_TEMPERATURE,
    reasoningEffort,
    reasoningTokens,
  } as const;
}

export type LlmSettings = ReturnType<typeof resolveLlmSettings>;
