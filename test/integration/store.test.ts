import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../infra/local/dynamodb.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SourceInfo } from '../../lib/domain/record.ts';
import type { ClaimRequest, CompletedWork } from '../../lib/pipeline/ports.ts';
import { ClaimLostError } from '../../lib/pipeline/ports.ts';
import { InvalidCursorError } from '../../lib/store/errors.ts';
import { DynamoIngestStore } from '../../lib/store/ingest-store.ts';
import { keyAttributes } from '../../lib/store/item.ts';
import { documentClientFor, startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

let env: TestDynamo;
let store: TestStore;
const NOW = new Date('2025-07-15T10:00:00.000Z');

beforeAll(async () => {
  env = await startTestDynamo();
  store = new TestStore({
    client: env.client,
    tableName: env.tableName,
    cursorSecret: 'integration-secret-0123456789',
    clock: () => NOW,
  });
});
afterAll(async () => {
  await env.close();
});

let counter = 0;
function source(key = `incoming/تقرير ${++counter}.txt`, etag = 'etag-1'): SourceInfo {
  return { bucket: 'articles', key, versionId: null, etag, size: 100, contentType: 'text/plain' };
}
function claimOf(src: SourceInfo, over: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    id: recordId(src.bucket, src.key),
    source: src,
    sequencer: '0055AED6DCD90281E5',
    owner: 'msg-1',
    leaseMs: 60_000,
    force: false,
    now: NOW,
    ...over,
  };
}
function work(text = 'نص المقال الكامل.', contentHash = 'hash-1'): CompletedWork {
  return {
    article: {
      title: 'عنوان',
      language: 'ar',
      publishedAt: '2025-07-02',
      outlet: 'الجزيرة',
      wordCount: 3,
      related: [],
    },
    result: {
      summaries: { ar: { title: 'ملخص', summary: 'ملخص قصير', keyPoints: ['نقطة'] } },
      entities: [{ name: 'الإنتربول', type: 'organization' }],
      topics: ['أمن'],
      flags: ['missing_language:en'],
      model: { provider: 'extractive', name: 'extractive-v1', promptVersion: 'p1' },
      usage: { inputTokens: 0, outputTokens: 0, llmCalls: 0 },
    },
    contentHash,
    text,
    reusedFrom: null,
    languages: ['ar', 'en'],
  };
}

