import { describe, expect, it } from 'vitest';
import type { OutcomeEvent } from '../../../lib/domain/outcome-event.ts';
import type { SummaryRecord } from '../../../lib/domain/record.ts';
import { type Announcer, announced } from '../../../lib/pipeline/announce.ts';
import { type IngestOutcome, RetryLaterError } from '../../../lib/pipeline/outcome.ts';

const record = (status: SummaryRecord['status']): SummaryRecord => ({
  id: 'rec-1',
  status,
  source: {
    bucket: 'articles',
    key: 'incoming/a.txt',
    versionId: null,
    etag: null,
    size: null,
    contentType: null,
  },
  article: null,
  summaries: {},
  entities: [],
  topics: [],
  quality: { flags: [] },
  model: null,
  usage: null,
  contentHash: null,
  schemaVersion: 1,
  error: status === 'failed' ? { code: 'llm_failed', message: 'The model did not answer.' } : null,
  createdAt: '2026-11-29T09:00:00.000Z',
  updatedAt: '2026-11-29T09:00:05.000Z',
});

/** An in-memory announcer: the stored record at a revision, and the events it was given. */
function announcer(stored: SummaryRecord | null, revision = 4, refuse = false) {
  const published: OutcomeEvent[] = [];
  const a: Announcer = {
    records: { readRevisioned: async () => (stored ? { record: stored, revision } : null) },
    events: {
      publish: async (event) => {
        if (refuse) throw new Error('bus unavailable');
        published.push(event);
      },
    },
  };
  return { a, published };
}

describe('announced', () => {
  it('publishes the failed record a last attempt wrote, then still fails the message', async () => {
    const { a, published } = announcer(record('failed'));
    const giveUp = new RetryLaterError('The model did not answer.', { code: 'llm_failed' });

    const run = announced(a, 'rec-1', true, async () => Promise.reject(giveUp));

    await expect(run).rejects.toBe(giveUp);
    expect(published.map((e) => [e['detail-type'], e.detail.revision, e.detail.errorCode])).toEqual([
      ['Summary Failed', 4, 'llm_failed'],
    ]);
  });

  it('keeps the last attempt error when its publish fails too', async () => {
    const { a } = announcer(record('failed'), 4, true);
    const giveUp = new RetryLaterError('The model did not answer.');

    await expect(announced(a, 'rec-1', true, async () => Promise.reject(giveUp))).rejects.toBe(giveUp);
  });

  it('publishes nothing while the message is only being retried', async () => {
    const { a, published } = announcer(record('processing'));
    const retry = new RetryLaterError('busy');

    await expect(announced(a, 'rec-1', false, async () => Promise.reject(retry))).rejects.toBe(retry);
    expect(published).toEqual([]);
  });

  it.each<IngestOutcome>([
    { status: 'skipped', id: 'rec-1', reason: 'stale' },
    { status: 'skipped', id: 'rec-1', reason: 'superseded' },
    { status: 'skipped', id: 'rec-1', reason: 'deleted' },
  ])('leaves a $reason skip to the newer event that owns the record', async (outcome) => {
    const { a, published } = announcer(record('done'));

    await expect(announced(a, 'rec-1', false, async () => outcome)).resolves.toBe(outcome);
    expect(published).toEqual([]);
  });

  it('does not announce a done outcome once a newer upload has taken the record over', async () => {
    const { a, published } = announcer(record('processing'));
    const done: IngestOutcome = {
      status: 'done',
      id: 'rec-1',
      reusedFrom: null,
      llmCalls: 1,
      inputTokens: 10,
      outputTokens: 5,
      flags: [],
    };

    await expect(announced(a, 'rec-1', false, async () => done)).resolves.toBe(done);
    expect(published).toEqual([]);
  });

  it('turns a refused publish into a retry of the message', async () => {
    const { a } = announcer(record('done'), 2, true);

    const run = announced(a, 'rec-1', false, async () => ({
      status: 'skipped',
      id: 'rec-1',
      reason: 'duplicate',
    }));

    await expect(run).rejects.toThrow(RetryLaterError);
    await expect(run).rejects.toThrow(/could not be published: bus unavailable/);
  });
});
