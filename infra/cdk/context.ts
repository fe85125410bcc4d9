import type { Node } from 'constructs';
import { z } from 'zod';
import { issueInWords } from '../../lib/config/issue-words.ts';
import { knownLanguage } from '../../lib/domain/languages.ts';
import { MAX_LLM_CONCURRENCY, MIN_LLM_CONCURRENCY } from './llm-concurrency.ts';
import {
  checkLlmContext,
  LLM_CONTEXT_KEYS,
  type LlmContext,
  llmContextShape,
  toLlmContext,
} from './llm-context.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, MAX_RECEIVE_COUNT, MIN_RECEIVE_COUNT } from './retry-policy.ts';

/**
 * Every `-c key=value` option the CDK app understands, parsed and validated in one place so a
 * typo fails `cdk synth` with the option's name instead of deploying something unintended.
 *
 * Values come from `cdk.json` (JSON types) or from `-c` on the command line (always strings), so
 * numbers and booleans accept both forms.
 */
const CONTEXT_KEYS = [
  'stage',
  'maxReceiveCount',
  'llmConcurrency',
  'prefix',
  'suffix',
  'openAiSecret',
  'openAiSecretKmsKey',
  'openAiModel',
  'openAiBaseUrl',
  'summaryLanguages',
  'jwtIssuer',
  'jwtAudience',
  'publicApi',
  'alarmEmail',
  ...LLM_CONTEXT_KEYS,
] as const;

/** Options that no longer exist, with what replaced them: silently ignoring one would deploy defaults. */
const RETIRED_KEYS: Readonly<Record<string, string>> = {
  maxConcurrency:
    'replaced by -c llmConcurrency (the event source concurrency is derived from it; see llm-concurrency.ts)',
};

/** How every API route is authorised. */
export type ApiAuth =
  | { readonly kind: 'iam' }
  | { readonly kind: 'jwt'; readonly issuer: string; readonly audience: readonly string[] }
  | { readonly kind: 'none' };

export interface KhulasaContext {
  /** Deployment stage; `dev` relaxes retention (DESTROY, no deletion protection). @default 'prod' */
  readonly stage: string;
  /** True for `stage=dev`: resources may be destroyed with the stack. */
  readonly disposable: boolean;
  /**
   * Receives before a message goes to the dead-letter queue (and the article is marked
   * `failed`). At least 6, so the handler's backoff spans 15 minutes or more
   * (see `retry-policy.ts`). @default 8 (about 45 minutes of backoff)
   */
  readonly maxReceiveCount: number;
  /**
   * Most LLM requests in flight at once across every ingest invocation; the event source's
   * concurrency, batch size and map concurrency are derived from it (see `llm-concurrency.ts`).
   * @default 40
   */
  readonly llmConcurrency: number;
  /** Only keys under this prefix are ingested. @default - every key */
  readonly prefix: string | undefined;
  /** Only keys with this suffix are ingested. @default - every key */
  readonly suffix: string | undefined;
  /** Name or ARN of an existing Secrets Manager secret holding the OpenAI key. @default - an empty secret is created */
  readonly openAiSecret: string | undefined;
  /** ARN of the customer-managed KMS key that encrypts `openAiSecret`. @default - the secret uses the AWS managed key */
  readonly openAiSecretKmsKey: string | undefined;
  /** @default 'gpt-4o-mini' */
  readonly openAiModel: string;
  /** OpenAI-compatible endpoint. @default - the SDK's own default (api.openai.com) */
  readonly openAiBaseUrl: string | undefined;
  /** Comma-separated language codes. @default 'ar,en' */
  readonly summaryLanguages: string;
  /** @default { kind: 'iam' } */
  readonly apiAuth: ApiAuth;
  /** Email address subscribed to the alarm topic (the topic exists either way). @default - no subscription */
  readonly alarmEmail: string | undefined;
  /** The LLM provider and its tuning (llm-context.ts). @default - openai, every tuning default */
  readonly llm: LlmContext;
}

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
export const DEFAULT_SUMMARY_LANGUAGES = 'ar,en';
export const DEFAULT_LLM_CONCURRENCY = 40;

/** Thrown for an invalid context value; the message names every bad option. */
export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

const intIn = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number().int().min(min).max(max).default(fallback),
  );

const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return v;
}, z.boolean().default(false));

