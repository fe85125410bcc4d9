import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ErrorCode } from '../../lib/domain/error-codes.ts';
import type { IngestObserver, IngestStage } from '../../lib/pipeline/ingest.ts';
import type { IngestOutcome } from '../../lib/pipeline/outcome.ts';

const STAGE_METRIC: Record<IngestStage, string> = {
  read: 'ReadDuration',
  prepare: 'PrepareDuration',
  summarise: 'SummariseDuration',
  store: 'StoreDuration',
};

/**
 * The stage timings of the article being processed. The batch processor runs a batch's records
 * concurrently, so each record's timings live in its own async context, not in shared state.
 */
const articleTimings = new AsyncLocalStorage<Partial<Record<IngestStage, number>>>();

/** Run one article's work, collecting its stage timings (ms) for its log line. */
export async function withStageTimings<T>(
  work: () => Promise<T>,
): Promise<{ result: T; timings: Partial<Record<IngestStage, number>> }> {
  const timings: Partial<Record<IngestStage, number>> = {};
  const result = await articleTimings.run(timings, work);
  return { result, timings };
}

/** Stage timings as metrics (EMF), and onto the current article's log line; never the article text. */
export function stageObserver(logger: Logger, metrics: Metrics): IngestObserver {
  return {
    stage(name, ms) {
      const rounded = Math.round(ms);
      metrics.addMetric(STAGE_METRIC[name], MetricUnit.Milliseconds, rounded);
      const timings = articleTimings.getStore();
      if (timings) timings[name] = (timings[name] ?? 0) + rounded;
      logger.debug('Stage finished', { stage: name, durationMs: rounded });
    },
  };
}

/** One outcome as the operator's metrics: done/failed by code, LLM calls, tokens, duplicates. */
export function recordOutcome(metrics: Metrics, outcome: IngestOutcome): void {
  switch (outcome.status) {
    case 'done':
      metrics.addMetric('ArticlesDone', MetricUnit.Count, 1);
      metrics.addMetric('LlmCalls', MetricUnit.Count, outcome.llmCalls);
      metrics.addMetric('InputTokens', MetricUnit.Count, outcome.inputTokens);
      metrics.addMetric('OutputTokens', MetricUnit.Count, outcome.outputTokens);
      if (outcome.reusedFrom) metrics.addMetric('SummariesReused', MetricUnit.Count, 1);
      if (outcome.flags.length > 0) metrics.addMetric('QualityFlags', MetricUnit.Count, outcome.flags.length);
      break;
    case 'failed': {
      // Per-code counts need their own dimension, so they go out as single metrics.
      const single = metrics.singleMetric();
      single.addDimension('ErrorCode', outcome.code);
      single.addMetric('ArticlesFailed', MetricUnit.Count, 1);
      metrics.addMetric('ArticlesFailed', MetricUnit.Count, 1);
      break;
    }
    case 'deleted':
      metrics.addMetric('ArticlesDeleted', MetricUnit.Count, 1);
      break;
    case 'skipped':
      // Deleting an old version is not a duplicate: counted apart, so DuplicatesSkipped stays meaningful.
      if (outcome.reason === 'noncurrent_version')
        metrics.addMetric('NoncurrentVersionDeletes', MetricUnit.Count, 1);
      else metrics.addMetric('DuplicatesSkipped', MetricUnit.Count, 1);
      break;
  }
}

/**
 * A message going back to the queue, counted by cause: `llm_not_configured` on every attempt is
 * what the missing-key alarm watches, long before anything reaches the dead-letter queue.
 */
export function recordRetry(metrics: Metrics, code: ErrorCode | null): void {
  metrics.addMetric('ArticlesRetried', MetricUnit.Count, 1);
  if (code === null) return;
  const single = metrics.singleMetric();
  single.addDimension('ErrorCode', code);
  single.addMetric('ArticlesRetried', MetricUnit.Count, 1);
}
