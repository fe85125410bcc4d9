import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { type IngestConfig, loadIngestConfig } from '../../lib/config/ingest.ts';
import { cachedSecret } from '../../lib/config/secrets.ts';
import { S3NotificationBodySchema } from '../../lib/events/s3-notification.ts';
import { retryDelaySeconds } from '../../lib/pipeline/backoff.ts';
import { createIngestArticle } from '../../lib/pipeline/compose.ts';
import type { IngestArticle } from '../../lib/pipeline/ingest.ts';
import { createDocumentClient } from '../../lib/store/clients.ts';
import { stageObserver } from './telemetry.ts';

/** What happens to a failed message before it goes back to the queue. */
export interface RetryPort {
  backoff(
    record: Pick<SQSRecord, 'messageId' | 'receiptHandle'>,
    receiveCount: number,
    error: unknown,
    retryAfterSeconds?: number,
  ): Promise<void>;
}

export interface IngestHandlerDeps {
  ingest: IngestArticle;
  processor: BatchProcessor;
  logger: Logger;
  metrics: Metrics;
  retries: RetryPort;
  maxReceiveCount: number;
}

/** Exponential backoff through `ChangeMessageVisibility`, instead of waiting out the full visibility timeout. */
export class SqsVisibilityBackoff implements RetryPort {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;
  private readonly logger: Logger;

  constructor(deps: { sqs: SQSClient; queueUrl: string; logger: Logger }) {
    this.sqs = deps.sqs;
    this.queueUrl = deps.queueUrl;
    this.logger = deps.logger;
  }

  async backoff(
    record: Pick<SQSRecord, 'messageId' | 'receiptHandle'>,
    receiveCount: number,
    _error: unknown,
    retryAfter?: number,
  ) {
    const seconds = retryDelaySeconds(receiveCount, {
      baseSeconds: 30,
      maxSeconds: 900,
      retryAfterSeconds: retryAfter,
    });
    try {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (e: unknown) {
      // The message still comes back after its visibility timeout; only the pacing is lost.
      this.logger.warn('Could not set the retry delay', { messageId: record.messageId, error: String(e) });
    }
  }
}

const noBackoff: RetryPort = { backoff: async () => undefined };

/** Module-scope wiring: config parsed once, clients created once per container. */
export function defaultDeps(
  overrides: Partial<IngestHandlerDeps> = {},
  config: IngestConfig = loadIngestConfig(),
): IngestHandlerDeps {
  const logger = overrides.logger ?? new Logger({ serviceName: 'khulasa-ingest' });
  const metrics = overrides.metrics ?? new Metrics({ namespace: 'khulasa', serviceName: 'khulasa-ingest' });
  const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  const loadApiKey = config.llm.apiKeySecretArn
    ? cachedSecret(new SecretsManagerClient({}), config.llm.apiKeySecretArn)
    : undefined;
  return {
    ingest: createIngestArticle(
      config,
      { s3, dynamo: createDocumentClient(), ...(loadApiKey ? { loadApiKey } : {}) },
      stageObserver(logger, metrics),
    ),
    processor: new BatchProcessor(EventType.SQS, {
      parser,
      innerSchema: S3NotificationBodySchema,
      transformer: 'json',
      logger,
    }),
    logger,
    metrics,
    retries: config.queueUrl
      ? new SqsVisibilityBackoff({ sqs: new SQSClient({}), queueUrl: config.queueUrl, logger })
      : noBackoff,
    maxReceiveCount: config.maxReceiveCount,
    ...overrides,
  };
}