const languageList = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(,[a-z]{2,3})*$/, 'must be comma-separated ISO 639 codes such as "ar,en"')
  .refine(
    (v) => v.split(',').every((code) => knownLanguage(code) !== null),
    'must name known ISO 639 languages, such as "ar,en"',
  )
  .default(DEFAULT_SUMMARY_LANGUAGES);

const schema = z
  .object({
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lowercase letters, digits and dashes (max 20)')
      .default('prod'),
    // Fewer than the minimum would fail articles before the retry window (retry-policy.ts) has
    // passed; more than the maximum would outlast the queue's retention.
    maxReceiveCount: intIn(MIN_RECEIVE_COUNT, MAX_RECEIVE_COUNT, DEFAULT_MAX_RECEIVE_COUNT),
    llmConcurrency: intIn(MIN_LLM_CONCURRENCY, MAX_LLM_CONCURRENCY, DEFAULT_LLM_CONCURRENCY),
    prefix: z.string().min(1).optional(),
    suffix: z.string().min(1).optional(),
    openAiSecret: z
      .string()
      .regex(/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/, {
        message: 'must be a Secrets Manager secret name or ARN',
      })
      .optional(),
    openAiSecretKmsKey: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/, {
        message: 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
      })
      .optional(),
    openAiModel: z.string().trim().min(1).default(DEFAULT_OPENAI_MODEL),
    openAiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    summaryLanguages: languageList,
    jwtIssuer: z.url({ protocol: /^https$/ }).optional(),
    jwtAudience: z.string().trim().min(1).optional(),
    publicApi: bool,
    alarmEmail: z.email().optional(),
    ...llmContextShape,
  })
  .superRefine((v, ctx) => {
    checkLlmContext(v, ctx);
    if (v.openAiSecretKmsKey !== undefined && v.openAiSecret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['openAiSecretKmsKey'],
        message: 'only applies to an existing secret: give -c openAiSecret too',
      });
    }
    if ((v.jwtIssuer === undefined) !== (v.jwtAudience === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.jwtIssuer === undefined ? 'jwtIssuer' : 'jwtAudience'],
        message: 'jwtIssuer and jwtAudience must be given together',
      });
    }
    if (v.publicApi && v.jwtIssuer !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicApi'],
        message: 'publicApi=true cannot be combined with a JWT authoriser',
      });
    }
  });

/** Reads the app's options from the construct tree's context (cdk.json and `-c`). */
export function readContext(node: Node): KhulasaContext {
  const raw: Record<string, unknown> = {};
  for (const key of [...CONTEXT_KEYS, ...Object.keys(RETIRED_KEYS)]) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined && value !== null) raw[key] = value;
  }
  return parseContext(raw);
}

/** Validates raw option values; exported so the rules are testable without a construct tree. */
export function parseContext(raw: Readonly<Record<string, unknown>>): KhulasaContext {
  const retired = Object.keys(RETIRED_KEYS).filter((key) => raw[key] !== undefined);
  const result = schema.safeParse(raw);
  if (!result.success || retired.length > 0) {
    const problems = [
      ...retired.map((key) => `-c ${key}: ${RETIRED_KEYS[key]}`),
      ...(result.error?.issues ?? []).map((issue) => {
        const key = issue.path.join('.') || '(context)';
        return `-c ${key}: ${issueInWords(issue)}`;
      }),
    ];
    throw new ContextError(`Invalid CDK context:\n  ${problems.join('\n  ')}`);
  }
  const v = result.data;
  let apiAuth: ApiAuth = { kind: 'iam' };
  if (v.jwtIssuer !== undefined && v.jwtAudience !== undefined) {
    const audience = v.jwtAudience
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
    apiAuth = { kind: 'jwt', issuer: v.jwtIssuer, audience };
  } else if (v.publicApi) {
    apiAuth = { kind: 'none' };
  }
  return {
    stage: v.stage,
    disposable: v.stage === 'dev',
    maxReceiveCount: v.maxReceiveCount,
    llmConcurrency: v.llmConcurrency,
    prefix: v.prefix,
    suffix: v.suffix,
    openAiSecret: v.openAiSecret,
    openAiSecretKmsKey: v.openAiSecretKmsKey,
    openAiModel: v.openAiModel,
    openAiBaseUrl: v.openAiBaseUrl,
    summaryLanguages: v.summaryLanguages,
    apiAuth,
    alarmEmail: v.alarmEmail,
    llm: toLlmContext(v),
  };
}
