import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeOutcomeEvents } from '../../lib/adapters/eventbridge-events.ts';
import { createOutcomeEvents } from '../../lib/compose/events.ts';
import { loadEventsConfig } from '../../lib/config/events.ts';
import { recordId } from '../../lib/domain/id.ts';
import { type OutcomeDetail, outcomeEventOf } from '../../lib/domain/outcome-event.ts';
import { decodeS3Key } from '../../lib/events/s3-notification.ts';
import { DynamoIngestStore } from '../../lib/store/ingest-store.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { type EventBridgeTestServer, startEventBridgeTestServer } from '../support/eventbridge-server.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';

// The ingest handler publishing to a loopback EventBridge through the real SDK client, over the
// local S3 server and dynalite: a refused publish must bring the message back, and the redelivery
// (which finds the record already terminal) must publish the same outcome again.

const BUS = 'khulasa-test-bus';
const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;

let bus: EventBridgeTestServer;
let client: EventBridgeClient;
let rig: IngestRig;
let store: DynamoIngestStore;

beforeAll(async () => {
  bus = await startEventBridgeTestServer();
  client = new EventBridgeClient({
    endpoint: bus.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  rig = await startIngestRig({
    config: { MAX_RECEIVE_COUNT: '3' },
    events: new EventBridgeOutcomeEvents(client, BUS),
  });
  store = new DynamoIngestStore({ client: rig.ddb.client, tableName: rig.ddb.tableName });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await rig?.close();
  await bus?.close();
});

beforeEach(() => {
  bus.entries.length = 0;
});

const details = () =>
  bus.entries.map((e) => ({ accepted: e.accepted, ...(JSON.parse(e.Detail) as OutcomeDetail) }));
const storedRevision = async (key: string) => (await store.readRevisioned(recordId(BUCKET, key)))?.revision;

describe('outcome events on EventBridge', () => {
  it('publishes a done record again on redelivery after the first publish was refused', async () => {
    const key = 'incoming/events/solar.txt';
    const uploaded = await rig.upload(key, SOLAR_ARTICLE.bytes);
    bus.refuseNext(1);

    const first = await rig.ingest(rig.message('m-done', uploaded, 1), context);
    const second = await rig.ingest(rig.message('m-done', uploaded, 2), context);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-done' }]);
    expect(second.batchItemFailures).toEqual([]);
    const revision = await storedRevision(key);
    expect(details()).toEqual([
      expect.objectContaining({ accepted: false, status: 'done', revision }),
      expect.objectContaining({ accepted: true, status: 'done', revision }),
    ]);
    expect(bus.entries[1]).toMatchObject({
      EventBusName: BUS,
      Source: 'khulasa',
      DetailType: 'Summary Done',
    });
    expect(details()[1]).toMatchObject({
      id: recordId(BUCKET, key),
      key,
      title: SOLAR_ARTICLE.title,
      languages: expect.arrayContaining(['ar']),
      errorCode: null,
    });
  });

  it('never carries article or summary text', async () => {
    const key = 'incoming/events/solar-text.txt';
    const uploaded = await rig.upload(key, SOLAR_ARTICLE.bytes);

    await rig.ingest(rig.message('m-text', uploaded), context);

    expect(Object.keys(details()[0] ?? {}).sort()).toEqual(
      [
        'accepted',
        'bucket',
        'errorCode',
        'id',
        'key',
        'languages',
        'revision',
        'status',
        'title',
        'updatedAt',
      ].sort(),
    );
  });

  it('publishes a failed record with its error code, and again for a duplicate S3 delivery', async () => {
    const key = 'incoming/events/empty.txt';
    const uploaded = await rig.upload(key, '');

    const first = await rig.ingest(rig.message('m-empty', uploaded), context);
    const duplicate = await rig.ingest(rig.message('m-empty-again', uploaded), context);

    expect([first.batchItemFailures, duplicate.batchItemFailures]).toEqual([[], []]);
    const revision = await storedRevision(key);
    expect(bus.entries.map((e) => e.DetailType)).toEqual(['Summary Failed', 'Summary Failed']);
    expect(details()).toEqual([
      expect.objectContaining({ status: 'failed', errorCode: 'empty', revision, languages: [] }),
      expect.objectContaining({ status: 'failed', errorCode: 'empty', revision, languages: [] }),
    ]);
  });

  it('publishes a tombstone again after its publish was refused, with a newer revision than the done one', async () => {
    const key = 'incoming/events/deleted.txt';
    const uploaded = await rig.upload(key, SOLAR_ARTICLE.bytes);
    await rig.ingest(rig.message('m-created', uploaded), context);
    const doneRevision = await storedRevision(key);
    await rig.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const removed = rig.events.findLast(
      (e) => decodeS3Key(e.s3.object.key) === key && e.eventName.startsWith('ObjectRemoved'),
    );
    if (!removed) throw new Error('no ObjectRemoved event');
    bus.entries.length = 0;
    bus.refuseNext(1);

    const first = await rig.ingest(rig.message('m-removed', removed, 1), context);
    const second = await rig.ingest(rig.message('m-removed', removed, 2), context);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-removed' }]);
    expect(second.batchItemFailures).toEqual([]);
    const accepted = details().filter((d) => d.accepted);
    expect(accepted).toEqual([
      expect.objectContaining({ status: 'deleted', key, title: SOLAR_ARTICLE.title }),
    ]);
    expect(accepted[0]?.revision).toBe(await storedRevision(key));
    expect(accepted[0]?.revision).toBeGreaterThan(doneRevision ?? Number.POSITIVE_INFINITY);
    expect(bus.entries.map((e) => e.DetailType)).toEqual(['Summary Deleted', 'Summary Deleted']);
  });

  it('is what the composition root publishes to when EVENT_BUS_NAME is set', async () => {
    const key = 'incoming/events/composed.txt';
    await rig.ingest(rig.message('m-composed', await rig.upload(key, SOLAR_ARTICLE.bytes)), context);
    const stored = await store.readRevisioned(recordId(BUCKET, key));
    const event = stored && outcomeEventOf(stored.record, stored.revision);
    if (!event) throw new Error(`no terminal record for ${key}`);
    bus.entries.length = 0;
    const events = createOutcomeEvents(loadEventsConfig({ EVENT_BUS_NAME: 'KhulasaBus' }), {
      eventBridge: client,
    });

    await events?.publish(event);

    expect(bus.entries).toEqual([
      expect.objectContaining({ EventBusName: 'KhulasaBus', DetailType: 'Summary Done', accepted: true }),
    ]);
  });
});
