import type * as z from 'zod/mini';
import {
  facetsQuerySchema,
  idSchema,
  listQuerySchema,
  recordQuerySchema,
} from '../../lib/http/validation.ts';

/**
 * The one route table: the router (app.ts) is built from it, the OpenAPI document (openapi.ts)
 * is generated from it, and the CDK stack can read its paths. A route added here without a
 * handler does not compile; a status a handler answers that is not declared here fails
 * test/integration/openapi.test.ts.
 */

type MediaType =
  | 'application/json'
  | 'application/problem+json'
  | 'text/plain'
  | 'text/html'
  | 'text/javascript'
  | 'text/css';

/**
 * A response body's schema, by name: `openapi.ts` (loaded only for `/openapi.json`) resolves it,
 * so a cold start never builds the response schemas the data routes do not need.
 */
export type ResponseSchemaName = 'problem' | 'listPage' | 'record' | 'facetPage' | 'health' | 'appConfig';

export interface ResponseSpec {
  description: string;
  /** Absent for bodiless answers (304, 204). */
  content?: { type: MediaType; schema?: ResponseSchemaName };
  headers?: readonly ('etag' | 'cache-control' | 'allow' | 'content-security-policy')[];
}

export interface RouteSpec {
  operationId: OperationId;
  method: 'GET';
  /** OpenAPI / API Gateway style: `{name}` for a path parameter. */
  path: string;
  summary: string;
  tags: readonly string[];
  pathParams?: Readonly<Record<string, z.ZodMiniType>>;
  /** A function: the list and facet schemas are built on first use, not at cold start. */
  query?: () => z.ZodMiniObject;
  /** What a query parameter means, for the document (names must be keys of `query`). */
  queryDocs?: Readonly<Record<string, string>>;
  /** Statuses this route's handler answers itself. */
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Served without credentials even when the data routes need a JWT (the reader page's files). */
  public?: boolean;
}

const OPERATION_IDS = [
  'listSummaries',
  'getSummary',
  'getSummaryText',
  'listFacets',
  'health',
  'openapi',
  'readerPage',
  'readerScript',
  'readerStyles',
  'readerConfig',
] as const;
export type OperationId = (typeof OPERATION_IDS)[number];

const problem = (description: string): ResponseSpec => ({
  description,
  content: { type: 'application/problem+json', schema: 'problem' },
});
const notModified: ResponseSpec = {
  description: 'Not Modified: the `If-None-Match` tag matches the current representation.',
  headers: ['etag', 'cache-control'],
};
const ok = (description: string, type: MediaType, schema?: ResponseSchemaName): ResponseSpec => ({
  description,
  content: schema ? { type, schema } : { type },
  headers: ['etag', 'cache-control'],
});
const asset = (operationId: OperationId, path: string, summary: string, type: MediaType): RouteSpec => ({
  operationId,
  method: 'GET',
  path,
  summary,
  tags: ['reader'],
  public: true,
  responses: { 200: ok(summary, type), 304: notModified },
});

export const ROUTES: readonly RouteSpec[] = [
  {
    operationId: 'listSummaries',
    method: 'GET',
    path: '/summaries',
    summary:
      'Records, newest first, one page at a time (follow `nextCursor`). `outlet`, `entity` and `topic` match ' +
      'after Arabic and case folding; with `from` or `to` the order is newest `publishedAt` first.',
    tags: ['summaries'],
    query: listQuerySchema,
    queryDocs: {
      outlet:
        "The article's outlet, any spelling: matched after Arabic letter, diacritic, digit and case folding.",
      entity:
        'A person, organisation or place among the summary entities, in either language the model named it.',
      topic: 'One of the summary topics, matched after the same folding.',
      from: '`publishedAt` on or after this date (inclusive); undated records are left out, newest published first.',
      to: '`publishedAt` on or before this date (inclusive); undated records are left out, newest published first.',
      cursor: '`nextCursor` of the previous page, for the same filters.',
    },
    responses: {
      200: ok('A page of records.', 'application/json', 'listPage'),
      304: notModified,
      400: problem(
        'A parameter is invalid (a filter value that cannot match, a bad date, `from` after `to`), or the ' +
          'cursor is forged, truncated or foreign.',
      ),
    },
  },
  {
    operationId: 'getSummary',
    method: 'GET',
    path: '/summaries/{id}',
    summary: 'One record; `lang` narrows `summaries` to one language.',
    tags: ['summaries'],
    pathParams: { id: idSchema },
    query: () => recordQuerySchema,
    responses: {
      200: ok('The record.', 'application/json', 'record'),
      304: notModified,
      400: problem('The id or a parameter is invalid.'),
      404: problem('No record has this id.'),
      410: problem('The article was deleted (the record is a tombstone).'),
    },
  },
  {
    operationId: 'getSummaryText',
    method: 'GET',
    path: '/summaries/{id}/text',
    summary: "The article's normalised text.",
    tags: ['summaries'],
    pathParams: { id: idSchema },
    responses: {
      200: ok('The normalised text, UTF-8.', 'text/plain'),
      304: notModified,
      400: problem('The id is invalid.'),
      404: problem('No record has this id, or no text is stored for it yet.'),
      410: problem('The article was deleted (the record is a tombstone).'),
      413: problem("The text is larger than one answer can carry (Lambda's 6 MB response limit)."),
    },
  },
  {
    operationId: 'listFacets',
    method: 'GET',
    path: '/facets',
    summary: 'The most frequent outlets, entities or topics with their record counts, for a filter UI.',
    tags: ['summaries'],
    query: facetsQuerySchema,
    queryDocs: {
      kind: 'Which values: the outlets, the entities or the topics.',
      prefix: 'Only values whose folded form starts with this one, folded the same way.',
      limit: 'How many values, 1 to 100 (default 20).',
    },
    responses: {
      200: ok('Values, most frequent first.', 'application/json', 'facetPage'),
      304: notModified,
      400: problem('`kind` is missing or unknown, or `prefix` or `limit` is invalid.'),
    },
  },
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    summary: 'Whether the summary table answers.',
    tags: ['operations'],
    responses: {
      200: ok('Healthy.', 'application/json', 'health'),
      503: problem('The summary table is not reachable.'),
    },
  },
  {
    ...asset('openapi', '/openapi.json', 'This OpenAPI 3.1 document.', 'application/json'),
    tags: ['operations'],
  },
  {
    ...asset('readerPage', '/', 'The bilingual reader page (HTML, no data of its own).', 'text/html'),
    responses: {
      200: {
        ...ok('The reader page.', 'text/html'),
        headers: ['etag', 'cache-control', 'content-security-policy'],
      },
      304: notModified,
    },
  },
  asset('readerScript', '/app.js', "The reader page's script.", 'text/javascript'),
  asset('readerStyles', '/app.css', "The reader page's styles.", 'text/css'),
  {
    ...asset('readerConfig', '/app-config.json', 'How the reader page authenticates.', 'application/json'),
    responses: {
      200: ok('The auth mode of this deployment.', 'application/json', 'appConfig'),
      304: notModified,
    },
  },
];

/** Answered by the router or the error middleware for every route, not by a route's handler. */
export const ROUTER_RESPONSES: Readonly<Record<number, ResponseSpec>> = {
  405: {
    ...problem('Only GET, HEAD (and CORS preflight OPTIONS) are served on this path.'),
    headers: ['allow'],
  },
  500: problem('An unexpected failure; the body never carries internals.'),
};
/** The router's answer for a path no route has. */
export const NOT_FOUND_RESPONSE: ResponseSpec = problem('No such resource.');

/** `/summaries/{id}/text` → a RegExp matching the path (with an optional trailing slash). */
export function pathPattern(path: string): RegExp {
  if (path === '/') return /^\/$/;
  const escaped = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}
