import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareObj } from '@middy/core';
import { createOutcomeEvents } from '../../lib/compose/events.ts';
import { createIngestArticle, type IngestClients } from '../../lib/compose/ingest.ts';
import { loadEventsConfig } from '../../lib/config/events.ts';
import { type IngestConfig, loadIngestConfig } from '../../lib/config/ingest.ts';
import { cachedSecret } from '../../lib/config/secrets.ts';
import type { IngestArticle } from '../../lib/pipeline/ingest.ts';
import { createDocumentClient } from '../../lib/store/clients.ts';
import { lazyTracing } from '../../lib/telemetry/tracing.ts';
import { noBackoff, type RetryPort, SqsVisibilityBackoff } from './sqs-backoff.ts';
import { stageObserver } from './telemetry.ts';

export interface IngestHandlerDeps {
  ingest: IngestArticle;
  /**
   * A batch processor for one invocation. Its state (records, failures) belongs to that
   * invocation: one shared across concurrent invocations of the same module (the local stack,
   * tests) would report one batch's failures as another's successes.
   */
  newProcessor: () => BatchProcessor;
  logger: Logger;
  metrics: Metrics;
  retries: RetryPort;
  maxReceiveCount: number;
  /** X-Ray through Powertools Tracer (loaded on the first sampled invocation); none in tests unless given. */
  tracing?: MiddlewareObj;
}

/**
 * Module-scope wiring: config parsed once, clients created once per container. Tests and the local
 * stack may pass their own clients (pointed at emulators) instead of setting endpoint variables.
 */
export function defaultDeps(
  overrides: Partial<IngestHandlerDeps> = {},
  config: IngestConfig = loadIngestConfig(),
  clients: Partial<Pick<IngestClients, 's3' | 'dynamo' | 'events'>> = {},
): IngestHandlerDeps {
  const logger = overrides.logger ?? new Logger({ serviceName: 'khulasa-ingest' });
  const metrics = overrides.metrics ?? new Metrics({ namespace: 'khulasa', serviceName: 'khulasa-ingest' });
  // No request timeout by default in the SDK; a stalled read must fail and be retried, not hang.
  const s3 =
    clients.s3 ??
    new S3Client({
      forcePathStyle: config.s3ForcePathStyle,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
    });
  const dynamo = clients.dynamo ?? createDocumentClient();
  const loadApiKey = config.llm.apiKeySecretArn ? cachedSecret(config.llm.apiKeySecretArn) : undefined;
  return {
    ingest: createIngestArticle(
      config,
      {
        s3,
        dynamo,
        ...(loadApiKey ? { loadApiKey } : {}),
        events: clients.events === undefined ? createOutcomeEvents(loadEventsConfig()) : clients.events,
      },
      stageObserver(logger, metrics),
    ),
    newProcessor: () =>
      // No Powertools parser: its helpers load classic zod (~500 KB) into every cold start. The
      // record handler parses the body itself with the zod/mini notification schema.
      new BatchProcessor(EventType.SQS),
    logger,
    metrics,
    retries: config.queueUrl
      ? new SqsVisibilityBackoff({ queueUrl: config.queueUrl, logger, policy: config.retryBackoff })
      : noBackoff,
    maxReceiveCount: config.maxReceiveCount,
    tracing: lazyTracing({ serviceName: 'khulasa-ingest', clients: [s3, dynamo] }),
    ...overrides,
  };
}
