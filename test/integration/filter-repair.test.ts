import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanRecords } from '../../cli/scan.ts';
import { createApiHandler } from '../../functions/api/app.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SourceInfo } from '../../lib/domain/record.ts';
import type { CompletedWork } from '../../lib/pipeline/ports.ts';
import { apiEvent } from '../support/api-events.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

// The filter index without transactions: an index item the record no longer owns never shows,
// and index work cut short (a crash, a failed request) is finished by the next delivery.

let env: TestDynamo;
let api: ReturnType<typeof createApiHandler>;
/** Requests this predicate matches fail, as if the function died just before sending them. */
let failing: (command: unknown) => boolean = () => false;

const source = (key: string): SourceInfo => ({
  bucket: 'articles',
  key,
  versionId: null,
  etag: `e-${key}`,
  size: 10,
  contentType: 'text/plain',
});

const work = (outlet: string, entity: string): CompletedWork => ({
  article: { title: 'عنوان', language: 'ar', publishedAt: '2025-05-05', outlet, wordCount: 3, related: [] },
  result: {
    summaries: { ar: { title: 'ملخص', summary: 'ملخص.', keyPoints: [] } },
    entities: [{ name: entity, type: 'organization' }],
    topics: ['أمن'],
    flags: [],
    model: { provider: 'extractive', name: 'test', promptVersion: 'p1' },
    usage: { inputTokens: 1, outputTokens: 1, llmCalls: 0 },
  },
  contentHash: `hash-${outlet}-${entity}`,
  text: 'نص.',
  reusedFrom: null,
  languages: ['ar'],
});

let store: TestStore;

async function ingest(key: string, owner: string, w: CompletedWork, now: Date): Promise<string> {
  const id = recordId('articles', key);
  const claim = await store.claim({
    id,
    source: source(key),
    sequencer: null,
    owner,
    leaseMs: 60_000,
    force: false,
    now,
  });
  if (claim.claimed) await store.complete(id, owner, w, now);
  return id;
}

const list = async (query: string): Promise<string[]> => {
  const res = (await api(apiEvent('GET', `/summaries?${query}`), {} as Context)) as {
    statusCode: number;
    body: string;
  };
  expect(res.statusCode, res.body).toBe(200);
  return (JSON.parse(res.body) as { items: { id: string }[] }).items.map((i) => i.id);
};
const count = async (kind: string, key: string): Promise<number> => {
  const res = (await api(apiEvent('GET', `/facets?kind=${kind}`), {} as Context)) as { body: string };
  const values = (JSON.parse(res.body) as { values: { key: string; count: number }[] }).values;
  return values.find((v) => v.key === key)?.count ?? 0;
};

beforeAll(async () => {
  env = await startTestDynamo();
  const real = env.client;
  const client = {
    send: (command: unknown) =>
      failing(command) ? Promise.reject(new Error('the function died here')) : real.send(command as never),
  } as unknown as DynamoDBDocumentClient;
  store = new TestStore({ client, tableName: env.tableName, cursorSecret: 'repair-secret-0123456789' });
  api = createApiHandler({ store: new TestStore({ client: real, tableName: env.tableName }) });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const inputOf = (command: unknown) => (command as { input: Record<string, unknown> }).input;
const isIndexPut = (command: unknown) =>
  command instanceof PutCommand && String((inputOf(command).Item as { pk: string }).pk).startsWith('ix#');
const isCounterWrite = (command: unknown) =>
  command instanceof UpdateCommand && String((inputOf(command).Key as { pk: string }).pk).startsWith('fc#');

describe('index and counter items beside the records', () => {
  it('never read as records, whatever the values (a topic called "record", an outlet called "years")', async () => {
    const id = await ingest(
      'repair/odd-values.txt',
      'm0',
      { ...work('years', 'record'), result: { ...work('years', 'record').result, topics: ['Record'] } },
      new Date('2025-05-01T00:00:00Z'),
    );

    const scanned: string[] = [];
    for await (const r of scanRecords(env.client, env.tableName, null)) scanned.push(r.id);

    expect(scanned).toEqual([id]);
    expect(await count('topic', 'record')).toBe(1);
    expect(await list('topic=record')).toEqual([id]);
  });
});

describe('filter index repair', () => {
  it('never returns a record through an index item the record does not own', async () => {
    const id = await ingest(
      'repair/owned.txt',
      'm1',
      work('Reuters', 'Interpol'),
      new Date('2025-06-01T00:00:00Z'),
    );
    const record = await store.get(id);
    // A stale item, as a crash between a reprocess and its cleanup would leave it.
    for (const pk of ['ix#o#الجزيره', 'ix#e#الامم المتحده']) {
      await env.client.send(
        new PutCommand({
          TableName: env.tableName,
          Item: { pk, sk: `c#${record?.createdAt}#${id}`, id, r: 1 },
        }),
      );
    }

    expect(await list(`outlet=${encodeURIComponent('الجزيرة')}`)).toEqual([]);
    expect(await list(`entity=${encodeURIComponent('الأمم المتحدة')}`)).toEqual([]);
    expect(await list('outlet=reuters')).toEqual([id]);
  });

  it('finishes index writes a crash cut short when the message is delivered again', async () => {
    const now = new Date('2025-06-02T00:00:00Z');
    failing = isIndexPut;
    const id = await ingest('repair/crash.txt', 'm2', work('Sky News', 'NATO'), now);
    failing = () => false;
    expect((await store.get(id))?.status).toBe('done');
    expect(await list('outlet=sky%20news')).toEqual([]);

    // Delivered again while the writer's lease could still run: the index is left to the writer.
    await ingest('repair/crash.txt', 'm2', work('Sky News', 'NATO'), new Date(now.getTime() + 30_000));
    expect(await list('outlet=sky%20news')).toEqual([]);
    // Delivered again after it (SQS's redelivery after a crash): a duplicate for the pipeline, a
    // repair for the index.
    await ingest('repair/crash.txt', 'm2', work('Sky News', 'NATO'), new Date(now.getTime() + 61_000));

    expect(await list('outlet=sky%20news')).toEqual([id]);
    expect(await list('entity=nato')).toEqual([id]);
    expect(await count('outlet', 'sky news')).toBe(1);
  });

  it('recounts a facet whose counter write was lost, without counting anything twice', async () => {
    const now = new Date('2025-06-03T00:00:00Z');
    await ingest('repair/count-a.txt', 'm3', work('Al Mayadeen', 'OPEC'), now);
    failing = isCounterWrite;
    await ingest('repair/count-b.txt', 'm4', work('Al Mayadeen', 'OPEC'), new Date('2025-06-04T00:00:00Z'));
    failing = () => false;
    expect(await count('outlet', 'al mayadeen')).toBe(1);

    for (const round of [1, 2]) {
      await ingest(
        'repair/count-b.txt',
        'm4',
        work('Al Mayadeen', 'OPEC'),
        new Date(`2025-06-04T00:0${round}:01Z`),
      );
      expect(await count('outlet', 'al mayadeen'), `delivery ${round}`).toBe(2);
      expect(await count('entity', 'opec'), `delivery ${round}`).toBe(2);
    }
    expect(await list('outlet=al%20mayadeen')).toHaveLength(2);
  });
});
