import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { pathPattern, ROUTER_RESPONSES, ROUTES, type RouteSpec } from '../../functions/api/registry.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SourceInfo } from '../../lib/domain/record.ts';
import type { SummaryReader } from '../../lib/http/reader-port.ts';
import { listPageSchema, recordSchema } from '../../lib/http/schemas.ts';
import type { CompletedWork } from '../../lib/pipeline/ports.ts';
import { apiEvent } from '../support/api-events.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

// ─── a tiny JSON Schema (2020-12 subset) validator: just what the generated schemas use ────────
type Schema = Record<string, unknown>;
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, unknown> };
};
type Operation = {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Schema }>;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

const KNOWN_KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'pattern',
  'description',
]);

/** Errors as `path: message`; empty when `value` conforms. Unknown keywords fail loudly. */
function check(schema: Schema, value: unknown, doc: Doc, at = '$'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN_KEYWORDS.has(k)) return [`${at}: unsupported keyword ${k}`];
  if (typeof schema.$ref === 'string') {
    const target = doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
    return target ? check(target, value, doc, at) : [`${at}: dangling $ref ${schema.$ref}`];
  }
  const errors: string[] = [];
  const t = schema.type;
  if (t !== undefined) {
    const allowed = Array.isArray(t) ? t : [t];
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number')))
      return [`${at}: expected ${allowed.join('|')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not in enum`);
  if ('const' in schema && schema.const !== value) errors.push(`${at}: not ${String(schema.const)}`);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (!options) continue;
    const passing = options.filter((s) => check(s, value, doc, at).length === 0).length;
    if (key === 'anyOf' ? passing === 0 : passing !== 1) errors.push(`${at}: ${key} not satisfied`);
  }
  if (
    typeof schema.pattern === 'string' &&
    typeof value === 'string' &&
    !new RegExp(schema.pattern, 'u').test(value)
  )
    errors.push(`${at}: does not match ${schema.pattern}`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errors.push(`${at}.${r}: missing`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = props[k];
      if (sub) errors.push(...check(sub, v, doc, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === 'object')
        errors.push(...check(schema.additionalProperties as Schema, v, doc, `${at}.${k}`));
      if (schema.propertyNames) errors.push(...check(schema.propertyNames as Schema, k, doc, `${at}{${k}}`));
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) => {
      errors.push(...check(schema.items as Schema, v, doc, `${at}[${i}]`));
    });
  }
  return errors;
}

// ─── the API under test ─────────────────────────────────────────────────────────
interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
type Api = ReturnType<typeof createApiHandler>;

const call = async (api: Api, method: string, url: string, headers: Record<string, string> = {}) =>
  (await api(apiEvent(method, url, headers), {} as Context)) as Res;

const NOW = new Date();
const source = (key: string): SourceInfo => ({
  bucket: 'articles',
  key,
  versionId: null,
  etag: 'e1',
  size: 10,
  contentType: 'text/plain',
});
const WORK: CompletedWork = {
  article: {
    title: 'الإنتربول يحذر من الاحتيال',
    language: 'ar',
    publishedAt: '2025-07-02',
    outlet: 'الجزيرة',
    wordCount: 7,
    related: [{ title: 'لجنة البريد' }],
  },
  result: {
    summaries: {
      ar: { title: 'ملخص', summary: 'الإنتربول يعلن نتائج عملية دولية.', keyPoints: ['نقطة'] },
      en: { title: 'Summary', summary: 'Interpol announces results.', keyPoints: ['Point'] },
    },
    entities: [{ name: 'الإنتربول', type: 'organization' }],
    topics: ['أمن'],
    flags: ['ungrounded_number:42'],
    model: { provider: 'openai', name: 'gpt-test', promptVersion: 'p1' },
    usage: { inputTokens: 120, outputTokens: 40, llmCalls: 1 },
  },
  contentHash: 'hash-1',
  text: 'قال الإنتربول في بيان إن العملية شملت 12 دولة.',
  reusedFrom: null,
  languages: ['ar', 'en'],
};

let env: TestDynamo;
let store: TestStore;
let api: Api;
const ids = { done: '', processing: '', failed: '', deleted: '', huge: '' };

async function claim(key: string): Promise<string> {
  const id = recordId('articles', key);
  const c = await store.claim({
    id,
    source: source(key),
    sequencer: '0A',
    owner: 'm1',
    leaseMs: 60_000,
    force: false,
    now: NOW,
  });
  expect(c.claimed).toBe(true);
  return id;
}

async function getDocument(): Promise<Doc> {
  const res = await call(api, 'GET', '/openapi.json');
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body) as Doc;
}

