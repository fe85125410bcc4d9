import { type IngestOutcome, RetryLaterError } from './outcome.ts';

/**
 * A second message for an object version another attempt is processing right now (S3 delivers
 * at least once; a redrive may overlap a retry). The other attempt's message carries the work:
 * its own retries, `failed` record and dead-letter queue are the outcome. This one waits out the
 * other's lease and then, finding the record settled, ends as a duplicate. It never reaches the
 * dead-letter queue itself: on its last receive it is acknowledged instead of failed.
 */
export function awaitOtherAttempt(
  id: string,
  leaseUntil: number | undefined,
  isLastAttempt: boolean,
  now: Date,
): IngestOutcome {
  if (isLastAttempt) return { status: 'skipped', id, reason: 'in_progress_elsewhere' };
  const leaseLeft =
    leaseUntil === undefined ? undefined : Math.max(1, Math.ceil((leaseUntil - now.getTime()) / 1000));
  throw new RetryLaterError(
    `Record ${id} is being processed by another attempt; this message waits for it.`,
    {
      retryAfterSeconds: leaseLeft,
    },
  );
}