describe('claim', () => {
  it('claims a new record and keeps internal fields out of the returned record', async () => {
    const req = claimOf(source());
    const out = await store.claim(req);
    expect(out.claimed).toBe(true);
    expect(out.record?.status).toBe('processing');
    expect(Object.keys(out.record ?? {}).sort()).toEqual(
      [
        'article',
        'contentHash',
        'createdAt',
        'entities',
        'error',
        'id',
        'model',
        'quality',
        'schemaVersion',
        'source',
        'status',
        'summaries',
        'topics',
        'updatedAt',
        'usage',
      ].sort(),
    );
  });

  it('reports a duplicate of a done version and claims it again only with force', async () => {
    const req = claimOf(source());
    await store.claim(req);
    await store.complete(req.id, req.owner, work(), NOW);
    const again = await store.claim({ ...req, owner: 'msg-2' });
    expect(again).toMatchObject({ claimed: false, reason: 'duplicate' });
    const forced = await store.claim({ ...req, owner: 'msg-3', force: true });
    expect(forced.claimed).toBe(true);
  });

  it('never lets an older sequencer overwrite a newer one', async () => {
    const src = source();
    const newer = claimOf(src, { sequencer: '0055AED6DCD90281E6' });
    await store.claim(newer);
    await store.complete(newer.id, newer.owner, work(), NOW);
    // Shorter but numerically older after right-padding ("0055AED6DCD90281E" < "...E6").
    const older = await store.claim(claimOf(src, { sequencer: '0055AED6DCD90281E', owner: 'msg-old' }));
    expect(older).toMatchObject({ claimed: false, reason: 'stale' });
    expect((await store.get(newer.id))?.status).toBe('done');
  });

  it('lets a newer sequencer claim over a done record', async () => {
    const src = source();
    const first = claimOf(src);
    await store.claim(first);
    await store.complete(first.id, first.owner, work(), NOW);
    const out = await store.claim(claimOf(src, { sequencer: '0055AED6DCD90281F0', owner: 'msg-new' }));
    expect(out.claimed).toBe(true);
  });

  it('lets the same SQS message reclaim its own processing claim', async () => {
    const req = claimOf(source());
    await store.claim(req);
    const again = await store.claim({ ...req, now: new Date(NOW.getTime() + 1000) });
    expect(again.claimed).toBe(true);
  });

  it('answers in_progress to another owner while the lease is live and lets it take over once expired', async () => {
    const req = claimOf(source());
    await store.claim(req);
    const live = await store.claim({ ...req, owner: 'msg-2', now: new Date(NOW.getTime() + 30_000) });
    expect(live).toMatchObject({ claimed: false, reason: 'in_progress' });
    const expired = await store.claim({ ...req, owner: 'msg-2', now: new Date(NOW.getTime() + 61_000) });
    expect(expired.claimed).toBe(true);
    // The first owner lost the claim: its result is refused with a typed error.
    await expect(store.complete(req.id, req.owner, work(), NOW)).rejects.toBeInstanceOf(ClaimLostError);
  });

  it('reclaims a record that failed transiently but not one that failed terminally', async () => {
    const transient = claimOf(source());
    await store.claim(transient);
    await store.fail(
      transient.id,
      transient.owner,
      { code: 'llm_failed', message: '429', transient: true },
      { article: null },
      NOW,
    );
    expect((await store.claim({ ...transient, owner: 'msg-2' })).claimed).toBe(true);

    const terminal = claimOf(source());
    await store.claim(terminal);
    await store.fail(
      terminal.id,
      terminal.owner,
      { code: 'empty', message: 'empty', transient: false },
      { article: null },
      NOW,
    );
    expect(await store.claim({ ...terminal, owner: 'msg-2' })).toMatchObject({
      claimed: false,
      reason: 'duplicate',
    });
    expect((await store.claim({ ...terminal, owner: 'msg-3', force: true })).claimed).toBe(true);
  });

  it('falls back to etag and versionId when the event has no sequencer', async () => {
    const src = source();
    const req = claimOf(src, { sequencer: null });
    await store.claim(req);
    await store.complete(req.id, req.owner, work(), NOW);
    expect(await store.claim({ ...req, owner: 'msg-2' })).toMatchObject({
      claimed: false,
      reason: 'duplicate',
    });
    const changed = await store.claim({ ...req, source: { ...src, etag: 'etag-2' }, owner: 'msg-3' });
    expect(changed.claimed).toBe(true);
  });

  it('keeps createdAt from the first write and moves updatedAt', async () => {
    const req = claimOf(source());
    await store.claim(req);
    const later = new Date(NOW.getTime() + 120_000);
    const out = await store.claim({ ...req, sequencer: '0055AED6DCD90281F9', owner: 'msg-9', now: later });
    expect(out.record?.createdAt).toBe(NOW.toISOString());
    expect(out.record?.updatedAt).toBe(later.toISOString());
  });
});

describe('complete and fail', () => {
  it('stores the done record with nulls for unknown values', async () => {
    const req = claimOf(source());
    await store.claim(req);
    const saved = await store.complete(req.id, req.owner, work(), NOW);
    expect(saved.status).toBe('done');
    expect(saved.usage).toEqual({ inputTokens: 0, outputTokens: 0, llmCalls: 0, reusedFrom: null });
    expect(saved.error).toBeNull();
    expect(saved.source.versionId).toBeNull();
    expect(await store.get(req.id)).toEqual(saved);
  });

  it('refuses complete and fail from an owner that does not hold the claim', async () => {
    const req = claimOf(source());
    await store.claim(req);
    await expect(store.complete(req.id, 'someone-else', work(), NOW)).rejects.toBeInstanceOf(ClaimLostError);
    await expect(
      store.fail(
        req.id,
        'someone-else',
        { code: 'internal', message: 'x', transient: false },
        { article: null },
        NOW,
      ),
    ).rejects.toBeInstanceOf(ClaimLostError);
    expect((await store.get(req.id))?.status).toBe('processing');
  });

  it('records the failure with its code and the article found so far', async () => {
    const req = claimOf(source());
    await store.claim(req);
    const article = work().article;
    await store.fail(
      req.id,
      req.owner,
      { code: 'no_text', message: 'nothing', transient: false },
      { article },
      NOW,
    );
    const rec = await store.get(req.id);
    expect(rec).toMatchObject({ status: 'failed', error: { code: 'no_text', message: 'nothing' }, article });
  });
});