beforeAll(async () => {
  env = await startTestDynamo();
  store = new TestStore({
    client: env.client,
    tableName: env.tableName,
    cursorSecret: 'o'.repeat(24),
  });
  api = createApiHandler({ store });
  ids.done = await claim('openapi/done.txt');
  await store.complete(ids.done, 'm1', WORK, NOW);
  ids.processing = await claim('openapi/processing.txt');
  ids.failed = await claim('openapi/failed.txt');
  await store.fail(
    ids.failed,
    'm1',
    { code: 'undecodable', message: 'Not text in any supported encoding.', transient: false },
    { article: null },
    NOW,
  );
  ids.deleted = await claim('openapi/deleted.txt');
  await store.complete(ids.deleted, 'm1', WORK, NOW);
  await store.tombstone(ids.deleted, source('openapi/deleted.txt'), '0B', NOW);
  // 2.8 million Arabic letters and 800,000 spaces: 6.4 MB of UTF-8, more than one Lambda response carries.
  ids.huge = await claim('openapi/huge.txt');
  await store.complete(ids.huge, 'm1', { ...WORK, text: 'خبر عاجل '.repeat(400_000) }, NOW);
});
afterAll(async () => {
  await env?.close();
});

/** A reader whose every call fails, for the 500 and 503 answers. */
const brokenReader: SummaryReader = {
  get: () => Promise.reject(new Error('boom')),
  list: () => Promise.reject(new Error('boom')),
  getText: () => Promise.reject(new Error('boom')),
  facets: () => Promise.reject(new Error('boom')),
  ping: () => Promise.reject(new Error('boom')),
};

