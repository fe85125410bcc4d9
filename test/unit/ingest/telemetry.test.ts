import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { recordOutcome, recordRetry } from '../../../functions/ingest/telemetry.ts';

const metricNames = (metrics: Metrics) => {
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  return Object.keys(emf).filter((k) => !['_aws', 'service'].includes(k));
};

describe('recordOutcome', () => {
  it('counts a done article with its LLM calls and tokens', () => {
    const metrics = new Metrics({ namespace: 'khulasa-test', serviceName: 'ingest' });

    recordOutcome(metrics, {
      status: 'done',
      id: 'x',
      reusedFrom: null,
      llmCalls: 2,
      inputTokens: 1200,
      outputTokens: 300,
      flags: [],
    });

    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
    expect(emf).toMatchObject({ ArticlesDone: 1, LlmCalls: 2, InputTokens: 1200, OutputTokens: 300 });
  });

  it('counts a reused summary and a skipped duplicate', () => {
    const metrics = new Metrics({ namespace: 'khulasa-test', serviceName: 'ingest' });

    recordOutcome(metrics, {
      status: 'done',
      id: 'x',
      reusedFrom: 'y',
      llmCalls: 0,
      inputTokens: 0,
      outputTokens: 0,
      flags: [],
    });
    recordOutcome(metrics, { status: 'skipped', id: 'x', reason: 'duplicate' });

    expect(metricNames(metrics)).toEqual(expect.arrayContaining(['SummariesReused', 'DuplicatesSkipped']));
  });

  it('counts the delete of an older object version apart from duplicates', () => {
    const metrics = new Metrics({ namespace: 'khulasa-test', serviceName: 'ingest' });

    recordOutcome(metrics, { status: 'skipped', id: 'x', reason: 'noncurrent_version' });

    expect(metricNames(metrics)).toEqual(['NoncurrentVersionDeletes']);
  });

  it('counts a failure', () => {
    const metrics = new Metrics({ namespace: 'khulasa-test', serviceName: 'ingest' });

    recordOutcome(metrics, { status: 'failed', id: 'x', code: 'empty' });

    expect(metrics.serializeMetrics()).toMatchObject({ ArticlesFailed: 1 });
  });
});

describe('recordRetry', () => {
  it('counts a retry, and once more under its error code', () => {
    const metrics = new Metrics({ namespace: 'khulasa-test', serviceName: 'ingest' });
    const single = { addDimension: vi.fn(), addMetric: vi.fn() };
    vi.spyOn(metrics, 'singleMetric').mockReturnValue(single as unknown as Metrics);

    recordRetry(metrics, 'llm_not_configured');

    expect(metrics.serializeMetrics()).toMatchObject({ ArticlesRetried: 1 });
    expect(single.addDimension).toHaveBeenCalledWith('ErrorCode', 'llm_not_configured');
    expect(single.addMetric).toHaveBeenCalledWith('ArticlesRetried', 'Count', 1);
  });
});

describe('stage timings of concurrent articles', () => {
  it('stay with their own article', async () => {
    const { stageObserver, withStageTimings } = await import('../../../functions/ingest/telemetry.ts');
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const observer = stageObserver(
      new Logger(),
      new Metrics({ namespace: 'khulasa-test', serviceName: 'ingest' }),
    );
    const article = async (readMs: number) => {
      await new Promise((r) => setTimeout(r, readMs % 7));
      observer.stage('read', readMs);
      await new Promise((r) => setTimeout(r, 5));
      observer.stage('summarise', readMs * 10);
    };

    const [a, b] = await Promise.all([
      withStageTimings(() => article(3)),
      withStageTimings(() => article(11)),
    ]);

    expect(a.timings).toEqual({ read: 3, summarise: 30 });
    expect(b.timings).toEqual({ read: 11, summarise: 110 });
  });
});
