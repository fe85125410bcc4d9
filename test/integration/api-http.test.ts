import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { ROUTES } from '../../functions/api/registry.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { CompletedWork } from '../../lib/pipeline/ports.ts';
import { apiEvent } from '../support/api-events.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

// HTTP semantics of the api function on a real table: HEAD, caching behind credentials, and the
// 6 MB ceiling of a Lambda response.

interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
type Api = ReturnType<typeof createApiHandler>;

let env: TestDynamo;
let store: TestStore;
const ids = { small: '', large: '', huge: '' };
const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;

const call = async (api: Api, method: string, url: string, headers: Record<string, string> = {}) =>
  (await api(apiEvent(method, url, headers), {} as Context)) as Res;

const work = (text: string): CompletedWork => ({
  article: {
    title: 'عنوان',
    language: 'ar',
    publishedAt: '2025-07-02',
    outlet: 'الجزيرة',
    wordCount: 2,
    related: [],
  },
  result: {
    summaries: { ar: { title: 'ملخص', summary: 'ملخص.', keyPoints: [] } },
    entities: [{ name: 'الإنتربول', type: 'organization' }],
    topics: ['أمن'],
    flags: [],
    model: { provider: 'extractive', name: 'test', promptVersion: 'p1' },
    usage: { inputTokens: 1, outputTokens: 1, llmCalls: 0 },
  },
  contentHash: `hash-${text.length}`,
  text,
  reusedFrom: null,
  languages: ['ar'],
});

async function ingest(key: string, text: string): Promise<string> {
  const id = recordId('articles', key);
  const source = { bucket: 'articles', key, versionId: null, etag: 'e', size: 1, contentType: 'text/plain' };
  const now = new Date();
  await store.claim({ id, source, sequencer: null, owner: 'm', leaseMs: 60_000, force: false, now });
  await store.complete(id, 'm', work(text), now);
  return id;
}

beforeAll(async () => {
  env = await startTestDynamo();
  store = new TestStore({ client: env.client, tableName: env.tableName });
  ids.small = await ingest('http/small.txt', 'نص قصير.');
  // 'خبر عاجل ' is 16 bytes of UTF-8: 300,000 of them are 4.8 MB (4.6 MiB), 400,000 are 6.4 MB (6.1 MiB).
  ids.large = await ingest('http/large.txt', 'خبر عاجل '.repeat(300_000));
  ids.huge = await ingest('http/huge.txt', 'خبر عاجل '.repeat(400_000));
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('HEAD', () => {
  it('answers every GET route like GET, status and headers alike, without a body', async () => {
    const api = createApiHandler({ store });
    for (const url of [
      `/summaries/${ids.small}`,
      `/summaries/${ids.small}/text`,
      '/summaries?outlet=الجزيرة',
      '/facets?kind=entity',
      '/health',
      '/openapi.json',
      '/',
      `/summaries/${'A'.repeat(43)}`,
      '/summaries?limit=0',
    ]) {
      const get = await call(api, 'GET', url);
      const head = await call(api, 'HEAD', url);

      expect(head.statusCode, url).toBe(get.statusCode);
      expect(head.headers, url).toEqual(get.headers);
      expect(head.body, url).toBe('');
      expect(get.body.length, url).toBeGreaterThan(0);
    }
  });

  it('answers 304 to a HEAD whose If-None-Match still holds, and names HEAD in Allow', async () => {
    const api = createApiHandler({ store });
    const etag = (await call(api, 'GET', `/summaries/${ids.small}`)).headers.etag ?? '';

    const head = await call(api, 'HEAD', `/summaries/${ids.small}`, { 'if-none-match': etag });
    const del = await call(api, 'DELETE', `/summaries/${ids.small}`);

    expect(head.statusCode).toBe(304);
    expect(del.statusCode).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD');
  });
});

describe('caching', () => {
  it('keeps every data answer out of shared caches when credentials guard the routes', async () => {
    for (const authMode of ['jwt', 'iam'] as const) {
      const api = createApiHandler({ store, authMode });
      for (const route of ROUTES.filter((r) => !r.public)) {
        const url =
          route.path.replace('{id}', ids.small) + (route.operationId === 'listFacets' ? '?kind=outlet' : '');

        const res = await call(api, 'GET', url);

        expect(res.statusCode, url).toBe(200);
        expect(res.headers['cache-control'], `${authMode} ${url}`).not.toMatch(/public/);
      }
      expect((await call(api, 'GET', `/summaries/${ids.small}`)).headers['cache-control']).toBe(
        'private, max-age=60',
      );
    }
  });

  it('lets shared caches keep settled records of an open deployment', async () => {
    const res = await call(createApiHandler({ store, authMode: 'none' }), 'GET', `/summaries/${ids.small}`);

    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });
});

describe('GET /summaries/{id}/text and the 6 MB response limit', () => {
  it('serves a 4.8 MB text whole, in a response Lambda accepts', async () => {
    const res = await call(createApiHandler({ store }), 'GET', `/summaries/${ids.large}/text`);

    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('خبر عاجل '.repeat(300_000));
    expect(Buffer.byteLength(JSON.stringify(res), 'utf8')).toBeLessThan(LAMBDA_RESPONSE_BYTES);
  });

  it('answers a 413 problem, not a response Lambda would refuse, for a 6.4 MB text', async () => {
    const res = await call(createApiHandler({ store }), 'GET', `/summaries/${ids.huge}/text`);

    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(res.body)).toMatchObject({ status: 413, title: 'Content Too Large' });
    expect(JSON.parse(res.body).detail).toMatch(/is 6\.1 MB/);
  });
});
