import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { InvalidNotificationError, parseS3NotificationBody } from '../../lib/events/s3-notification.ts';
import { describeCause, RetryLaterError } from '../../lib/pipeline/outcome.ts';
import type { IngestHandlerDeps } from './deps.ts';
import { recordOutcome, recordRetry, withStageTimings } from './telemetry.ts';

/**
 * SQS (S3 notifications) → the ingest use case; the batch processor runs a batch's records
 * concurrently (the SQS event source's batch size × its maximum concurrency is the LLM
 * concurrency). Records that throw are
 * reported in `batchItemFailures`, so only they come back from the queue.
 */
export function createIngestHandler(deps: IngestHandlerDeps) {
  const { ingest, newProcessor, logger, metrics, retries } = deps;

  // The raw SQS record: its body is parsed here, so a malformed one fails only its own batch item.
  const recordHandler = async (record: SQSRecord, context: Context): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const parsed = parseS3NotificationBody(record.body);
    // Not retried by backoff: the same body fails the same way; the queue's redrive ends it in the DLQ.
    if (parsed.type === 'invalid') {
      logger.warn('Message is not an S3 notification', {
        messageId: record.messageId,
        reason: parsed.reason,
      });
      throw new InvalidNotificationError(record.messageId, parsed.reason);
    }
    if (parsed.type === 'test') {
      logger.info('Acknowledged s3:TestEvent', { messageId: record.messageId });
      return;
    }
    const { events, ignored } = parsed;
    if (ignored > 0) logger.debug('Ignored non-article events', { messageId: record.messageId, ignored });

    for (const event of events) {
      // Passed with every line rather than appended to the shared logger: the batch processor
      // runs a batch's records concurrently, so appended keys would leak between articles.
      const keys = {
        messageId: record.messageId,
        key: event.key,
        bucket: event.bucket,
        attempt: receiveCount,
      };
      try {
        const { result: outcome, timings } = await withStageTimings(() =>
          ingest.handle(event, {
            messageId: record.messageId,
            receiveCount,
            isLastAttempt: receiveCount >= deps.maxReceiveCount,
            force: record.messageAttributes?.force?.stringValue === 'true',
            deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - 5_000),
          }),
        );
        recordOutcome(metrics, outcome);
        if (outcome.status === 'skipped' && outcome.reason === 'noncurrent_version') {
          logger.info('A non-current object version was deleted; the record is unchanged', {
            ...keys,
            versionId: event.versionId,
            recordId: outcome.id,
          });
        } else if (outcome.status === 'failed') {
          // Someone has to act on a failed article; its cause (a parser's or LLM server's own words,
          // kept out of the record) is what they need, so it is a warning, not an info line.
          logger.warn('Article failed', { ...keys, ...outcome, recordId: outcome.id, stageMs: timings });
        } else
          logger.info('Article processed', { ...keys, ...outcome, recordId: outcome.id, stageMs: timings });
      } catch (e: unknown) {
        const retryAfter = e instanceof RetryLaterError ? e.retryAfterSeconds : undefined;
        recordRetry(metrics, e instanceof RetryLaterError ? e.code : 'internal');
        logger.warn('Article will be retried', {
          error: e instanceof Error ? e.message : String(e),
          cause: describeCause(e),
          retryAfter,
        });
        await retries.backoff(record, receiveCount, e, retryAfter);
        throw e;
      }
    }
  };

  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, newProcessor(), {
      context,
      // Report every failed record instead of throwing: the queue retries exactly those.
      throwOnFullBatchFailure: false,
    }),
  )
    .use(deps.tracing ? [deps.tracing] : [])
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
