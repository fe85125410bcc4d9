import * as z from 'zod/mini';
import { EXAMPLE_LANGUAGES, knownLanguage } from '../domain/languages.ts';
import { issueInWords } from './issue-words.ts';
import { LlmConfigError, LlmEnvShape, type LlmSettings, resolveLlmSettings } from './llm.ts';

// zod/mini, not classic zod: classic zod is ~500 KB of every ingest cold start.

const integer = z.refine<number>((v) => Number.isInteger(v), 'must be a whole number');
type NumberCheck = z.core.CheckFn<number> | z.core.$ZodCheck<number>;
/** A whole number from an environment string, `fallback` when unset. */
const intVar = (fallback: number | undefined, ...checks: NumberCheck[]) => {
  const schema = z.coerce.number().check(integer, ...checks);
  return fallback === undefined ? schema : z._default(schema, fallback);
};
const positiveInt = (fallback?: number) => intVar(fallback, z.positive());
const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim())),
);

const languageList = z.pipe(
  z.pipe(
    z._default(z.string(), 'ar,en'),
    z.transform((v) => [
      ...new Set(
        v
          .split(',')
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      ),
    ]),
  ),
  z
    .array(
      z
        .string()
        .check(
          z.refine(
            (code: string) => knownLanguage(code) !== null,
            `must be ISO 639 language codes separated by commas, such as ${EXAMPLE_LANGUAGES.join(',')}`,
          ),
        ),
    )
    .check(z.minLength(1, 'must list at least one language, e.g. ar,en')),
);

/** The ingest function's environment (the LLM and the limits). */
const IngestEnvSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  SUMMARY_LANGUAGES: languageList,
  // The LLM provider and request sizing (llm.ts).
  ...LlmEnvShape,
  MAX_ARTICLE_BYTES: positiveInt(10 * 1024 * 1024),
  MAX_TEXT_CHARS: positiveInt(2_000_000),
  MAX_RECEIVE_COUNT: positiveInt(),
  /** The retry backoff: receive n waits base × 2^(n−1) seconds, capped at max (set by the CDK stack). */
  RETRY_BASE_SECONDS: positiveInt(30),
  RETRY_MAX_SECONDS: intVar(900, z.gte(1), z.lte(43_200)),
  LEASE_SECONDS: positiveInt(300),
  /** How long an upload waits in-process for a twin upload of the same content to be summarised. */
  CONTENT_WAIT_SECONDS: z._default(z.coerce.number().check(z.gte(0), z.lte(900)), 20),
  QUEUE_URL: optionalString,
  /** Path-style S3 URLs: needed by S3-compatible servers on a bare host:port (the local stack). */
  S3_FORCE_PATH_STYLE: z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((v) => (v === undefined || v.trim() === '' ? 'false' : v.trim().toLowerCase())),
    ),
    z.pipe(
      z.enum(['true', 'false'], 'must be true or false'),
      z.transform((v) => v === 'true'),
    ),
  ),
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
    const problems = parsed.error.issues.map((i) => describeIssue(i, env)).join('; ');
    throw new ConfigError(`Invalid ingest configuration: ${problems}`);
  }
  const e = parsed.data;
  let llm: LlmSettings;
  try {
    llm = resolveLlmSettings(e);
  } catch (error: unknown) {
    if (error instanceof LlmConfigError)
      throw new ConfigError(`Invalid ingest configuration: ${error.message}`);
    throw error;
  }
  return {
    tableName: e.TABLE_NAME,
    languages: e.SUMMARY_LANGUAGES,
    llm,
    maxArticleBytes: e.MAX_ARTICLE_BYTES,
    maxTextChars: e.MAX_TEXT_CHARS,
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    retryBackoff: { baseSeconds: e.RETRY_BASE_SECONDS, maxSeconds: e.RETRY_MAX_SECONDS },
    leaseMs: e.LEASE_SECONDS * 1000,
    contentWaitMs: e.CONTENT_WAIT_SECONDS * 1000,
    queueUrl: e.QUEUE_URL,
    s3ForcePathStyle: e.S3_FORCE_PATH_STYLE,
  } as const;
}

const SECRET_NAMES = /(^|_)(KEY|SECRET|TOKEN)(_|$)/;

/** One issue as `NAME what is wrong (got "value")`, never echoing a secret's value. */
function describeIssue(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const name = String(issue.path[0] ?? 'environment');
  const value = env[name];
  const message = issueInWords(issue);
  if (value === undefined)
    return `${name} is required (it ${message.replace(/^is required$/, 'has no default')})`;
  const got = SECRET_NAMES.test(name) ? '' : ` (got ${JSON.stringify(value)})`;
  return `${name} ${message}${got}`;
}
