import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { retryDelaySeconds } from '../../lib/pipeline/backoff.ts';

/** What happens to a failed message before it goes back to the queue. */
export interface RetryPort {
  backoff(
    record: Pick<SQSRecord, 'messageId' | 'receiptHandle'>,
    receiveCount: number,
    error: unknown,
    retryAfterSeconds?: number,
  ): Promise<void>;
}

type SqsSdk = typeof import('@aws-sdk/client-sqs');

/**
 * Exponential backoff through `ChangeMessageVisibility`, instead of waiting out the full
 * visibility timeout. The SQS client is created on the first failure: a healthy cold start
 * never loads it.
 */
export class SqsVisibilityBackoff implements RetryPort {
  private readonly queueUrl: string;
  private readonly logger: Logger;
  private readonly policy: { baseSeconds: number; maxSeconds: number };
  private sqs: SQSClient | undefined;
  private sdk: Promise<SqsSdk> | null = null;

  constructor(deps: {
    queueUrl: string;
    logger: Logger;
    sqs?: SQSClient;
    /** @default 30 s doubling up to 900 s, the CDK stack's policy */
    policy?: { baseSeconds: number; maxSeconds: number };
  }) {
    this.queueUrl = deps.queueUrl;
    this.logger = deps.logger;
    this.sqs = deps.sqs;
    this.policy = deps.policy ?? { baseSeconds: 30, maxSeconds: 900 };
  }

  async backoff(
    record: Pick<SQSRecord, 'messageId' | 'receiptHandle'>,
    receiveCount: number,
    _error: unknown,
    retryAfter?: number,
  ): Promise<void> {
    const seconds = retryDelaySeconds(receiveCount, { ...this.policy, retryAfterSeconds: retryAfter });
    try {
      this.sdk ??= import('@aws-sdk/client-sqs');
      const { SQSClient, ChangeMessageVisibilityCommand } = await this.sdk;
      this.sqs ??= new SQSClient({});
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

/** Without a queue URL (a test, a local run) the queue's own redelivery delay applies. */
export const noBackoff: RetryPort = { backoff: async () => undefined };
