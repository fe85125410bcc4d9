import { outcomeEventOf } from '../domain/outcome-event.ts';
import { type IngestOutcome, RetryLaterError } from './outcome.ts';
import type { OutcomeEvents, RevisionedRecords } from './ports.ts';

/** What announcing outcomes needs: where events go, and the record as stored (with its revision). */
export interface Announcer {
  events: OutcomeEvents;
  records: RevisionedRecords;
}

/** The outcome event was not accepted; the message goes back to the queue to publish it again. */
class EventPublishError extends Error {
  readonly id: string;
  constructor(id: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`The outcome event of record ${id} could not be published${reason}.`, options);
    this.name = 'EventPublishError';
    this.id = id;
  }
}

/**
 * Outcomes after which the record is terminal and this message speaks for it. A redelivered
 * message (S3 delivers at least once; the queue retries a message whose publish failed) finds
 * the record already terminal (`duplicate`): it announces it again rather than acknowledging in
 * silence, or a publish that failed once would be lost. A `stale`, `superseded` or `deleted`
 * skip means a newer event owns the record and announces its own outcome.
 */
function speaksForTheRecord(outcome: IngestOutcome): boolean {
  if (outcome.status === 'skipped') return outcome.reason === 'duplicate';
  return true;
}

/**
 * Publish the record's event as it is stored now (read after the write, so the revision is the
 * one written and a record a newer event has already taken over is not announced as finished).
 */
async function publishStored(announcer: Announcer, id: string): Promise<void> {
  const stored = await announcer.records.readRevisioned(id);
  if (!stored) return;
  const event = outcomeEventOf(stored.record, stored.revision);
  if (event) await announcer.events.publish(event);
}

/**
 * Runs one attempt and announces its outcome, at least once: a failed publish becomes a
 * `RetryLaterError`, so the message is received again and (finding the record terminal) publishes
 * again. Consumers drop duplicates by (id, revision).
 */
export async function announced(
  announcer: Announcer | undefined,
  id: string,
  isLastAttempt: boolean,
  attempt: () => Promise<IngestOutcome>,
): Promise<IngestOutcome> {
  if (!announcer) return attempt();
  let outcome: IngestOutcome;
  try {
    outcome = await attempt();
  } catch (e: unknown) {
    // The last attempt marks the record `failed` before the message goes to the dead-letter queue.
    // The message fails either way; a redrive of it publishes again if this publish fails.
    if (isLastAttempt && e instanceof RetryLaterError)
      await publishStored(announcer, id).catch(() => undefined);
    throw e;
  }
  if (!speaksForTheRecord(outcome)) return outcome;
  try {
    await publishStored(announcer, id);
  } catch (e: unknown) {
    const failure = new EventPublishError(id, { cause: e });
    throw new RetryLaterError(`${failure.message} The message will be retried to publish it again.`, {
      cause: failure,
      code: 'internal',
    });
  }
  return outcome;
}