const routeOf = (path: string): RouteSpec | undefined => ROUTES.find((r) => pathPattern(r.path).test(path));
const sampleUrl = (route: RouteSpec, id: string) => route.path.replace('{id}', id);

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document served as cacheable UTF-8 JSON', async () => {
    const res = await call(api, 'GET', '/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const doc = JSON.parse(res.body) as Doc;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(typeof doc.paths).toBe('object');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Record', 'ListPage', 'Problem']),
    );
    const again = await call(api, 'GET', '/openapi.json', { 'if-none-match': res.headers.etag ?? '' });
    expect(again.statusCode).toBe(304);
  });

  it('documents every route of the router with its parameters and every status it declares', async () => {
    const doc = await getDocument();
    const documented = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => m !== 'options')
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(
      ROUTES.flatMap((r) => [`${r.method} ${r.path}`, `HEAD ${r.path}`]).sort(),
    );

    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.operationId, route.path).toBe(route.operationId);
      const statuses = Object.keys(op?.responses ?? {}).map(Number);
      for (const status of [...Object.keys(route.responses), ...Object.keys(ROUTER_RESPONSES)].map(Number)) {
        expect(statuses, `${route.path} ${status}`).toContain(status);
        const content = op?.responses[String(status)]?.content;
        if (status >= 400)
          expect(Object.keys(content ?? {}), `${route.path} ${status}`).toEqual(['application/problem+json']);
      }
      for (const name of route.path.match(/\{([^}]+)\}/g) ?? []) {
        const param = op?.parameters?.find((p) => p.in === 'path' && `{${p.name}}` === name);
        expect(param?.required, `${route.path} ${name}`).toBe(true);
      }
      for (const name of Object.keys(route.query?.().shape ?? {})) {
        expect(
          op?.parameters?.some((p) => p.in === 'query' && p.name === name),
          `${route.path}?${name}`,
        ).toBe(true);
      }
      expect(doc.paths[route.path]?.options?.responses['204']).toBeDefined();
      // Every operation of a templated path declares the path parameter, preflight and HEAD included.
      for (const method of ['options', 'head']) {
        for (const name of route.path.match(/\{([^}]+)\}/g) ?? []) {
          const param = doc.paths[route.path]?.[method]?.parameters?.find(
            (p) => p.in === 'path' && `{${p.name}}` === name,
          );
          expect(param?.required, `${method} ${route.path} ${name}`).toBe(true);
        }
      }
    }
    expect(doc.components.responses.NotFound).toBeDefined();
  });

  it('declares exactly the statuses the router answers: each observed status is documented and each documented one occurs', async () => {
    const doc = await getDocument();
    // The broken reader's failures are logged by design; this logger keeps them out of the output.
    const logged: string[] = [];
    const broken = createApiHandler({
      store: brokenReader,
      logger: { error: (m: string) => void logged.push(m) },
    });
    const observed = new Map<string, Set<number>>();
    const unknownPathStatuses = new Set<number>();
    const everyStatus = new Set<number>();
    const probe = async (target: Api, method: string, url: string, headers: Record<string, string> = {}) => {
      const res = await call(target, method, url, headers);
      everyStatus.add(res.statusCode);
      const path = url.split('?')[0] ?? url;
      const route = routeOf(path);
      if (!route) unknownPathStatuses.add(res.statusCode);
      else if (method === 'GET') {
        const set = observed.get(route.path) ?? new Set<number>();
        set.add(res.statusCode);
        observed.set(route.path, set);
        expect(
          doc.paths[route.path]?.get?.responses[String(res.statusCode)],
          `GET ${url} → ${res.statusCode}`,
        ).toBeDefined();
      } else if (method === 'OPTIONS') {
        expect(doc.paths[route.path]?.options?.responses[String(res.statusCode)]).toBeDefined();
      } else {
        expect(
          doc.paths[route.path]?.get?.responses[String(res.statusCode)],
          `${method} ${url}`,
        ).toBeDefined();
      }
      return res;
    };

    for (const route of ROUTES) {
      const url = sampleUrl(route, ids.done);
      const ok = await probe(api, 'GET', url);
      if (ok.headers.etag) await probe(api, 'GET', url, { 'if-none-match': ok.headers.etag });
      await probe(api, 'DELETE', url);
      await probe(api, 'OPTIONS', url);
      await probe(broken, 'GET', url);
      // Bad values for every parameter the document declares for this route.
      const op = doc.paths[route.path]?.get;
      for (const p of op?.parameters ?? []) {
        if (p.in === 'query')
          await probe(api, 'GET', `${url}?${p.name}=${'%01'.repeat(10)}${'x'.repeat(10_000)}`);
        if (p.in === 'path') await probe(api, 'GET', route.path.replace(`{${p.name}}`, '..'));
      }
      if (route.pathParams) {
        await probe(api, 'GET', sampleUrl(route, 'A'.repeat(43)));
        await probe(api, 'GET', sampleUrl(route, ids.deleted));
      }
    }
    await probe(
      api,
      'GET',
      `${sampleUrl(ROUTES.find((r) => r.operationId === 'getSummaryText') as RouteSpec, ids.processing)}`,
    );
    await probe(api, 'GET', `/summaries/${ids.huge}/text`);
    const facets = await probe(api, 'GET', '/facets?kind=entity');
    await probe(api, 'GET', '/facets?kind=entity', { 'if-none-match': facets.headers.etag ?? '' });
    await probe(api, 'GET', '/no-such-thing');
    await probe(api, 'GET', '/summaries/../../etc/passwd');

    for (const route of ROUTES) {
      const seen = [...(observed.get(route.path) ?? [])].filter((s) => !(s in ROUTER_RESPONSES));
      expect(seen.sort(), route.path).toEqual(Object.keys(route.responses).map(Number).sort());
    }
    for (const status of Object.keys(ROUTER_RESPONSES).map(Number)) {
      expect([...everyStatus], String(status)).toContain(status);
    }
    expect([...unknownPathStatuses]).toEqual([404]);
    expect(logged.length).toBeGreaterThan(0);
  });

  it('validates real records, pages and problems served by the API against the document', async () => {
    const doc = await getDocument();
    const schemaFor = (path: string, status: number, type = 'application/json') =>
      doc.paths[path]?.get?.responses[String(status)]?.content?.[type]?.schema ?? { type: 'never' };

    for (const id of [ids.done, ids.processing, ids.failed]) {
      const res = await call(api, 'GET', `/summaries/${id}`);
      const body: unknown = JSON.parse(res.body);
      expect(check(schemaFor('/summaries/{id}', 200), body, doc), id).toEqual([]);
      // The same record also passes the zod schema the document was generated from.
      expect(recordSchema.safeParse(body).success).toBe(true);
    }
    const page: unknown = JSON.parse((await call(api, 'GET', '/summaries?limit=100')).body);
    expect(check(schemaFor('/summaries', 200), page, doc)).toEqual([]);
    expect(listPageSchema.safeParse(page).success).toBe(true);

    const problem: unknown = JSON.parse((await call(api, 'GET', '/summaries?limit=0')).body);
    expect(check(schemaFor('/summaries', 400, 'application/problem+json'), problem, doc)).toEqual([]);
    const config: unknown = JSON.parse((await call(api, 'GET', '/app-config.json')).body);
    expect(check(schemaFor('/app-config.json', 200), config, doc)).toEqual([]);
  });

  it('has a record schema strict enough to reject a record that breaks the contract', async () => {
    const doc = await getDocument();
    const record = JSON.parse((await call(api, 'GET', `/summaries/${ids.done}`)).body) as Record<
      string,
      unknown
    >;
    const recordRef = { $ref: '#/components/schemas/Record' };
    expect(check(recordRef, { ...record, status: 'archived' }, doc)).not.toEqual([]);
    const { id: _id, ...withoutId } = record;
    expect(check(recordRef, withoutId, doc)).toContain('$.id: missing');
    expect(
      check(recordRef, { ...record, article: { ...(record.article as object), publishedAt: 'July' } }, doc),
    ).not.toEqual([]);
    expect(check(recordRef, { ...record, summaries: { ar: { title: 'x' } } }, doc)).not.toEqual([]);
  });

  it('adds a bearer security scheme in JWT mode, leaving the reader page public', async () => {
    const jwtApi = createApiHandler({ store, authMode: 'jwt' });
    const doc = JSON.parse((await call(jwtApi, 'GET', '/openapi.json')).body) as Doc & {
      components: { securitySchemes?: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/summaries']?.get?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/']?.get?.security).toEqual([]);
    expect(doc.paths['/app.js']?.get?.security).toEqual([]);
  });
});
