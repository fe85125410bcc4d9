import type { SQSMessageAttributes } from 'aws-lambda';
import { encodeS3EventKey } from '../infra/local/s3-event-encoding.ts';

/** What a re-run needs to know about the stored object version (the record's `source` plus its sequencer). */
export interface ReprocessSource {
  bucket: string;
  key: string;
  size: number | null;
  etag: string | null;
  versionId: string | null;
  /** The sequencer stored with the record: reusing it keeps the ordering rules (a newer upload still wins). */
  sequencer: string | null;
}

/** `force` makes the ingest handler claim a record even when it is `done`. */
export const FORCE_ATTRIBUTES: SQSMessageAttributes = {
  force: { dataType: 'String', stringValue: 'true' },
};

/**
 * An SQS message body shaped like the S3 notification of the stored object version, so a re-run
 * takes exactly the ingest path an upload takes. The key is encoded the way S3 encodes it (`+` for
 * spaces, percent-encoding), because the handler decodes it that way.
 */
export function notificationBody(source: ReprocessSource): string {
  const object: Record<string, string | number> = { key: encodeS3EventKey(source.key) };
  if (source.size !== null) object.size = source.size;
  if (source.etag !== null) object.eTag = source.etag;
  if (source.versionId !== null) object.versionId = source.versionId;
  if (source.sequencer !== null) object.sequencer = source.sequencer;
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: new Date().toISOString(),
        s3: { s3SchemaVersion: '1.0', bucket: { name: source.bucket }, object },
      },
    ],
  });
}

/** Dead-lettered messages go back with `force` added to whatever attributes they carried. */
export function withForce(attributes: SQSMessageAttributes | undefined): SQSMessageAttributes {
  return { ...(attributes ?? {}), ...FORCE_ATTRIBUTES };
}
