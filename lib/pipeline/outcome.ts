import type { ErrorCode } from '../domain/error-codes.ts';
import type { ArticleInfo } from '../domain/record.ts';
import type { LlmUsage, SummaryResult } from '../domain/summary.ts';
import { isArticleError, isTransientError, TransientError } from '../errors.ts';
import { ClaimLostError, type RecordWriter } from './ports.ts';

export type IngestOutcome =
  | {
      status: 'done';
      id: string;
      reusedFrom: string | null;
      llmCalls: number;
      inputTokens: number;
      outputTokens: number;
      flags: string[];
    }
  | { status: 'failed'; id: string; code: ErrorCode; cause?: string }
  | { status: 'deleted'; id: string }
  | { status: 'skipped'; id: string; reason: string };

/** A message that must go back to the queue: the failure is retryable and it was not the last try. */
export class RetryLaterError extends Error {
  readonly retryAfterSeconds: number | undefined;
  /** Why, as a record error code (`llm_failed`, `llm_not_configured`, …), or null for "busy". */
  readonly code: ErrorCode | null;
  constructor(
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number | undefined; code?: ErrorCode },
  ) {
    super(message, options);
    this.name = 'RetryLaterError';
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.code = options?.code ?? null;
  }
}

/**
 * The causes behind an error, for the log only: a parser's or SDK's own words never go into a
 * record (its message is khulasa's), but whoever reads the log needs them.
 */
export function describeCause(e: unknown): string | undefined {
  const parts: string[] = [];
  let cause = e instanceof Error ? e.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.length > 0 ? parts.join(' ← ') : undefined;
}

/**
 * A failure after the LLM calls were paid (the record write): the failed record must still show
 * what they cost, so the usage goes onto the error `settle` reads it from.
 */
export function withPaidUsage(e: unknown, usage: LlmUsage): unknown {
  if (e instanceof ClaimLostError || usage.llmCalls === 0) return e;
  if (isArticleError(e) || isTransientError(e)) {
    e.usage ??= usage;
    return e;
  }
  return new TransientError('internal', 'An internal error interrupted processing.', {
    cause: e,
    usage,
  });
}

/** A done outcome; tokens count only when this attempt itself made the LLM calls. */
export function doneOutcome(
  id: string,
  reusedFrom: string | null,
  result: SummaryResult,
  llmCalls: number,
): IngestOutcome {
  const paid = llmCalls > 0;
  return {
    status: 'done',
    id,
    reusedFrom,
    llmCalls,
    inputTokens: paid ? result.usage.inputTokens : 0,
    outputTokens: paid ? result.usage.outputTokens : 0,
    flags: result.flags,
  };
}

/** Who is settling: the claim's owner, whether this is its last try, and the time. */
export interface Settling {
  id: string;
  owner: string;
  isLastAttempt: boolean;
  article: ArticleInfo | null;
  now: Date;
}

/**
 * The one place failures become outcomes. Terminal problems end as a `failed` record and return
 * normally (the message is acknowledged); retryable ones throw `RetryLaterError`, except on the
 * last attempt, where the record is marked `failed` first so nothing stays `processing`, and the
 * error is still thrown (to the dead-letter queue). A lost claim means a newer event owns the
 * record: this attempt's result is moot.
 */
export async function settle(records: RecordWriter, s: Settling, e: unknown): Promise<IngestOutcome> {
  if (e instanceof ClaimLostError) return { status: 'skipped', id: s.id, reason: 'superseded' };
  try {
    return await settleOwned(records, s, e);
  } catch (settleError: unknown) {
    if (settleError instanceof ClaimLostError) return { status: 'skipped', id: s.id, reason: 'superseded' };
    throw settleError;
  }
}

async function settleOwned(records: RecordWriter, s: Settling, e: unknown): Promise<IngestOutcome> {
  if (isArticleError(e)) {
    const error = { code: e.code, message: e.message, transient: false };
    await records.fail(s.id, s.owner, error, { article: s.article, usage: e.usage }, s.now);
    const cause = describeCause(e);
    return { status: 'failed', id: s.id, code: e.code, ...(cause ? { cause } : {}) };
  }
  const transient: TransientError = isTransientError(e)
    ? e
    : new TransientError('internal', 'An internal error interrupted processing.', {
        cause: e,
      });
  if (s.isLastAttempt) {
    const message = `${transient.message} Gave up after the last retry; the message is in the dead-letter queue and can be redriven.`;
    const error = { code: transient.code, message, transient: true };
    await records.fail(s.id, s.owner, error, { article: s.article, usage: transient.usage }, s.now);
  }
  throw new RetryLaterError(transient.message, {
    cause: e,
    code: transient.code,
    retryAfterSeconds: transient.retryAfterSeconds,
  });
}
