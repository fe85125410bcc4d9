import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { reindexRecords } from '../../lib/store/reindex.ts';
import { apiEvent } from '../support/api-events.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import {
  type Article,
  corpus,
  expectedFacets,
  expectedFor,
  type FilterCase,
  sourceOf,
  writeArticle,
} from '../support/filter-corpus.ts';
import { TestStore } from '../support/store.ts';

// Records written through the store, then stripped of their index state and index items with raw
// DynamoDB calls, as a table written before filters existed holds them; the backfill must make
// every filter and facet count exact again, and a second run must find nothing to do.

const LEASE_MS = 60_000;

let env: TestDynamo;
let store: TestStore;
let api: ReturnType<typeof createApiHandler>;
/** Requests this predicate matches fail, as if the writer died just before sending them. */
let failing: (command: unknown) => boolean = () => false;
const articles: (Article & { id: string })[] = [];

const write = (a: Article, owner: string, now: Date, force = false): Promise<string> =>
  writeArticle(store, a, { owner, now, force, leaseMs: LEASE_MS });

/** Every index item and counter deleted, `ixk`/`ixp` removed: the table as it was before filters. */
async function stripIndex(): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await env.client.send(
      new ScanCommand({ TableName: env.tableName, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }),
    );
    for (const { pk, sk } of (page.Items ?? []) as { pk: string; sk: string }[]) {
      if (sk === 'record')
        await env.client.send(
          new UpdateCommand({
            TableName: env.tableName,
            Key: { pk, sk },
            UpdateExpression: 'REMOVE ixk, ixp',
          }),
        );
      else if (/^(ix|fc)#/.test(pk) || pk === 'ix#d')
        await env.client.send(new DeleteCommand({ TableName: env.tableName, Key: { pk, sk } }));
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

const call = async (url: string) =>
  (await api(apiEvent('GET', url), {} as Context)) as { statusCode: number; body: string };

async function walk(params: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await call(
      `/summaries?${new URLSearchParams({ ...params, limit: '100', ...(cursor ? { cursor } : {}) })}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = JSON.parse(res.body) as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('the walk did not end');
}

async function facets(kind: 'outlet' | 'entity' | 'topic'): Promise<Record<string, number>> {
  const res = await call(`/facets?kind=${kind}&limit=100`);
  expect(res.statusCode, res.body).toBe(200);
  const body = JSON.parse(res.body) as { values: { key: string; count: number }[] };
  return Object.fromEntries(body.values.map((v) => [v.key, v.count]));
}

const CASES: FilterCase[] = [
  { params: { outlet: 'الجزيرة' }, outletKey: 'الجزيره' },
  { params: { outlet: 'REUTERS' }, outletKey: 'reuters' },
  { params: { entity: 'interpol' }, entityKey: 'interpol' },
  { params: { topic: 'سياسة' }, topicKey: 'سياسه' },
  { params: { from: '2025-03-01', to: '2025-08-31' } },
  { params: { outlet: 'العربية', entity: 'Interpol' }, outletKey: 'العربيه', entityKey: 'interpol' },
];

async function expectIndexExact(): Promise<void> {
  for (const c of CASES)
    expect(await walk(c.params), JSON.stringify(c.params)).toEqual(expectedFor(articles, c));
  for (const kind of ['outlet', 'entity', 'topic'] as const)
    expect(await facets(kind), kind).toEqual(expectedFacets(articles, kind));
}

/** Whether the article owns any index item: a value, or a date (written out from the corpus, not computed). */
const ownsItems = (a: Article) =>
  a.outletKey !== null || a.entityKeys.size > 0 || a.topicKeys.size > 0 || a.publishedAt !== null;

beforeAll(async () => {
  env = await startTestDynamo();
  const real = env.client;
  const client = {
    send: (command: unknown) =>
      failing(command) ? Promise.reject(new Error('the writer died here')) : real.send(command as never),
  } as unknown as DynamoDBDocumentClient;
  store = new TestStore({ client, tableName: env.tableName, cursorSecret: 'reindex-secret-0123456789' });
  api = createApiHandler({ store: new TestStore({ client: real, tableName: env.tableName }) });
  // One record owns nothing (failed before anything was read): lists nothing, and needs nothing.
  const nothing = (a: Article): Article => ({
    ...a,
    status: 'failed',
    outlet: null,
    outletKey: null,
    publishedAt: null,
    entities: [],
    entityKeys: new Set(),
    topics: [],
    topicKeys: new Set(),
  });
  for (const [i, a] of corpus(60).entries()) {
    const article = i === 5 ? nothing(a) : a;
    articles.push({ ...article, id: await write(article, `m-${a.key}`, new Date(a.createdAt)) });
  }
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('reindexing records written before the filter index', () => {
  it('makes every filter and facet count exact, and a second run changes nothing', async () => {
    await stripIndex();
    expect(await walk({ outlet: 'REUTERS' })).toEqual([]);
    expect(await facets('outlet')).toEqual({});

    const first = await reindexRecords(env, { leaseMs: LEASE_MS, now: new Date() });

    expect(first).toEqual({ scanned: 60, reindexed: articles.filter(ownsItems).length });
    expect(articles.filter(ownsItems)).toHaveLength(59);
    await expectIndexExact();

    const second = await reindexRecords(env, { leaseMs: LEASE_MS, now: new Date() });

    expect(second).toEqual({ scanned: 60, reindexed: 0 });
    await expectIndexExact();
  });
});

const isIndexWrite = (command: unknown) => {
  const input = (command as { input: { Item?: { pk?: string }; Key?: { pk?: string } } }).input;
  const pk = String(input.Item?.pk ?? input.Key?.pk ?? '');
  return (
    (command instanceof PutCommand || command instanceof DeleteCommand || command instanceof UpdateCommand) &&
    /^(ix|fc)#/.test(pk)
  );
};

describe('reindexing records whose index sync was cut short with no later event', () => {
  it('leaves a pending index to its writer while the lease runs, then finishes it exactly', async () => {
    const before = articles.find(
      (a) => a.status === 'done' && a.outletKey === 'reuters' && a.topicKeys.size > 0,
    );
    if (!before) throw new Error('the corpus has no such record');
    const after: Article & { id: string } = { ...before, outlet: 'الجزيرة', outletKey: 'الجزيره' };
    const writtenAt = new Date();
    failing = isIndexWrite;
    await write(after, 'reprocess-1', writtenAt, true);
    failing = () => false;
    articles.splice(articles.indexOf(before), 1, after);
    expect(await walk({ outlet: 'الجزيرة' })).not.toContain(after.id);

    const during = await reindexRecords(env, {
      leaseMs: LEASE_MS,
      now: new Date(writtenAt.getTime() + 30_000),
    });
    expect(during.reindexed).toBe(0);
    const later = await reindexRecords(env, {
      leaseMs: LEASE_MS,
      now: new Date(writtenAt.getTime() + 61_000),
    });

    expect(later.reindexed).toBe(1);
    await expectIndexExact();
    expect(
      (await reindexRecords(env, { leaseMs: LEASE_MS, now: new Date(writtenAt.getTime() + 62_000) }))
        .reindexed,
    ).toBe(0);
  });

  it('finishes a tombstone whose index sync failed, so its values are no longer counted', async () => {
    const gone = articles.find(
      (a) => a.status === 'done' && a.outletKey === 'العربيه' && a.entityKeys.size > 0,
    );
    if (!gone) throw new Error('the corpus has no such record');
    const deletedAt = new Date();
    failing = isIndexWrite;
    await store.tombstone(gone.id, sourceOf(gone.key), null, deletedAt);
    failing = () => false;
    articles.splice(articles.indexOf(gone), 1);
    expect((await facets('outlet')).العربيه).toBe((expectedFacets(articles, 'outlet').العربيه ?? 0) + 1);

    const counts = await reindexRecords(env, {
      leaseMs: LEASE_MS,
      now: new Date(deletedAt.getTime() + 61_000),
    });

    expect(counts.reindexed).toBe(1);
    await expectIndexExact();
  });

  it('leaves a record a writer changed after the walk read it to that writer', async () => {
    const target = articles.find((a) => a.status === 'done' && a.outletKey === 'bbc عربي');
    if (!target) throw new Error('the corpus has no such record');
    await env.client.send(
      new UpdateCommand({
        TableName: env.tableName,
        Key: { pk: target.id, sk: 'record' },
        UpdateExpression: 'REMOVE ixk',
      }),
    );
    // A writer (here: a second reindex) gets to the record between this walk's read and its mark.
    let raced = false;
    const racing = {
      send: async (command: unknown) => {
        if (
          !raced &&
          command instanceof UpdateCommand &&
          command.input.UpdateExpression?.startsWith('SET ixp')
        ) {
          raced = true;
          await reindexRecords(env, { leaseMs: LEASE_MS, now: new Date() });
        }
        return env.client.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;

    const counts = await reindexRecords(
      { client: racing, tableName: env.tableName },
      { leaseMs: LEASE_MS, now: new Date() },
    );

    expect(raced).toBe(true);
    expect(counts.reindexed).toBe(0);
    await expectIndexExact();
  });
});