describe('tombstone', () => {
  it('deletes a record, reports deleted to older events, and lets a re-upload claim again', async () => {
    const src = source();
    const create = claimOf(src, { sequencer: '00AA' });
    await store.claim(create);
    await store.complete(create.id, create.owner, work(), NOW);
    expect(await store.tombstone(create.id, src, '00AB', NOW)).toBe(true);
    expect((await store.get(create.id))?.status).toBe('deleted');
    expect(await store.getText(create.id)).toBeNull();

    const redelivered = await store.claim({ ...create, owner: 'msg-2' });
    expect(redelivered).toMatchObject({ claimed: false, reason: 'deleted' });

    const reupload = await store.claim(
      claimOf(src, { sequencer: '00AC', owner: 'msg-3', source: { ...src, etag: 'e2' } }),
    );
    expect(reupload.claimed).toBe(true);
    expect(reupload.record?.createdAt).toBe(NOW.toISOString());
  });

  it('does not tombstone over a newer event', async () => {
    const src = source();
    const create = claimOf(src, { sequencer: '00B0' });
    await store.claim(create);
    expect(await store.tombstone(create.id, src, '00A0', NOW)).toBe(false);
    expect((await store.get(create.id))?.status).toBe('processing');
  });

  it('makes an in-flight claim lose its write', async () => {
    const src = source();
    const create = claimOf(src, { sequencer: '00C0' });
    await store.claim(create);
    await store.tombstone(create.id, src, '00C1', NOW);
    await expect(store.complete(create.id, create.owner, work(), NOW)).rejects.toBeInstanceOf(ClaimLostError);
  });
});

describe('content leases', () => {
  const query = {
    contentHash: 'hash-reuse',
    provider: 'extractive',
    model: 'extractive-v1',
    promptVersion: 'p1',
    languages: ['en', 'ar'],
  };
  const LEASE_MS = 60_000;
  const begin = (q: typeof query, owner: string) => store.beginContentWork(q, owner, LEASE_MS, NOW);

  it('hands out a done record with the same hash and settings to copy', async () => {
    const req = claimOf(source());
    await store.claim(req);
    await store.complete(req.id, req.owner, work('نص', 'hash-reuse'), NOW);

    const answer = await begin(query, 'msg-twin');

    expect(answer.status).toBe('reuse');
    expect(answer.status === 'reuse' && answer.record.id).toBe(req.id);
  });

  it('ignores other settings and records that no longer match', async () => {
    const req = claimOf(source());
    await store.claim(req);
    await store.complete(req.id, req.owner, work('نص', 'hash-gone'), NOW);
    expect(await begin({ ...query, contentHash: 'hash-gone', promptVersion: 'p2' }, 'a')).toEqual({
      status: 'acquired',
    });
    expect(await begin({ ...query, contentHash: 'hash-gone', languages: ['ar'] }, 'b')).toEqual({
      status: 'acquired',
    });
    // Reprocessed with a newer event: the pointer must not hand out a processing record.
    await store.claim({ ...req, sequencer: 'FF', owner: 'msg-new' });
    expect(await begin({ ...query, contentHash: 'hash-gone' }, 'c')).toEqual({ status: 'acquired' });
  });

  it('gives the lease to one owner at a time', async () => {
    const q = { ...query, contentHash: 'hash-lease' };
    expect(await begin(q, 'first')).toEqual({ status: 'acquired' });
    expect(await begin(q, 'second')).toEqual({ status: 'busy' });
    expect(await begin(q, 'first')).toEqual({ status: 'acquired' });
  });

  it('hands a saved paid result to the next asker, naming the record it was paid for', async () => {
    const q = { ...query, contentHash: 'hash-paid' };
    await begin(q, 'payer');
    await store.savePaidResult(q, 'payer', 'record-of-payer', work().result);

    expect(await begin(q, 'twin')).toEqual({
      status: 'paid',
      result: work().result,
      paidFor: 'record-of-payer',
    });
  });

  it('does not take the lease when a twin finished between its read and its write', async () => {
    const q = { ...query, contentHash: 'hash-race' };
    const twin = claimOf(source());
    await store.claim(twin);
    let raced = false;
    // The twin's record and pointer are written right after this asker read the content item.
    const racing = new DynamoIngestStore({
      tableName: env.tableName,
      client: {
        send: async (command: GetCommand) => {
          const out = await env.client.send(command);
          if (!raced && command instanceof GetCommand && command.input.Key?.sk === 'content') {
            raced = true;
            await store.complete(twin.id, twin.owner, work('نص', 'hash-race'), NOW);
          }
          return out;
        },
      } as unknown as DynamoDBDocumentClient,
    });

    const first = await racing.beginContentWork(q, 'late-asker', LEASE_MS, NOW);
    const second = await racing.beginContentWork(q, 'late-asker', LEASE_MS, NOW);

    expect(raced).toBe(true);
    expect(first).toEqual({ status: 'busy' });
    expect(second.status === 'reuse' && second.record.id).toBe(twin.id);
  });
});

