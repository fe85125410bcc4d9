import { describe, expect, it } from 'vitest';
import { type ClaimAttempt, type ClaimState, decideClaim } from '../../../lib/store/claim-rules.ts';
import { normaliseSequencer } from '../../../lib/store/sequencer.ts';

const seq = (s: string) => normaliseSequencer(s);
const NOW = 1_000_000;

function stored(over: Partial<ClaimState> = {}): ClaimState {
  return {
    status: 'done',
    sequencer: seq('0055AED6DCD90281E5'),
    version: 'etag|',
    owner: 'msg-1',
    leaseUntil: null,
    transient: false,
    ...over,
  };
}
function attempt(over: Partial<ClaimAttempt> = {}): ClaimAttempt {
  return {
    sequencer: seq('0055AED6DCD90281E5'),
    version: 'etag|',
    owner: 'msg-2',
    force: false,
    now: NOW,
    ...over,
  };
}

describe('decideClaim', () => {
  it('claims when there is no record yet', () => {
    expect(decideClaim(null, attempt())).toBe('claim');
  });

  it('treats the same done version as a duplicate unless forced', () => {
    expect(decideClaim(stored(), attempt())).toBe('duplicate');
    expect(decideClaim(stored(), attempt({ force: true }))).toBe('claim');
  });

  it('calls an older sequencer stale even when it is the shorter string', () => {
    expect(decideClaim(stored(), attempt({ sequencer: seq('0055AED6DCD90281E') }))).toBe('stale');
    expect(decideClaim(stored(), attempt({ sequencer: seq('0055AED6DCD90281E4'), force: true }))).toBe(
      'stale',
    );
  });

  it('lets a newer sequencer claim over done, failed and deleted records', () => {
    const newer = attempt({ sequencer: seq('0055AED6DCD90281E6') });
    for (const status of ['done', 'failed', 'deleted', 'processing'] as const) {
      expect(decideClaim(stored({ status, leaseUntil: NOW + 10_000 }), newer)).toBe('claim');
    }
  });

  it('reports deleted for events no newer than the tombstone', () => {
    expect(decideClaim(stored({ status: 'deleted' }), attempt())).toBe('deleted');
    expect(decideClaim(stored({ status: 'deleted' }), attempt({ sequencer: seq('00'), force: true }))).toBe(
      'deleted',
    );
  });

  it('lets the same owner reclaim and others take over only an expired lease', () => {
    const processing = stored({ status: 'processing', leaseUntil: NOW + 1 });
    expect(decideClaim(processing, attempt({ owner: 'msg-1' }))).toBe('claim');
    expect(decideClaim(processing, attempt())).toBe('in_progress');
    expect(decideClaim(processing, attempt({ force: true }))).toBe('in_progress');
    expect(decideClaim({ ...processing, leaseUntil: NOW - 1 }, attempt())).toBe('claim');
  });

  it('reclaims transient failures and treats terminal ones as duplicates unless forced', () => {
    expect(decideClaim(stored({ status: 'failed', transient: true }), attempt())).toBe('claim');
    expect(decideClaim(stored({ status: 'failed' }), attempt())).toBe('duplicate');
    expect(decideClaim(stored({ status: 'failed' }), attempt({ force: true }))).toBe('claim');
  });

  it('falls back to etag and versionId identity without sequencers', () => {
    const noSeq = stored({ sequencer: null });
    expect(decideClaim(noSeq, attempt({ sequencer: null }))).toBe('duplicate');
    expect(decideClaim(noSeq, attempt({ sequencer: null, version: 'etag2|' }))).toBe('claim');
  });
});
