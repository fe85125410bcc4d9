import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../../infra/local/dynamodb.ts';
import { INDEXES } from '../../../lib/store/table-schema.ts';

// What a SIGKILL between dynalite's index write and its item write leaves behind, made by hand
// in the LevelDB folder while the emulator is stopped.
interface Level {
  open(): Promise<void>;
  close(): Promise<void>;
  iterator(range: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { Level } = fromDynalite('level') as { Level: new (p: string, o: object) => Level };

const tableName = 'summaries';
let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'khulasa-index-repair-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const clientFor = (endpoint: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    }),
  );

const item = (id: string, createdAt: string) => ({
  pk: id,
  sk: 'record',
  gsi1pk: 'all',
  gsi1sk: `${createdAt}#${id}`,
  sourceKey: `incoming/${id}.txt`,
  createdAt,
  status: 'done',
});

async function listed(endpoint: string): Promise<string[]> {
  const client = clientFor(endpoint);
  try {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEXES.byCreated.name,
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': 'all' },
      }),
    );
    return (out.Items ?? []).map((i) => `${i.pk}:${i.status}`);
  } finally {
    client.destroy();
  }
}

describe('local DynamoDB index repair at start', () => {
  it('drops index entries without their item and restores entries an item lost, so each record lists once', async () => {
    const first = await startLocalDynamo({ port: 0, directory, tableName });
    const client = clientFor(first.endpoint);
    for (const [id, at] of [
      ['a', '2026-01-01T00:00:01Z'],
      ['b', '2026-01-01T00:00:02Z'],
    ] as const) {
      await client.send(new PutCommand({ TableName: tableName, Item: item(id, at) }));
    }
    client.destroy();
    await first.close();
    // Arrange the damage: a ghost entry for a claim whose item was never written, and b's entry gone.
    const db = new Level(directory, { valueEncoding: 'json' });
    await db.open();
    const prefix = `index-global~${tableName}~${INDEXES.byCreated.name}~`;
    const entries: [string, unknown][] = [];
    for await (const entry of db.iterator({ gte: prefix, lt: `${prefix}\uffff` })) entries.push(entry);
    const [aEntry, bEntry] = entries;
    if (!aEntry || !bEntry) throw new Error('expected two index entries');
    await db.put(`${aEntry[0]}ghost`, { ...(aEntry[1] as object), status: { S: 'processing' } });
    await db.del(bEntry[0]);
    await db.close();

    const second = await startLocalDynamo({ port: 0, directory, tableName });
    try {
      expect(second.repairedIndexEntries).toBe(2);
      expect((await listed(second.endpoint)).sort()).toEqual(['a:done', 'b:done']);
    } finally {
      await second.close();
    }
  });

  it('changes nothing in a folder a clean stop left', async () => {
    const first = await startLocalDynamo({ port: 0, directory, tableName });
    const client = clientFor(first.endpoint);
    await client.send(new PutCommand({ TableName: tableName, Item: item('a', '2026-01-01T00:00:01Z') }));
    client.destroy();
    await first.close();

    const second = await startLocalDynamo({ port: 0, directory, tableName });
    try {
      expect(second.repairedIndexEntries).toBe(0);
      expect(await listed(second.endpoint)).toEqual(['a:done']);
    } finally {
      await second.close();
    }
  });
});
