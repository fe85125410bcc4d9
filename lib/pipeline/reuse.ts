import type { SummaryRecord } from '../domain/record.ts';
import type { SummaryResult } from '../domain/summary.ts';
import type { Clock } from './clock.ts';
import { RetryLaterError } from './outcome.ts';
import type { ContentLeases, ContentWork, ReuseQuery } from './ports.ts';

const CONTENT_POLL_MS = 500;
const PAID_RESULTS_KEPT = 200;

/** A done record whose summary this content and these settings would reproduce. */
export function summarisesTheSame(record: SummaryRecord, reuse: ReuseQuery): boolean {
  if (record.status !== 'done' || !record.model || !record.usage) return false;
  if (record.contentHash !== reuse.contentHash) return false;
  const { provider, name, promptVersion } = record.model;
  if (provider !== reuse.provider || name !== reuse.model || promptVersion !== reuse.promptVersion)
    return false;
  // The languages asked for then: the ones produced plus the ones flagged as missing or wrong.
  const asked = new Set(Object.keys(record.summaries));
  for (const flag of record.quality.flags) {
    const m = /^(?:missing|wrong)_language:(.+)$/.exec(flag);
    if (m?.[1]) asked.add(m[1]);
  }
  return asked.size === reuse.languages.length && reuse.languages.every((l) => asked.has(l));
}

/** A copied summary: the same content, nothing paid for this time. */
export function copiedResult(result: Omit<SummaryResult, 'usage'>): SummaryResult {
  const { summaries, entities, topics, flags, model } = result;
  return {
    summaries,
    entities,
    topics,
    flags,
    model,
    usage: { inputTokens: 0, outputTokens: 0, llmCalls: 0 },
  };
}

export function reusedResult(record: SummaryRecord): SummaryResult {
  return copiedResult({
    ...record,
    flags: record.quality.flags,
    model: record.model as SummaryResult['model'],
  });
}

/** Results paid for in this container but not yet written; small, since a write usually follows. */
export class PaidResults {
  readonly #results = new Map<string, { result: SummaryResult; paidFor: string }>();

  static key(q: ReuseQuery): string {
    return JSON.stringify([q.contentHash, q.provider, q.model, q.promptVersion, [...q.languages].sort()]);
  }

  get(key: string) {
    return this.#results.get(key);
  }

  remember(key: string, paid: { result: SummaryResult; paidFor: string }): void {
    this.#results.delete(key);
    this.#results.set(key, paid);
    if (this.#results.size > PAID_RESULTS_KEPT) {
      const oldest = this.#results.keys().next().value;
      if (oldest !== undefined) this.#results.delete(oldest);
    }
  }

  forget(key: string): void {
    this.#results.delete(key);
  }
}

/**
 * A finished summary of the same content, waiting a little while another upload of it is being
 * summarised (single flight: the same content under many keys at once is paid for once).
 */
export async function reuseOrLease(
  leases: ContentLeases,
  clock: Clock,
  reuse: ReuseQuery,
  attempt: { owner: string; leaseMs: number; waitMs: number; deadline?: number; isLastAttempt: boolean },
): Promise<Exclude<ContentWork, { status: 'busy' }>> {
  const waitUntil = Math.min(
    clock.now().getTime() + attempt.waitMs,
    attempt.deadline ?? Number.POSITIVE_INFINITY,
  );
  for (;;) {
    const lease = await leases.beginContentWork(reuse, attempt.owner, attempt.leaseMs, clock.now());
    if (lease.status !== 'busy') return lease;
    if (clock.now().getTime() >= waitUntil) {
      // On the last try, pay rather than fail: an upload is never lost to a slow twin.
      if (attempt.isLastAttempt) return { status: 'acquired' };
      throw new RetryLaterError('The same content is being summarised for another upload.', {
        retryAfterSeconds: 5,
      });
    }
    await clock.sleep(CONTENT_POLL_MS);
  }
}
