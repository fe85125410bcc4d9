import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

let ddb: TestDynamo;
let store: TestStore;

beforeAll(async () => {
  ddb = await startTestDynamo();
  store = new TestStore({ client: ddb.client, tableName: ddb.tableName });
}, 60_000);
afterAll(async () => {
  await ddb?.close();
});

describe('chunk notes kept beside the record', () => {
  it('returns what was put, per record, and nothing for an unknown key', async () => {
    const notes = store.notesFor('record-a');
    await notes.put('notes:p1:abc', { facts: ['محطة للطاقة الشمسية', '300 ميغاواط'] });

    expect(await notes.get('notes:p1:abc')).toEqual({ facts: ['محطة للطاقة الشمسية', '300 ميغاواط'] });
    expect(await notes.get('notes:p1:other')).toBeNull();
    expect(await store.notesFor('record-b').get('notes:p1:abc')).toBeNull();
  });

  it('clears every note of the record and leaves the record item and other records alone', async () => {
    const source = {
      bucket: 'articles',
      key: 'c.txt',
      versionId: null,
      etag: 'e',
      size: 1,
      contentType: null,
    };
    const now = new Date('2026-03-01T10:00:00Z');
    await store.claim({
      id: 'record-c',
      source,
      sequencer: null,
      owner: 'm-c',
      leaseMs: 60_000,
      force: false,
      now,
    });
    const notes = store.notesFor('record-c');
    for (let i = 0; i < 30; i++) await notes.put(`notes:p1:${i}`, { facts: [String(i)] });
    await store.notesFor('record-d').put('notes:p1:0', { facts: ['keep'] });

    await notes.clear();

    const left = await ddb.client.send(
      new QueryCommand({
        TableName: ddb.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': 'record-c', ':note': 'note#' },
      }),
    );
    expect(left.Items).toEqual([]);
    expect((await store.get('record-c'))?.status).toBe('processing');
    expect(await store.notesFor('record-d').get('notes:p1:0')).toEqual({ facts: ['keep'] });
  });
});
