import type { BatchProcessor } from '@aws-lambda-powertools/batch';
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { objectEventsFrom, type S3NotificationBody } from '../../lib/events/s3-notification.ts';
import { RetryLaterError } from '../../lib/pipeline/ingest.ts';
import type { IngestHandlerDeps } from './deps.ts';

/** An SQS record after the batch processor parsed its body with the notification schema. */
type NotificationRecord = Omit<SQSRecord, 'body'> & { body: S3NotificationBody };

/**
 * SQS (S3 notifications) → the ingest use case, one record at a time. Records that throw are
 * reported in `batchItemFailures`, so only they come back from the queue.
 */
export function createIngestHandler(deps: IngestHandlerDeps) {
  const { ingest, processor, logger, retries } = deps;

  const recordHandler = async (record: NotificationRecord, context: Context): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const { events, ignored, test } = objectEventsFrom(record.body);
    if (test) {
      logger.info('Acknowledged s3:TestEvent', { messageId: record.messageId });
      return;
    }
    if (ignored > 0) logger.debug('Ignored non-article events', { messageId: record.messageId, ignored });

    for (const event of events) {
      const log = {
        messageId: record.messageId,
        key: event.key,
        bucket: event.bucket,
        attempt: receiveCount,
      };
      try {
        const outcome = await ingest.handle(event, {
          messageId: record.messageId,
          receiveCount,
          isLastAttempt: receiveCount >= deps.maxReceiveCount,
          force: record.messageAttributes?.force?.stringValue === 'true',
          deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - 5_000),
        });
        logger.info('Article processed', { ...log, ...outcome });
      } catch (e: unknown) {
        const retryAfter = e instanceof RetryLaterError ? e.retryAfterSeconds : undefined;
        logger.warn('Article will be retried', { ...log, error: e instanceof Error ? e.message : String(e) });
        await retries.backoff(record, receiveCount, e, retryAfter);
        throw e;
      }
    }
  };

  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor as BatchProcessor, {
      context,
      // Report every failed record instead of throwing: the queue retries exactly those.
      throwOnFullBatchFailure: false,
    }),
  );
}
