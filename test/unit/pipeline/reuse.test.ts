import { describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../../../lib/domain/record.ts';
import type { SummaryResult } from '../../../lib/domain/summary.ts';
import type { Clock } from '../../../lib/pipeline/clock.ts';
import { RetryLaterError } from '../../../lib/pipeline/outcome.ts';
import type { ContentLeases, ContentWork, ReuseQuery } from '../../../lib/pipeline/ports.ts';
import { PaidResults, reuseOrLease, summarisesTheSame } from '../../../lib/pipeline/reuse.ts';

const query: ReuseQuery = {
  contentHash: 'h1',
  provider: 'openai',
  model: 'gpt-test',
  promptVersion: 'p1',
  languages: ['ar', 'en'],
};

const done = (over: Partial<SummaryRecord> = {}): SummaryRecord =>
  ({
    id: 'r1',
    status: 'done',
    contentHash: 'h1',
    model: { provider: 'openai', name: 'gpt-test', promptVersion: 'p1' },
    usage: { inputTokens: 1, outputTokens: 1, llmCalls: 1, reusedFrom: null },
    summaries: {
      ar: { title: 't', summary: 's', keyPoints: [] },
      en: { title: 't', summary: 's', keyPoints: [] },
    },
    quality: { flags: [] },
    ...over,
  }) as SummaryRecord;

describe('summarisesTheSame', () => {
  it('accepts a done record of the same content, settings and languages', () => {
    expect(summarisesTheSame(done(), query)).toBe(true);
  });

  it('counts a language flagged missing as asked for', () => {
    const arOnly = done({
      summaries: { ar: { title: 't', summary: 's', keyPoints: [] } },
      quality: { flags: ['missing_language:en'] },
    });

    expect(summarisesTheSame(arOnly, query)).toBe(true);
    expect(summarisesTheSame(arOnly, { ...query, languages: ['ar', 'en', 'fr'] })).toBe(false);
  });

  it('refuses other content, another prompt version or a record that is not done', () => {
    expect(summarisesTheSame(done({ contentHash: 'h2' }), query)).toBe(false);
    expect(summarisesTheSame(done(), { ...query, promptVersion: 'p2' })).toBe(false);
    expect(summarisesTheSame(done({ status: 'failed' }), query)).toBe(false);
  });
});

describe('PaidResults', () => {
  it('keeps the 200 most recent results and forgets the oldest', () => {
    const paid = new PaidResults();
    const result = {} as SummaryResult;
    for (let i = 0; i <= 200; i++) paid.remember(`k${i}`, { result, paidFor: `r${i}` });

    expect(paid.get('k0')).toBeUndefined();
    expect(paid.get('k1')?.paidFor).toBe('r1');
    expect(paid.get('k200')?.paidFor).toBe('r200');
  });
});

class StepClock implements Clock {
  ms = 0;
  now() {
    return new Date(this.ms);
  }
  async sleep(ms: number) {
    this.ms += ms;
  }
}

const leasesAnswering = (answers: ContentWork[]): ContentLeases & { asked: number } => ({
  asked: 0,
  async beginContentWork() {
    this.asked += 1;
    return answers.shift() ?? { status: 'busy' };
  },
  async savePaidResult() {},
  async endContentWork() {},
});

describe('reuseOrLease', () => {
  const attempt = { owner: 'm1', leaseMs: 60_000, waitMs: 2_000, isLastAttempt: false };

  it('stops waiting at the deadline even when the wait would last longer', async () => {
    const clock = new StepClock();
    const leases = leasesAnswering([]);

    await expect(reuseOrLease(leases, clock, query, { ...attempt, deadline: 1_000 })).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    expect(clock.ms).toBe(1_000);
    expect(leases.asked).toBe(3);
  });

  it('hands back the finished twin as soon as it appears', async () => {
    const clock = new StepClock();
    const record = done();
    const leases = leasesAnswering([{ status: 'busy' }, { status: 'busy' }, { status: 'reuse', record }]);

    const answer = await reuseOrLease(leases, clock, query, attempt);

    expect(answer).toEqual({ status: 'reuse', record });
    expect(clock.ms).toBe(1_000);
  });
});