describe('text', () => {
  it('round-trips a small text inside the record item', async () => {
    const req = claimOf(source());
    await store.claim(req);
    const text = 'قال الإنتربول في بيان إن العملية شملت 12 دولة.\n\nThe operation covered 12 countries.';
    await store.complete(req.id, req.owner, work(text), NOW);
    expect(await store.getText(req.id)).toBe(text);
  });

  it('round-trips 2 MB of Arabic text through chunk items and drops old chunks on rewrite', async () => {
    const letters = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي ';
    const text = Array.from({ length: 1_050_000 }, () => letters[randomInt(letters.length)]).join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(2_000_000);
    const req = claimOf(source());
    await store.claim(req);
    await store.complete(req.id, req.owner, work(text), NOW);
    const chunks = await chunkKeys(req.id);
    expect(chunks.length).toBeGreaterThan(1);
    expect(await store.getText(req.id)).toBe(text);

    const again = { ...req, owner: 'msg-2', force: true };
    await store.claim(again);
    await store.complete(again.id, again.owner, work('نص قصير'), NOW);
    expect(await store.getText(req.id)).toBe('نص قصير');
    expect(await chunkKeys(req.id)).toEqual([]);
  }, 60_000);

  it('returns null for an unknown record', async () => {
    expect(await store.getText('x'.repeat(43))).toBeNull();
  });
});

async function chunkKeys(id: string): Promise<string[]> {
  const out = await env.client.send(
    new QueryCommand({
      TableName: env.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': id, ':p': 'text#' },
      ProjectionExpression: 'sk',
    }),
  );
  return (out.Items ?? []).map((i) => String(i.sk));
}

