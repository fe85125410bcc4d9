import { encodeS3EventKey } from '../../../infra/local/s3-event-encoding.ts';

/** A sequencer later than any the local S3 has handed out (it uses ms since the epoch << 20). */
export const futureSequencer = (aheadMs = 3_600_000): string =>
  (BigInt(Date.now() + aheadMs) << 20n).toString(16).toUpperCase().padStart(16, '0');

/** One S3 event notification record, shaped and key-encoded the way S3 sends it. */
export function s3Record(options: {
  eventName: string;
  key: string;
  bucket?: string;
  size?: number;
  eTag?: string;
  sequencer?: string;
}) {
  const bucket = options.bucket ?? 'articles';
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: options.eventName,
    userIdentity: { principalId: 'AWS:RELIABILITY' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'RELIABILITY', 'x-amz-id-2': 'reliability' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'khulasa-reliability',
      bucket: { name: bucket, ownerIdentity: { principalId: 'RELIABILITY' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeS3EventKey(options.key),
        ...(options.size === undefined ? {} : { size: options.size }),
        ...(options.eTag === undefined ? {} : { eTag: options.eTag }),
        sequencer: options.sequencer ?? futureSequencer(),
      },
    },
  };
}

/** The `s3:TestEvent` S3 sends once when a notification configuration is saved. */
export const testEventBody = (bucket = 'articles'): string =>
  JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date().toISOString(),
    Bucket: bucket,
    RequestId: 'RELIABILITY',
    HostId: 'reliability',
  });

export const notificationBody = (...records: ReturnType<typeof s3Record>[]): string =>
  JSON.stringify({ Records: records });
