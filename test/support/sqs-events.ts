import type { SQSEvent } from 'aws-lambda';
import type { S3EventNotificationRecord } from '../../infra/local/s3-server.ts';

/** One SQS message as the event source mapping hands it to the ingest function. */
export interface TestMessage {
  id: string;
  body: string;
  receiveCount?: number;
}

/** An SQS event shaped as Lambda delivers it, for driving the ingest handler directly. */
export function sqsEvent(messages: TestMessage[]): SQSEvent {
  return {
    Records: messages.map(({ id, body, receiveCount = 1 }) => ({
      messageId: id,
      receiptHandle: `${id}-${receiveCount}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: 's3',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
      awsRegion: 'us-east-1',
    })),
  };
}

/** The body S3 puts in the queue for one object event. */
export const notificationBody = (record: S3EventNotificationRecord): string =>
  JSON.stringify({ Records: [record] });