describe('list', () => {
  // A separate table so records from other tests do not interleave with the expected order.
  let listEnv: TestDynamo;
  let lister: TestStore;
  const ids: string[] = [];

  async function insert(createdAt: string, key: string, status = 'done') {
    const id = recordId('articles', key);
    await listEnv.client.send(
      new PutCommand({
        TableName: listEnv.tableName,
        Item: {
          ...keyAttributes(id, createdAt, key),
          id,
          status,
          source: { bucket: 'articles', key, versionId: null, etag: 'e', size: 1, contentType: null },
          createdAt,
          updatedAt: createdAt,
          owner: 'internal-owner',
        },
      }),
    );
    return id;
  }

  beforeAll(async () => {
    listEnv = await startTestDynamo();
    lister = new TestStore({
      client: listEnv.client,
      tableName: listEnv.tableName,
      cursorSecret: 'list-secret-0123456789',
      clock: () => NOW,
    });
    // Newest first order, spread over five months with a gap (2025-04 and 2025-02 are empty).
    const times = [
      '2025-07-14T09:00:00.000Z',
      '2025-07-01T00:00:00.000Z',
      '2025-06-30T23:59:59.999Z',
      '2025-06-10T12:00:00.000Z',
      '2025-05-20T08:00:00.000Z',
      '2025-03-03T03:03:03.000Z',
      '2025-01-31T00:00:00.000Z',
      '2024-12-25T00:00:00.000Z',
    ];
    for (const [i, t] of times.entries()) ids.push(await insert(t, `list/${i}.txt`));
    await insert('2025-06-15T00:00:00.000Z', 'list/deleted.txt', 'deleted');
    await insert('2025-06-16T00:00:00.000Z', 'list/0.txt'.replace('0', 'dup'), 'failed');
  });
  afterAll(async () => {
    await listEnv.close();
  });

  async function collect(limit: number, extra: { status?: 'failed' | 'deleted'; key?: string } = {}) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await lister.list({ limit, cursor, ...extra });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return seen;
  }

  it('returns every non-deleted record exactly once, newest first, across months and pages', async () => {
    const failedId = recordId('articles', 'list/dup.txt');
    const expected = [ids[0], ids[1], ids[2], failedId, ids[3], ids[4], ids[5], ids[6], ids[7]];
    for (const limit of [1, 2, 3, 100]) {
      expect(await collect(limit)).toEqual(expected);
    }
  });

  it('serves whole public records without internal attributes', async () => {
    const page = await lister.list({ limit: 1 });
    expect(page.items[0]).not.toHaveProperty('owner');
    expect(page.items[0]).not.toHaveProperty('pk');
    expect(page.items[0]?.summaries).toEqual({});
    expect(page.items[0]?.article).toBeNull();
  });

  it('lists deleted records only when asked for', async () => {
    expect(await collect(5, { status: 'deleted' })).toEqual([recordId('articles', 'list/deleted.txt')]);
  });

  it('filters by exact key through the byKey index', async () => {
    expect(await collect(10, { key: 'list/3.txt' })).toEqual([ids[3]]);
    expect(await collect(10, { key: 'list/none.txt' })).toEqual([]);
  });

  it('rejects forged, truncated and foreign cursors', async () => {
    const page = await lister.list({ limit: 2 });
    const cursor = page.nextCursor ?? '';
    // One flipped bit in the encrypted position.
    const bytes = Buffer.from(cursor, 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    const forged = bytes.toString('base64url');
    const foreign = new TestStore({
      client: listEnv.client,
      tableName: listEnv.tableName,
      cursorSecret: 'another-secret-0123456789',
      clock: () => NOW,
    });
    const foreignCursor = (await foreign.list({ limit: 2 })).nextCursor ?? '';
    for (const bad of [forged, cursor.slice(0, -3), 'garbage', foreignCursor]) {
      await expect(lister.list({ limit: 2, cursor: bad })).rejects.toBeInstanceOf(InvalidCursorError);
    }
    // A cursor from one query does not resume another.
    await expect(lister.list({ limit: 2, cursor, status: 'failed' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('startLocalDynamo', () => {
  it('persists the table and its items in a directory across restarts and closes promptly', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'khulasa-dynamo-'));
    try {
      const tableName = 'summaries';
      const first = await startLocalDynamo({ port: 0, directory, tableName });
      const firstClient = documentClientFor(first.endpoint);
      const firstStore = new TestStore({ client: firstClient, tableName });
      const req = claimOf(source());
      await firstStore.claim(req);
      firstClient.destroy();
      const started = Date.now();
      await first.close();
      expect(Date.now() - started).toBeLessThan(2_000);

      const second = await startLocalDynamo({ port: 0, directory, tableName });
      const secondClient = documentClientFor(second.endpoint);
      try {
        const record = await new TestStore({ client: secondClient, tableName }).get(req.id);
        expect(record?.status).toBe('processing');
      } finally {
        secondClient.destroy();
        await second.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
