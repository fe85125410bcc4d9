import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** What the local queue knows of a message when it hands it to the function. */
export interface DeliveredMessage {
  messageId: string;
  body: string;
  messageAttributes: SQSMessageAttributes;
  sentTimestamp: number;
  receiveCount: number;
}

const queueArn = (region: string) => `arn:aws:sqs:${region}:000000000000:khulasa-local-ingest`;

/** The event Lambda's SQS event source mapping builds for a batch. */
export function toSqsEvent(batch: DeliveredMessage[], receivedAt: number, region: string): SQSEvent {
  return {
    Records: batch.map(
      (m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: `local-${m.messageId}-${m.receiveCount}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentTimestamp),
          SenderId: 'khulasa-local',
          ApproximateFirstReceiveTimestamp: String(receivedAt),
        },
        messageAttributes: m.messageAttributes,
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn(region),
        awsRegion: region,
      }),
    ),
  };
}

/** A Lambda context whose remaining time counts down from `startedAt` to the function timeout. */
export function lambdaContext(functionName: string, timeoutMs: number, startedAt: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, startedAt + timeoutMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Invokes an SQS handler as Lambda does, ending the invocation at the function timeout: the
 * returned promise then rejects with Lambda's own message, whatever the handler is still doing.
 */
export async function invokeWithTimeout(
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>,
  event: SQSEvent,
  timeoutMs: number,
  startedAt: number,
): Promise<SQSBatchResponse | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      handler(event, lambdaContext('khulasa-local-ingest', timeoutMs, startedAt)),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
