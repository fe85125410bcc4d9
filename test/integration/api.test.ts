import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SourceInfo } from '../../lib/domain/record.ts';
import type { CompletedWork } from '../../lib/pipeline/ports.ts';
import { keyAttributes } from '../../lib/store/item.ts';
import { apiEvent } from '../support/api-events.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

let env: TestDynamo;
let store: TestStore;
let api: ReturnType<typeof createApiHandler>;
const NOW = new Date();
const ARABIC_TEXT = 'قال الإنتربول في بيان إن العملية شملت 12 دولة.';

async function call(method: string, url: string, headers: Record<string, string> = {}): Promise<Res> {
  return (await api(apiEvent(method, url, headers), {} as Context)) as Res;
}

function work(): CompletedWork {
  return {
    article: {
      title: 'عنوان الخبر',
      language: 'ar',
      publishedAt: '2025-07-02',
      outlet: 'الجزيرة',
      wordCount: 9,
      related: [],
    },
    result: {
      summaries: {
        ar: { title: 'ملخص', summary: 'الإنتربول يعلن نتائج عملية دولية.', keyPoints: ['نقطة أولى'] },
        en: { title: 'Summary', summary: 'Interpol announces results.', keyPoints: ['First point'] },
      },
      entities: [{ name: 'الإنتربول', type: 'organization' }],
      topics: ['أمن'],
      flags: [],
      model: { provider: 'extractive', name: 'extractive-v1', promptVersion: 'p1' },
      usage: { inputTokens: 0, outputTokens: 0, llmCalls: 0 },
    },
    contentHash: 'h',
    text: ARABIC_TEXT,
    reusedFrom: null,
    languages: ['ar', 'en'],
  };
}

async function ingest(key: string, finish: 'done' | 'processing' = 'done'): Promise<string> {
  const source: SourceInfo = {
    bucket: 'articles',
    key,
    versionId: null,
    etag: 'e1',
    size: 10,
    contentType: 'text/plain',
  };
  const id = recordId('articles', key);
  const c = await store.claim({
    id,
    source,
    sequencer: '0A',
    owner: 'm1',
    leaseMs: 60_000,
    force: false,
    now: NOW,
  });
  expect(c.claimed).toBe(true);
  if (finish === 'done') await store.complete(id, 'm1', work(), NOW);
  return id;
}

let doneId: string;
let processingId: string;

beforeAll(async () => {
  env = await startTestDynamo();
  store = new TestStore({
    client: env.client,
    tableName: env.tableName,
    cursorSecret: 'api-secret-0123456789ab',
  });
  api = createApiHandler({ store, corsAllowedOrigins: ['https://app.example'] });
  doneId = await ingest('incoming/تقرير 1.txt');
  processingId = await ingest('incoming/تقرير 2.txt', 'processing');
});
afterAll(async () => {
  await env.close();
});

function expectProblem(res: Res, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  return body;
}

