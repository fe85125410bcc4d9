import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest/app.ts';
import { noBackoff } from '../../../functions/ingest/sqs-backoff.ts';
import type { IngestArticle } from '../../../lib/pipeline/ingest.ts';
import type { IngestOutcome } from '../../../lib/pipeline/outcome.ts';
import { sqsEvent } from '../../support/sqs-events.ts';

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;

/** A logger that keeps what each level was given. */
function recordingLogger() {
  const lines: { level: string; message: string; data: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, data: Record<string, unknown> = {}) =>
      void lines.push({ level, message, data });
  const logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    addContext: () => undefined,
    refreshSampleRateCalculation: () => undefined,
    resetKeys: () => undefined,
    logEventIfEnabled: () => undefined,
    getCorrelationId: () => undefined,
    setCorrelationId: () => undefined,
    shouldLogEvent: () => false,
    clearBuffer: () => undefined,
    flushBuffer: () => undefined,
  };
  return { lines, logger: logger as unknown as Logger };
}

async function run(outcome: IngestOutcome) {
  const { lines, logger } = recordingLogger();
  const ingest = { handle: async () => outcome } as unknown as IngestArticle;
  const handler = createIngestHandler({
    ingest,
    newProcessor: () => new BatchProcessor(EventType.SQS),
    logger,
    metrics: new Metrics({ namespace: 'test', serviceName: 'test', singleMetric: false }),
    retries: noBackoff,
    maxReceiveCount: 8,
  });
  const body = JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-11-29T12:00:00.000Z',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'articles' },
          object: { key: 'incoming/a.txt', size: 10 },
        },
      },
    ],
  });
  const event: SQSEvent = sqsEvent([{ id: 'm1', body }]);
  await handler(event, context);
  return lines;
}

describe('how the ingest function logs an outcome', () => {
  it('logs a failed article as a warning carrying the cause the record leaves out', async () => {
    const lines = await run({
      status: 'failed',
      id: 'r1',
      code: 'llm_failed',
      cause: 'Error: grammar too deep',
    });

    const failed = lines.find((l) => l.message === 'Article failed');
    expect(failed?.level).toBe('warn');
    expect(failed?.data).toMatchObject({
      code: 'llm_failed',
      cause: 'Error: grammar too deep',
      recordId: 'r1',
    });
  });

  it('logs a done article as information', async () => {
    const lines = await run({
      status: 'done',
      id: 'r2',
      reusedFrom: null,
      llmCalls: 1,
      inputTokens: 10,
      outputTokens: 5,
      flags: [],
    } as unknown as IngestOutcome);

    expect(lines.find((l) => l.message === 'Article processed')?.level).toBe('info');
    expect(lines.some((l) => l.message === 'Article failed')).toBe(false);
  });
});
