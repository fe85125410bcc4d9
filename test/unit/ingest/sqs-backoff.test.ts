import { Logger } from '@aws-lambda-powertools/logger';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SqsVisibilityBackoff } from '../../../functions/ingest/sqs-backoff.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/khulasa-ingest';
const record = { messageId: 'm-1', receiptHandle: 'receipt-1' };

describe('SqsVisibilityBackoff', () => {
  it('hides the message for an exponentially growing time', async () => {
    const sqs = mockClient(SQSClient);
    const backoff = new SqsVisibilityBackoff({
      queueUrl: QUEUE_URL,
      logger: new Logger(),
      sqs: new SQSClient({}),
    });

    await backoff.backoff(record, 1, new Error('503'));
    await backoff.backoff(record, 3, new Error('503'));

    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand);
    expect(calls[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'receipt-1',
      VisibilityTimeout: 30,
    });
    expect(calls[1]?.args[0].input.VisibilityTimeout).toBe(120);
  });

  it('waits at least as long as the LLM asked for', async () => {
    const sqs = mockClient(SQSClient);
    const backoff = new SqsVisibilityBackoff({
      queueUrl: QUEUE_URL,
      logger: new Logger(),
      sqs: new SQSClient({}),
    });

    await backoff.backoff(record, 1, new Error('429'), 95);

    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(95);
  });

  it('does not turn a failed visibility change into a second failure', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('ReceiptHandleIsInvalid'));
    const backoff = new SqsVisibilityBackoff({
      queueUrl: QUEUE_URL,
      logger: new Logger(),
      sqs: new SQSClient({}),
    });

    await expect(backoff.backoff(record, 1, new Error('503'))).resolves.toBeUndefined();
  });
});
