import * as z from 'zod/mini';
import { ERROR_CODES } from '../domain/error-codes.ts';
import type { SummaryRecord } from '../domain/record.ts';
import { AUTH_MODES } from './auth-mode.ts';
import type { Problem } from './problem.ts';
import type { FacetPage } from './reader-port.ts';
import { STATUSES } from './validation.ts';

/**
 * The API's response bodies as zod/mini schemas: the OpenAPI document is generated from them
 * (functions/api/openapi.ts), and the type checks at the bottom tie them to the types the
 * routes actually serialise, so the document cannot drift from the code.
 */

const nullableString = () => z.nullable(z.string());

const sourceSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  versionId: nullableString(),
  etag: nullableString(),
  size: z.nullable(z.number()),
  contentType: nullableString(),
});

const articleSchema = z.object({
  title: nullableString(),
  language: nullableString(),
  publishedAt: z.nullable(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
  outlet: nullableString(),
  wordCount: z.nullable(z.number()),
  related: z.array(z.object({ title: z.string() })),
});

export const languageSummarySchema = z.object({
  title: z.string(),
  summary: z.string(),
  keyPoints: z.array(z.string()),
});

export const recordSchema = z.object({
  id: z.string(),
  status: z.enum(STATUSES),
  source: sourceSchema,
  article: z.nullable(articleSchema),
  /** Keyed by language code (`ar`, `en`); a language that was not produced is absent. */
  summaries: z.record(z.string(), languageSummarySchema),
  entities: z.array(
    z.object({ name: z.string(), type: z.enum(['person', 'organization', 'place', 'other']) }),
  ),
  topics: z.array(z.string()),
  quality: z.object({ flags: z.array(z.string()) }),
  model: z.nullable(
    z.object({ provider: z.enum(['openai', 'extractive']), name: z.string(), promptVersion: z.string() }),
  ),
  usage: z.nullable(
    z.object({
      inputTokens: z.number(),
      outputTokens: z.number(),
      llmCalls: z.number(),
      reusedFrom: nullableString(),
    }),
  ),
  contentHash: nullableString(),
  schemaVersion: z.number(),
  error: z.nullable(z.object({ code: z.enum(ERROR_CODES), message: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const listPageSchema = z.object({
  items: z.array(recordSchema),
  nextCursor: nullableString(),
});

/** `GET /facets`: the most frequent values of one kind, for a filter UI. */
export const facetPageSchema = z.object({
  kind: z.enum(['outlet', 'entity', 'topic']),
  prefix: nullableString(),
  values: z.array(
    z.object({
      /** A spelling the records use; pass it back as the filter of the same name. */
      value: z.string(),
      /** The folded form the filter matches on. */
      key: z.string(),
      count: z.number(),
    }),
  ),
  /** False when the kind has more distinct values than one request reads: narrow with `prefix`. */
  complete: z.boolean(),
});

/** RFC 9457 problem details. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.optional(z.string()),
  errors: z.optional(z.record(z.string(), z.string())),
});

export const healthSchema = z.object({ status: z.literal('ok') });

/** What the reader page needs to know about the deployment (config, never data). */
export const appConfigSchema = z.object({ authMode: z.enum(AUTH_MODES) });

// ─── compile-time ties between the schemas and the served types ───────────────
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertSame = <T extends true>(): T | undefined => undefined;
assertSame<Same<z.output<typeof recordSchema>, SummaryRecord>>();
assertSame<Same<z.output<typeof problemSchema>, Problem>>();
assertSame<Same<z.output<typeof facetPageSchema>, FacetPage>>();
