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
    await notes.put('notes:p1:abc', { facts: ['الإنتربول يحذر', '66 دولة'] });

    expect(await notes.get('notes:p1:abc')).toEqual({ facts: ['الإنتربول يحذر', '66 دولة'] });
    expect(await notes.get('notes:p1:other')).toBeNull();
    expect(await store.notesFor('record-b').get('notes:p1:abc')).toBeNull();
  });

  it('clears every note of the record and leaves the record item and other records alone', async () => {
    const notes = store.notesFor('record-c');
    for (let i = 0; i < 30; i++) await notes.put(`notes:p1:${i}`, { facts: [String(i)] });
    await store.notesFor('record-d').put('notes:p1:0', { facts: ['keep'] });

    await notes.clear();

    expect(await notes.get('notes:p1:5')).toBeNull();
    expect(await store.notesFor('record-d').get('notes:p1:0')).toEqual({ facts: ['keep'] });
  });
});
