import { describe, expect, it } from 'vitest';
import { selectForReprocess } from '../../../cli/commands/reprocess.ts';
import type { ScannedRecord } from '../../../cli/scan.ts';
import type { Target } from '../../../cli/target.ts';

// A record left `processing` by a killed attempt must not stay out of reach for good.

const NOW = Date.parse('2026-11-29T12:00:00Z');

const record = (key: string, status: ScannedRecord['status'], leaseUntil: number | null): ScannedRecord => ({
  id: key,
  status,
  source: { bucket: 'articles', key, versionId: null, etag: 'e', size: 10, contentType: null },
  model: null,
  sequencer: null,
  updatedAt: '2026-11-29T11:00:00Z',
  leaseUntil,
});

const targetWith = (records: ScannedRecord[]) =>
  ({
    currentModel: async () => ({ provider: 'extractive', name: 'centrality-v1', promptVersion: 'p' }),
    async *scanRecords() {
      yield* records;
    },
  }) as unknown as Target;

describe('reprocess selection', () => {
  it('includes a processing record whose lease has expired and leaves one still held alone', async () => {
    const target = targetWith([
      record('abandoned.txt', 'processing', NOW - 1),
      record('busy.txt', 'processing', NOW + 60_000),
      record('unknown-lease.txt', 'processing', null),
      record('done.txt', 'done', null),
      record('gone.txt', 'deleted', null),
    ]);

    const chosen = await selectForReprocess(target, { stale: false, prefix: null, now: NOW });

    expect(chosen.map((r) => r.source.key)).toEqual(['abandoned.txt', 'done.txt']);
  });
});
