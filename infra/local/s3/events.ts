/** S3 event notification records, shaped exactly like the ones S3 sends, with their sequencers. */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { S3EventRecord } from 'aws-lambda';
import { encodeS3EventKey } from '../s3-event-encoding.ts';

/**
 * A record shaped like the ones S3 puts in event notifications. Unlike `@types/aws-lambda`'s
 * `S3EventRecord`, `size` and `eTag` are optional: S3 omits both from `ObjectRemoved` records.
 */
export type S3EventNotificationRecord = Omit<S3EventRecord, 's3'> & {
  s3: Omit<S3EventRecord['s3'], 'object'> & {
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
};

type CreatedBy = 'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload';

export type StoreChange =
  | {
      kind: 'created';
      by: CreatedBy;
      bucket: string;
      key: string;
      size: number;
      eTag: string;
      /** Present when the bucket's versioning is enabled. */
      versionId?: string | undefined;
    }
  | {
      kind: 'removed';
      bucket: string;
      key: string;
      /** The delete marker created, or the version deleted; absent on an unversioned bucket. */
      versionId?: string | undefined;
      /** A simple DELETE on a versioned bucket: S3 reports `ObjectRemoved:DeleteMarkerCreated`. */
      markerCreated?: boolean;
    };

/**
 * Sequencers: 16 uppercase hex digits, strictly increasing within a run and across restarts —
 * milliseconds since the epoch shifted left 20 bits (room for a counter), never below the last
 * one handed out, which is kept in `file` in case the clock steps back between runs.
 */
export function sequencerFor(file: string, now: () => number = Date.now): () => string {
  let last = 0n;
  try {
    last = BigInt(`0x${readFileSync(file, 'utf8').trim()}`);
  } catch {
    // First run on this directory (or an unreadable file): the clock alone orders events.
  }
  return () => {
    const fromClock = BigInt(now()) << 20n;
    last = fromClock > last ? fromClock : last + 1n;
    const sequencer = last.toString(16).toUpperCase().padStart(16, '0');
    writeFileSync(file, sequencer);
    return sequencer;
  };
}

export function eventRecord(
  change: StoreChange,
  context: { region: string; sourceIp: string; requestId: string; sequencer: string },
): S3EventNotificationRecord {
  // S3's field order: key, size, eTag, versionId, sequencer; removals carry no size nor eTag.
  const version = change.versionId === undefined ? {} : { versionId: change.versionId };
  const object =
    change.kind === 'created'
      ? {
          key: encodeS3EventKey(change.key),
          size: change.size,
          eTag: change.eTag,
          ...version,
          sequencer: context.sequencer,
        }
      : { key: encodeS3EventKey(change.key), ...version, sequencer: context.sequencer };
  const eventName =
    change.kind === 'created'
      ? `ObjectCreated:${change.by}`
      : change.markerCreated
        ? 'ObjectRemoved:DeleteMarkerCreated'
        : 'ObjectRemoved:Delete';
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: context.region,
    eventTime: new Date().toISOString(),
    eventName,
    userIdentity: { principalId: 'AWS:KHULASALOCAL' },
    requestParameters: { sourceIPAddress: context.sourceIp },
    responseElements: {
      'x-amz-request-id': context.requestId,
      'x-amz-id-2': randomBytes(48).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'khulasa-local',
      bucket: {
        name: change.bucket,
        ownerIdentity: { principalId: 'KHULASALOCAL' },
        arn: `arn:aws:s3:::${change.bucket}`,
      },
      object,
    },
  };
}
