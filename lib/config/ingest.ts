import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const languageList = z
  .string()
  .default('ar,en')
  .transform((v) => [
    ...new Set(
      v
        .split(',')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.string().regex(/^[a-z]{2,3}$/, 'language codes are ISO 639-1/3, e.g. ar,en')).min(1));

/** The ingest function's environment (DESIGN.md "LLM" and limits). */
const IngestEnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  SUMMARY_LANGUAGES: languageList,
  // An exported-but-empty variable means "not set", as the SDK treats its own variables.
  LLM_PROVIDER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['openai', 'extractive']).optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_API_KEY_SECRET_ARN: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: positiveInt.default(60_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  MAX_ARTICLE_BYTES: positiveInt.default(10 * 1024 * 1024),
  MAX_TEXT_CHARS: positiveInt.default(2_000_000),
  MAX_LLM_CALLS_PER_ARTICLE: positiveInt.default(40),
  /** Article tokens per LLM request; longer articles are summarised by map → reduce. */
  MAX_INPUT_TOKENS: z.coerce.number().int().min(500).default(12_000),
  /** Chunk summaries of one long article in flight at once. */
  LLM_MAP_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  MAX_RECEIVE_COUNT: positiveInt,
  LEASE_SECONDS: positiveInt.default(300),
  /** How long an upload waits in-process for a twin upload of the same content to be summarised. */
  CONTENT_WAIT_SECONDS: z.coerce.number().min(0).max(900).default(20),
  QUEUE_URL: optionalString,
  /** Path-style S3 URLs: needed by S3-compatible servers on a bare host:port (the local stack). */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type IngestConfig = ReturnType<typeof loadIngestConfig>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parse and validate once at load; a missing or bad variable fails fast with its name. */
export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = IngestEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid ingest configuration: ${problems}`);
  }
  const e = parsed.data;
  // DESIGN.md: `openai` when a key is available (directly or from Secrets Manager), else the offline summariser.
  const provider =
    e.LLM_PROVIDER ?? (e.OPENAI_API_KEY || e.OPENAI_API_KEY_SECRET_ARN ? 'openai' : 'extractive');
  return {
    tableName: e.TABLE_NAME,
    languages: e.SUMMARY_LANGUAGES,
    llm: {
      provider,
      apiKey: e.OPENAI_API_KEY,
      apiKeySecretArn: e.OPENAI_API_KEY_SECRET_ARN,
      baseURL: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
      maxCallsPerArticle: e.MAX_LLM_CALLS_PER_ARTICLE,
      maxInputTokens: e.MAX_INPUT_TOKENS,
      mapConcurrency: e.LLM_MAP_CONCURRENCY,
    },
    maxArticleBytes: e.MAX_ARTICLE_BYTES,
    maxTextChars: e.MAX_TEXT_CHARS,
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    leaseMs: e.LEASE_SECONDS * 1000,
    contentWaitMs: e.CONTENT_WAIT_SECONDS * 1000,
    queueUrl: e.QUEUE_URL,
    s3ForcePathStyle: e.S3_FORCE_PATH_STYLE,
  } as const;
}
