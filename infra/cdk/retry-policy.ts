import { retryDelaySeconds } from '../../lib/pipeline/backoff.ts';

/**
 * How long the ingest pipeline keeps retrying an article before it gives up (`failed`, then the
 * dead-letter queue). The numbers live here, and the stack hands them to the function:
 *
 * - each failed receive pushes the message's visibility out by `base × 2^(receive − 1)` seconds,
 *   capped at `max` (`retryDelaySeconds` in lib/pipeline/backoff.ts, applied by the handler
 *   through `ChangeMessageVisibility`);
 * - after `maxReceiveCount` receives the queue's redrive policy moves the message to the DLQ, and
 *   on that last receive the handler records the article as `failed` (`MAX_RECEIVE_COUNT`).
 *
 * With 30 s and 900 s, receives 1–7 wait 30, 60, 120, 240, 480, 900 and 900 s: the default of
 * 8 receives keeps an article alive for about 45 minutes of backoff (plus the runs themselves),
 * so a provider outage of half an hour costs retries, not articles. A ten-minute outage needs at
 * least 6 receives (930 s), which is the smallest value `-c maxReceiveCount` accepts.
 */
export const INGEST_RETRY_BACKOFF = { baseSeconds: 30, maxSeconds: 900 } as const;

/** The least total backoff an article gets before it is given up. */
const MIN_RETRY_WINDOW_SECONDS = 15 * 60;

export const DEFAULT_MAX_RECEIVE_COUNT = 8;

/**
 * The most `-c maxReceiveCount` accepts: 100 receives back off for about 24 hours, well inside
 * the queue's 4-day retention (a message retried past it would be dropped, not dead-lettered).
 */
export const MAX_RECEIVE_COUNT = 100;

/**
 * Seconds of backoff a message gets across `maxReceiveCount` receives: one delay after every
 * receive but the last (the last one fails the article instead of waiting).
 */
export function retryWindowSeconds(
  maxReceiveCount: number,
  backoff: { baseSeconds: number; maxSeconds: number } = INGEST_RETRY_BACKOFF,
): number {
  let total = 0;
  for (let receive = 1; receive < maxReceiveCount; receive += 1) total += retryDelaySeconds(receive, backoff);
  return total;
}

/** The fewest receives whose backoff spans `MIN_RETRY_WINDOW_SECONDS`. */
export const MIN_RECEIVE_COUNT = (() => {
  let count = 1;
  while (retryWindowSeconds(count) < MIN_RETRY_WINDOW_SECONDS) count += 1;
  return count;
})();
