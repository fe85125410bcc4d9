import { PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { sqsEvent } from '../support/sqs-events.ts';

// The ingest handler (real S3 and DynamoDB emulators) given the three `ObjectRemoved` shapes S3
// sends: a delete marker, the permanent delete of one version, and a delete on an unversioned
// bucket. Written out here as S3 documents them, so the handler is tested against S3's shapes,
// not against the local S3 server's.

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;
const KEY = 'versions/solar.txt';
const ID = recordId(BUCKET, KEY);

/** An `ObjectRemoved` notification record exactly as S3 writes it (no size, no eTag). */
function removedRecord(eventName: string, sequencer: string, versionId?: string) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: '2026-03-01T10:00:00.000Z',
    eventName,
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '203.0.113.9' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'khulasa-ingest',
      bucket: {
        name: BUCKET,
        ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
        arn: `arn:aws:s3:::${BUCKET}`,
      },
      object: { key: 'versions/solar.txt', ...(versionId ? { versionId } : {}), sequencer },
    },
  };
}

describe('ObjectRemoved events tombstone a record only when its article is gone', () => {
  let rig: IngestRig;

  beforeEach(async () => {
    rig = await startIngestRig({ config: { MAX_RECEIVE_COUNT: '8' } });
  }, 60_000);

  afterEach(async () => {
    await rig?.close();
  });

  /** Two versions uploaded, the current one summarised; returns both version ids and its sequencer. */
  async function summariseTwoVersions() {
    await rig.s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const older = await rig.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'An older draft.' }),
    );
    const created = await rig.upload(KEY, SOLAR_ARTICLE.bytes);
    const response = await rig.ingest(rig.message('m-created', created), context);
    expect(response.batchItemFailures).toEqual([]);
    const record = await rig.store.get(ID);
    expect(record?.status).toBe('done');
    return {
      olderVersion: older.VersionId as string,
      currentVersion: created.s3.object.versionId as string,
      later: `${created.s3.object.sequencer}1`,
    };
  }

  const deliver = (record: ReturnType<typeof removedRecord>) =>
    rig.ingest(sqsEvent([{ id: 'm-removed', body: JSON.stringify({ Records: [record] }) }]), context);

  it('leaves the record as it is when a non-current version is deleted for good', async () => {
    const { olderVersion, currentVersion, later } = await summariseTwoVersions();

    const response = await deliver(removedRecord('ObjectRemoved:Delete', later, olderVersion));

    expect(response.batchItemFailures).toEqual([]);
    const record = await rig.store.get(ID);
    expect(record?.status).toBe('done');
    expect(record?.source.versionId).toBe(currentVersion);
  });

  it('tombstones the record when the version it summarises is deleted for good', async () => {
    const { currentVersion, later } = await summariseTwoVersions();

    const response = await deliver(removedRecord('ObjectRemoved:Delete', later, currentVersion));

    expect(response.batchItemFailures).toEqual([]);
    expect((await rig.store.get(ID))?.status).toBe('deleted');
  });

  it('tombstones the record when a delete marker hides the object', async () => {
    const { later } = await summariseTwoVersions();

    const response = await deliver(
      removedRecord('ObjectRemoved:DeleteMarkerCreated', later, 'marker-version-1'),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect((await rig.store.get(ID))?.status).toBe('deleted');
  });

  it('tombstones the record on a delete in an unversioned bucket (no versionId)', async () => {
    const created = await rig.upload(KEY, SOLAR_ARTICLE.bytes);
    await rig.ingest(rig.message('m-created', created), context);
    expect((await rig.store.get(ID))?.source.versionId).toBeNull();

    const response = await deliver(removedRecord('ObjectRemoved:Delete', `${created.s3.object.sequencer}1`));

    expect(response.batchItemFailures).toEqual([]);
    expect((await rig.store.get(ID))?.status).toBe('deleted');
  });
});
