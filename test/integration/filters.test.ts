import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
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

// 300 records across four outlets (in several spellings), three years of publication dates and
// seven ways of naming entities, written through the store; every filter and combination is read
// back through the api handler and compared with the answer computed from how the corpus was built.

interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
type Page = { items: { id: string }[]; nextCursor: string | null };
type Facets = { values: { value: string; key: string; count: number }[]; complete: boolean };

let env: TestDynamo;
let store: TestStore;
let api: ReturnType<typeof createApiHandler>;
const articles: (Article & { id: string })[] = [];

const write = (a: Article, owner: string, now: Date, force = false): Promise<string> =>
  writeArticle(store, a, { owner, now, force, leaseMs: 60_000 });

const call = async (url: string) => (await api(apiEvent('GET', url), {} as Context)) as Res;

/** Every page of a filtered list, following `nextCursor`; checks each page's size on the way. */
async function walk(params: Record<string, string>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 400; pages++) {
    const query = new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const res = await call(`/summaries?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = JSON.parse(res.body) as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('the walk did not end');
}

async function facets(kind: string, extra = ''): Promise<Record<string, number>> {
  const res = await call(`/facets?kind=${kind}&limit=100${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  const body = JSON.parse(res.body) as Facets;
  expect(body.complete).toBe(true);
  return Object.fromEntries(body.values.map((v) => [v.key, v.count]));
}

const CASES: FilterCase[] = [
  { params: { outlet: 'الجزيرة' }, outletKey: 'الجزيره' },
  { params: { outlet: 'REUTERS' }, outletKey: 'reuters' },
  { params: { entity: 'interpol' }, entityKey: 'interpol' },
  { params: { entity: 'الإنتربول' }, entityKey: 'الانتربول' },
  { params: { entity: 'الانتربول' }, entityKey: 'الانتربول' },
  { params: { topic: 'سياسة' }, topicKey: 'سياسه' },
  { params: { from: '2025-03-01', to: '2025-08-31' } },
  { params: { from: '2026-01-01' } },
  { params: { to: '2024-06-30' } },
  { params: { outlet: 'العربية', entity: 'Interpol' }, outletKey: 'العربيه', entityKey: 'interpol' },
  { params: { outlet: 'bbc عربي', from: '2024-05-01', to: '2025-12-31' }, outletKey: 'bbc عربي' },
  {
    params: { entity: 'القاهره', topic: 'اقتصاد', from: '2024-01-01' },
    entityKey: 'القاهره',
    topicKey: 'اقتصاد',
  },
  { params: { topic: 'Technology', language: 'en' }, topicKey: 'technology' },
  { params: { outlet: 'الجزيره', status: 'failed' }, outletKey: 'الجزيره', status: 'failed' },
];

beforeAll(async () => {
  env = await startTestDynamo();
  store = new TestStore({
    client: env.client,
    tableName: env.tableName,
    cursorSecret: 'filters-secret-0123456789',
  });
  api = createApiHandler({ store });
  const all = corpus(300);
  // Eight writers at a time, as several ingest invocations would.
  for (let i = 0; i < all.length; i += 8) {
    const batch = all.slice(i, i + 8);
    const ids = await Promise.all(batch.map((a) => write(a, `m-${a.key}`, new Date(a.createdAt))));
    for (const [j, a] of batch.entries()) articles.push({ ...a, id: ids[j] as string });
  }
}, 180_000);

afterAll(async () => {
  await env?.close();
});

describe('GET /summaries filters over 300 records', () => {
  it('holds every kind of case the test means to prove (the corpus is not degenerate)', () => {
    for (const c of CASES)
      expect(expectedFor(articles, c).length, JSON.stringify(c.params)).toBeGreaterThan(0);
    expect(
      expectedFor(articles, { params: { entity: 'interpol' }, entityKey: 'interpol' }).length,
    ).toBeGreaterThan(40);
  });

  it.each(CASES.flatMap((c) => [1, 7, 100].map((limit) => [JSON.stringify(c.params), limit, c] as const)))(
    '%s with limit=%i returns exactly the matching records once, in order',
    async (_name, limit, c) => {
      const ids = await walk(c.params, limit);

      expect(ids).toEqual(expectedFor(articles, c));
    },
  );

  it('finds the same records for every spelling of one outlet', async () => {
    const spellings = ['الجزيرة', 'الجزيره', 'الجَزِيرة', 'الجزيـرة'];

    const answers = await Promise.all(spellings.map((outlet) => walk({ outlet }, 100)));

    for (const ids of answers) expect(ids).toEqual(answers[0]);
  });

  it('walks a bounded number of index items per request, answering short pages with a cursor', async () => {
    let walked = 0;
    const counting = {
      send: async (command: unknown) => {
        const out = (await env.client.send(command as never)) as { Items?: unknown[] };
        if (command instanceof QueryCommand && command.input.KeyConditionExpression?.includes('sk'))
          walked += out.Items?.length ?? 0;
        return out;
      },
    } as unknown as DynamoDBDocumentClient;
    const bounded = new TestStore({ client: counting, tableName: env.tableName, filterWalkBudget: 25 });
    const c: FilterCase = {
      params: { outlet: 'REUTERS', status: 'failed' },
      outletKey: 'reuters',
      status: 'failed',
    };
    const ids: string[] = [];
    let cursor: string | null = null;
    let shortPages = 0;
    do {
      walked = 0;
      const page = await bounded.list({ limit: 100, outlet: 'REUTERS', status: 'failed', cursor });
      expect(walked).toBeLessThanOrEqual(25);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      if (cursor && page.items.length < 100) shortPages++;
    } while (cursor);

    expect(ids).toEqual(expectedFor(articles, c));
    expect(shortPages).toBeGreaterThan(1);
  });

  it('answers 400 for a filter value that cannot match, a bad date, or from after to', async () => {
    for (const query of [
      `outlet=${encodeURIComponent('ًٌٍ')}`,
      `entity=${'x'.repeat(201)}`,
      'topic=',
      'from=2025-02-30',
      'to=2025-7-1',
      'from=2025-06-01&to=2025-05-31',
    ]) {
      expect((await call(`/summaries?${query}`)).statusCode, query).toBe(400);
    }
    expect((await call('/facets?kind=person')).statusCode).toBe(400);
    expect((await call(`/facets?kind=entity&prefix=${encodeURIComponent('ّ')}`)).statusCode).toBe(400);
  });

  it('counts each value exactly in /facets, and narrows them by a folded prefix', async () => {
    for (const kind of ['outlet', 'entity', 'topic'] as const) {
      expect(await facets(kind), kind).toEqual(expectedFacets(articles, kind));
    }
    const narrowed = await facets('entity', `&prefix=${encodeURIComponent('الإن')}`);
    expect(narrowed).toEqual({
      الانتربول: expectedFacets(articles, 'entity').الانتربول,
      'الانتربول (interpol)': expectedFacets(articles, 'entity')['الانتربول (interpol)'],
    });
  });

  it('says a facets answer is not complete when its limit left values out', async () => {
    const cut = JSON.parse((await call('/facets?kind=entity&limit=1')).body) as Facets;

    expect(Object.keys(expectedFacets(articles, 'entity')).length).toBeGreaterThan(1);
    expect(cut.values).toHaveLength(1);
    expect(cut.complete).toBe(false);
  });
});

describe('reprocessing and tombstones', () => {
  it('moves a reprocessed record between filters and facets', async () => {
    const before = articles.find(
      (a) => a.status === 'done' && a.outletKey === 'reuters' && a.entityKeys.has('interpol'),
    );
    if (!before) throw new Error('the corpus has no such record');
    const after: Article & { id: string } = {
      ...before,
      outlet: 'الجزيرة',
      outletKey: 'الجزيره',
      entities: [{ name: 'القاهرة', type: 'place' }],
      entityKeys: new Set(['القاهره']),
    };
    const outletsBefore = await facets('outlet');
    const entitiesBefore = await facets('entity');

    await write(after, 'reprocess-1', new Date(), true);
    articles.splice(articles.indexOf(before), 1, after);

    for (const c of CASES.slice(0, 5)) expect(await walk(c.params, 7)).toEqual(expectedFor(articles, c));
    expect(await walk({ entity: 'القاهرة' }, 100)).toContain(before.id);
    expect(await walk({ outlet: 'Reuters' }, 100)).not.toContain(before.id);
    const outlets = await facets('outlet');
    expect(outlets.reuters).toBe((outletsBefore.reuters ?? 0) - 1);
    expect(outlets.الجزيره).toBe((outletsBefore.الجزيره ?? 0) + 1);
    expect((await facets('entity')).القاهره).toBe((entitiesBefore.القاهره ?? 0) + 1);
    expect(await facets('entity')).toEqual(expectedFacets(articles, 'entity'));
  });

  it('takes a tombstoned record out of every filter and decrements its facets', async () => {
    const gone = articles.find(
      (a) => a.status === 'done' && a.publishedAt && a.entityKeys.has('الانتربول') && a.outletKey,
    );
    if (!gone) throw new Error('the corpus has no such record');
    const counts = {
      outlet: await facets('outlet'),
      entity: await facets('entity'),
      topic: await facets('topic'),
    };

    await store.tombstone(gone.id, sourceOf(gone.key), null, new Date());
    articles.splice(articles.indexOf(gone), 1);

    for (const c of CASES) {
      const ids = await walk(c.params, 100);
      expect(ids).not.toContain(gone.id);
      expect(ids).toEqual(expectedFor(articles, c));
    }
    expect(await walk({ status: 'deleted', outlet: gone.outlet as string }, 100)).toEqual([]);
    expect((await facets('outlet'))[gone.outletKey as string]).toBe(
      (counts.outlet[gone.outletKey as string] ?? 0) - 1,
    );
    for (const key of gone.entityKeys)
      expect((await facets('entity'))[key] ?? 0).toBe((counts.entity[key] ?? 0) - 1);
    for (const key of gone.topicKeys)
      expect((await facets('topic'))[key] ?? 0).toBe((counts.topic[key] ?? 0) - 1);
    for (const kind of ['outlet', 'entity', 'topic'] as const)
      expect(await facets(kind)).toEqual(expectedFacets(articles, kind));
  });
});
