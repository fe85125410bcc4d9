import type { RecordStatus } from '../domain/record.ts';
import type { RecordItem } from './item.ts';

/** The stored state the claim decision depends on (internal attributes of the record item). */
export interface ClaimState {
  status: RecordStatus;
  sequencer: string | null;
  version: string | null;
  owner: string | null;
  leaseUntil: number | null;
  transient: boolean;
}

export interface ClaimAttempt {
  sequencer: string | null;
  version: string;
  owner: string;
  force: boolean;
  now: number;
}

export type ClaimDecision = 'claim' | 'stale' | 'duplicate' | 'in_progress' | 'deleted';

/**
 * -1 when the incoming event is newer than the stored one, 0 for the same object version,
 * 1 when it is older. Without a sequencer on both sides events cannot be ordered, so a
 * different etag/versionId counts as newer (it is content we have not processed).
 */
function compareToStored(stored: ClaimState, attempt: ClaimAttempt): -1 | 0 | 1 {
  if (stored.sequencer !== null && attempt.sequencer !== null) {
    if (attempt.sequencer > stored.sequencer) return -1;
    return attempt.sequencer < stored.sequencer ? 1 : 0;
  }
  return stored.version === attempt.version ? 0 : -1;
}

/** The claim decision, as a pure function so every branch is testable without a table. */
export function decideClaim(stored: ClaimState | null, attempt: ClaimAttempt): ClaimDecision {
  if (stored === null) return 'claim';
  const order = compareToStored(stored, attempt);
  if (order < 0) return 'claim';
  // A tombstone that is as new as this event (or newer) wins over any create event.
  if (stored.status === 'deleted') return 'deleted';
  if (order > 0) return 'stale';
  switch (stored.status) {
    case 'done':
      return attempt.force ? 'claim' : 'duplicate';
    case 'failed':
      return stored.transient || attempt.force ? 'claim' : 'duplicate';
    case 'processing':
      if (stored.owner === attempt.owner) return 'claim';
      if (stored.leaseUntil === null || stored.leaseUntil < attempt.now) return 'claim';
      return 'in_progress';
  }
}

export function claimState(item: RecordItem): ClaimState {
  return {
    status: item.status,
    sequencer: item.sequencer ?? null,
    version: item.version ?? null,
    owner: item.owner ?? null,
    leaseUntil: item.leaseUntil ?? null,
    transient: item.transient ?? false,
  };
}
