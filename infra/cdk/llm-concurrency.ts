/**
 * `-c llmConcurrency=N`: the most LLM requests in flight at once, across every ingest invocation.
 *
 * Requests in flight ≤ invocations × records per invocation × requests per article:
 * - invocations: the SQS event source's `maxConcurrency` (the poller never runs more);
 * - records per invocation: the event source's `batchSize` (the batch processor runs a batch's
 *   records concurrently; one S3 notification message carries one article);
 * - requests per article: `LLM_MAP_CONCURRENCY` (a long article's chunk summaries in flight at
 *   once; a short article, and every reduce step, is one request; both languages share it).
 * The SDK's own retries are sequential and add nothing in flight.
 *
 * The plan gives each article up to 4 parallel requests and each invocation up to 5 records,
 * shrinking both for small budgets, and spends the rest on invocations (at least 2, the SQS
 * event source's minimum). The product never exceeds N; for N = 40 (the default): 2 × 5 × 4.
 */
export interface LlmConcurrencyPlan {
  /** The requested bound. */
  readonly llmConcurrency: number;
  /** SQS event source `maxConcurrency`. */
  readonly maxConcurrency: number;
  /** SQS event source `batchSize`. */
  readonly batchSize: number;
  /** `LLM_MAP_CONCURRENCY` of the ingest function. */
  readonly mapConcurrency: number;
  /** `maxConcurrency × batchSize × mapConcurrency`: the worst case, ≤ `llmConcurrency`. */
  readonly worstCaseInFlight: number;
}

/** The event source cannot run fewer than 2 concurrent invocations. */
const MIN_INVOCATIONS = 2;
const MAX_INVOCATIONS = 1000;
const PREFERRED_MAP_CONCURRENCY = 4;
const PREFERRED_BATCH_SIZE = 5;

export const MIN_LLM_CONCURRENCY = MIN_INVOCATIONS;
export const MAX_LLM_CONCURRENCY = MAX_INVOCATIONS * PREFERRED_BATCH_SIZE * PREFERRED_MAP_CONCURRENCY;

export function planLlmConcurrency(llmConcurrency: number): LlmConcurrencyPlan {
  if (!Number.isInteger(llmConcurrency) || llmConcurrency < MIN_LLM_CONCURRENCY) {
    throw new RangeError(`llmConcurrency must be a whole number ≥ ${MIN_LLM_CONCURRENCY}`);
  }
  const perInvocation = Math.floor(llmConcurrency / MIN_INVOCATIONS);
  const mapConcurrency = Math.max(1, Math.min(PREFERRED_MAP_CONCURRENCY, perInvocation));
  const batchSize = Math.max(1, Math.min(PREFERRED_BATCH_SIZE, Math.floor(perInvocation / mapConcurrency)));
  const maxConcurrency = Math.min(MAX_INVOCATIONS, Math.floor(llmConcurrency / (batchSize * mapConcurrency)));
  return {
    llmConcurrency,
    maxConcurrency,
    batchSize,
    mapConcurrency,
    worstCaseInFlight: maxConcurrency * batchSize * mapConcurrency,
  };
}