describe('GET /summaries/{id}', () => {
  it('returns the whole record as UTF-8 JSON with Arabic as characters and security headers', async () => {
    const res = await call('GET', `/summaries/${doneId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(res.body).toContain('الإنتربول يعلن');
    expect(res.body).not.toMatch(/\\u[0-9a-f]{4}/i);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({
      id: doneId,
      status: 'done',
      source: { key: 'incoming/تقرير 1.txt', versionId: null },
    });
    expect(body).not.toHaveProperty('owner');
    expect(body).not.toHaveProperty('text');
  });

  it('answers 304 to a matching If-None-Match and varies the ETag with lang', async () => {
    const first = await call('GET', `/summaries/${doneId}`);
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await call('GET', `/summaries/${doneId}`, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    const ar = await call('GET', `/summaries/${doneId}?lang=ar`, { 'if-none-match': etag });
    expect(ar.statusCode).toBe(200);
    expect(ar.headers.etag).not.toBe(etag);
    expect(Object.keys(JSON.parse(ar.body).summaries)).toEqual(['ar']);
  });

  it('reads ?lang in any case: AR narrows to the Arabic summary as ar does', async () => {
    const upper = await call('GET', `/summaries/${doneId}?lang=AR`);
    const lower = await call('GET', `/summaries/${doneId}?lang=ar`);

    expect(upper.statusCode).toBe(200);
    expect(upper.body).toBe(lower.body);
  });

  it('tells clients to revalidate while the record is processing', async () => {
    const res = await call('GET', `/summaries/${processingId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });

  it('answers 404 for an unknown id and 410 after the object was deleted', async () => {
    expectProblem(await call('GET', `/summaries/${'A'.repeat(43)}`), 404);
    const id = await ingest('incoming/to-delete.txt');
    await store.tombstone(
      id,
      {
        bucket: 'articles',
        key: 'incoming/to-delete.txt',
        versionId: null,
        etag: null,
        size: null,
        contentType: null,
      },
      '0B',
      NOW,
    );
    expectProblem(await call('GET', `/summaries/${id}`), 410);
    expectProblem(await call('GET', `/summaries/${id}/text`), 410);
    const list = JSON.parse((await call('GET', '/summaries?limit=100')).body);
    expect(list.items.map((r: { id: string }) => r.id)).not.toContain(id);
    const deleted = JSON.parse((await call('GET', '/summaries?status=deleted')).body);
    expect(deleted.items.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('rejects malformed ids, path tricks and bad lang with 400 problems', async () => {
    for (const url of [
      '/summaries/..%2F..%2Fetc',
      '/summaries/..',
      `/summaries/${'A'.repeat(42)}`,
      `/summaries/${'A'.repeat(10_000)}`,
      `/summaries/${'A'.repeat(42)}%00`,
      `/summaries/${doneId}?lang=arabic`,
      `/summaries/${doneId}?lang=zz`,
      `/summaries/${doneId}?lang=${'a'.repeat(10_000)}`,
    ]) {
      expectProblem(await call('GET', url), 400);
    }
    expectProblem(await call('GET', '/summaries/../../etc/passwd'), 404);
  });
});

describe('GET /summaries/{id}/text', () => {
  it('returns the stored text as UTF-8 plain text', async () => {
    const res = await call('GET', `/summaries/${doneId}/text`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(ARABIC_TEXT);
  });

  it('answers 404 when no text is stored yet', async () => {
    expectProblem(await call('GET', `/summaries/${processingId}/text`), 404);
  });
});

describe('GET /summaries', () => {
  it('lists newest first and pages with a cursor', async () => {
    const first = await call('GET', '/summaries?limit=1');
    expect(first.statusCode).toBe(200);
    const page1 = JSON.parse(first.body);
    expect(page1.items).toHaveLength(1);
    expect(typeof page1.nextCursor).toBe('string');
    const page2 = JSON.parse((await call('GET', `/summaries?limit=1&cursor=${page1.nextCursor}`)).body);
    expect(page2.items[0].id).not.toBe(page1.items[0].id);
    expect(page2.items[0].createdAt <= page1.items[0].createdAt).toBe(true);
  });

  it('filters by exact key', async () => {
    const res = await call('GET', `/summaries?key=${encodeURIComponent('incoming/تقرير 1.txt')}`);
    const body = JSON.parse(res.body);
    expect(body.items.map((r: { id: string }) => r.id)).toEqual([doneId]);
    expect(body.nextCursor).toBeNull();
  });

  it('rejects forged, truncated and foreign cursors with 400 problems', async () => {
    const page = JSON.parse((await call('GET', '/summaries?limit=1')).body);
    const cursor: string = page.nextCursor;
    // One flipped bit in the encrypted position.
    const bytes = Buffer.from(cursor, 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    const forged = bytes.toString('base64url');
    const foreignStore = new TestStore({
      client: env.client,
      tableName: env.tableName,
      cursorSecret: 'x'.repeat(32),
    });
    const foreign = (await foreignStore.list({ limit: 1 })).nextCursor ?? '';
    for (const bad of [forged, cursor.slice(0, cursor.length - 5), foreign, 'not-a-cursor']) {
      const body = expectProblem(await call('GET', `/summaries?cursor=${encodeURIComponent(bad)}`), 400);
      expect(body.detail).toContain('cursor');
    }
  });

  it('rejects bad limit, status, key and oversize values with 400 problems', async () => {
    for (const url of [
      '/summaries?limit=0',
      '/summaries?limit=101',
      '/summaries?limit=abc',
      '/summaries?limit=1.5',
      '/summaries?status=archived',
      `/summaries?key=${'k'.repeat(10_000)}`,
      `/summaries?cursor=${'c'.repeat(10_000)}`,
    ]) {
      const body = expectProblem(await call('GET', url), 400);
      expect(body.detail.length).toBeLessThan(300);
    }
  });
});

describe('routing, health and CORS', () => {
  it('reports a healthy table', async () => {
    const res = await call('GET', '/health');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('answers 404 for unknown routes and 405 for wrong methods', async () => {
    expectProblem(await call('GET', '/nope'), 404);
    const res = await call('DELETE', `/summaries/${doneId}`);
    expectProblem(res, 405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('adds CORS headers only for allowed origins', async () => {
    const ok = await call('GET', '/health', { origin: 'https://app.example' });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await call('GET', '/health', { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await call('OPTIONS', '/summaries', { origin: 'https://app.example' });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('GET');
  });

  it('answers 503 with a problem when the table is gone', async () => {
    const broken = createApiHandler({
      store: new TestStore({
        client: env.client,
        tableName: 'missing-table',
        cursorSecret: 'x'.repeat(16),
      }),
    });
    const res = (await broken(apiEvent('GET', '/health'), {} as Context)) as Res;
    const body = expectProblem(res, 503);
    expect(JSON.stringify(body)).not.toContain('missing-table');
  });
});

describe('records written directly into older months', () => {
  it('lists an item whose createdAt is months back', async () => {
    const createdAt = new Date(NOW.getTime() - 100 * 86_400_000).toISOString();
    const key = 'incoming/old.txt';
    const id = recordId('articles', key);
    await env.client.send(
      new PutCommand({
        TableName: env.tableName,
        Item: {
          ...keyAttributes(id, createdAt, key),
          id,
          status: 'done',
          source: { bucket: 'articles', key, versionId: null, etag: 'e', size: 1, contentType: null },
          createdAt,
          updatedAt: createdAt,
        },
      }),
    );
    const body = JSON.parse((await call('GET', '/summaries?limit=100')).body);
    expect(body.items.at(-1).id).toBe(id);
    expect(body.items.at(-1).article).toBeNull();
  });
});

describe('GET /summaries?language=', () => {
  it('lists only articles in that language, and a cursor from one language is refused for another', async () => {
    const second = await ingest('incoming/تقرير 3.txt');
    const arabic = await call('GET', '/summaries?language=ar&limit=100');
    const english = await call('GET', '/summaries?language=en&limit=100');

    const arabicItems = JSON.parse(arabic.body).items as { id: string; article: { language: string } }[];
    expect(arabicItems.map((r) => r.id)).toEqual(expect.arrayContaining([doneId, second]));
    expect(arabicItems.every((r) => r.article.language === 'ar')).toBe(true);
    expect(JSON.parse(english.body).items).toEqual([]);

    const page = JSON.parse((await call('GET', '/summaries?language=ar&limit=1')).body);
    expect(page.nextCursor).toEqual(expect.any(String));
    expectProblem(await call('GET', `/summaries?language=en&cursor=${page.nextCursor}`), 400);
  });

  it('refuses a language that is not a language code', async () => {
    const body = expectProblem(await call('GET', '/summaries?language=arabic'), 400);
    expect(JSON.stringify(body)).toContain('language must be an ISO 639 language code such as ar, en');
  });
});

describe('keys S3 allows that look odd', () => {
  it('finds a record by a key holding control characters, as S3 stores it', async () => {
    const key = 'incoming/ctl\u0001\u007f\ttab\nline.txt';
    const id = await ingest(key);

    const res = await call('GET', `/summaries?key=${encodeURIComponent(key)}`);

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).items.map((r: { id: string }) => r.id)).toEqual([id]);
  });
});
