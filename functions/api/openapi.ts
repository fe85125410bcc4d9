import * as z from 'zod/mini';
import type { AuthMode } from '../../lib/http/auth-mode.ts';
import {
  appConfigSchema,
  facetPageSchema,
  healthSchema,
  listPageSchema,
  problemSchema,
  recordSchema,
} from '../../lib/http/schemas.ts';
import {
  NOT_FOUND_RESPONSE,
  type ResponseSchemaName,
  type ResponseSpec,
  ROUTER_RESPONSES,
  ROUTES,
  type RouteSpec,
} from './registry.ts';

/**
 * The OpenAPI 3.1 document, generated from the route registry and the zod/mini schemas that
 * validate requests and shape responses. Loaded with a dynamic import on the first
 * `GET /openapi.json` only, so the JSON Schema generator is never run on other requests.
 */

type Json = Record<string, unknown>;

/** Named components; response bodies refer to them with `$ref`. */
const COMPONENTS: ReadonlyArray<readonly [string, z.ZodMiniType]> = [
  ['Record', recordSchema],
  ['ListPage', listPageSchema],
  ['FacetPage', facetPageSchema],
  ['Problem', problemSchema],
  ['Health', healthSchema],
  ['AppConfig', appConfigSchema],
];

/** The schema each response name of the registry stands for. */
const RESPONSE_SCHEMAS: Readonly<Record<ResponseSchemaName, z.ZodMiniType>> = {
  record: recordSchema,
  listPage: listPageSchema,
  facetPage: facetPageSchema,
  problem: problemSchema,
  health: healthSchema,
  appConfig: appConfigSchema,
};

const REF = (name: string) => `#/components/schemas/${name}`;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) without the per-document keywords. */
function bare(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Request parameters are strings on the wire: describe their input side. */
function inputSchema(schema: z.ZodMiniType): Json {
  return bare(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json);
}

const HEADER_DOCS: Record<string, Json> = {
  etag: { description: 'Strong validator for `If-None-Match`.', schema: { type: 'string' } },
  'cache-control': { description: 'Caching policy.', schema: { type: 'string' } },
  allow: { description: 'The methods this path serves.', schema: { type: 'string' } },
  'content-security-policy': {
    description: 'Strict CSP: same-origin script, style and fetch only.',
    schema: { type: 'string' },
  },
};

export function buildOpenApiDocument(options: { authMode: AuthMode; version?: string }): Json {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodMiniType, string>();
  for (const [name, schema] of COMPONENTS) {
    registry.add(schema, { id: name });
    names.set(schema, name);
  }
  const generated = z.toJSONSchema(registry, { uri: REF }) as { schemas: Record<string, Json> };
  const schemas = Object.fromEntries(Object.entries(generated.schemas).map(([k, v]) => [k, bare(v)]));

  const schemaOf = (schema: z.ZodMiniType): Json => {
    const name = names.get(schema);
    return name ? { $ref: REF(name) } : bare(z.toJSONSchema(schema) as Json);
  };

  const response = (spec: ResponseSpec): Json => ({
    description: spec.description,
    ...(spec.headers
      ? { headers: Object.fromEntries(spec.headers.map((h) => [h, HEADER_DOCS[h] ?? {}])) }
      : {}),
    ...(spec.content
      ? {
          content: {
            [spec.content.type]: spec.content.schema
              ? { schema: schemaOf(RESPONSE_SCHEMAS[spec.content.schema]) }
              : { schema: { type: 'string' } },
          },
        }
      : {}),
  });

  const needsToken = (route: RouteSpec) => options.authMode === 'jwt' && !route.public;

  const pathParameters = (route: RouteSpec): Json[] =>
    Object.entries(route.pathParams ?? {}).map(([name, schema]) => ({
      name,
      in: 'path',
      required: true,
      schema: inputSchema(schema),
    }));

  const operation = (route: RouteSpec): Json => {
    const parameters: Json[] = pathParameters(route);
    if (route.query) {
      const query = inputSchema(route.query()) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        const description = route.queryDocs?.[name];
        parameters.push({
          name,
          in: 'query',
          required: query.required?.includes(name) ?? false,
          schema,
          ...(description ? { description } : {}),
        });
      }
    }
    if (route.responses[304]) {
      parameters.push({
        name: 'if-none-match',
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: 'An ETag from an earlier answer: 304 when it still matches.',
      });
    }
    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries({ ...route.responses, ...ROUTER_RESPONSES })) {
      responses[status] = response(spec);
    }
    if (needsToken(route)) {
      responses['401'] = response({
        description: 'Missing or invalid bearer token (answered by API Gateway).',
      });
    }
    return {
      operationId: route.operationId,
      summary: route.summary,
      tags: [...route.tags],
      ...(parameters.length > 0 ? { parameters } : {}),
      responses,
      ...(options.authMode === 'jwt' ? { security: needsToken(route) ? [{ bearer: [] }] : [] } : {}),
    };
  };

  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const get = operation(route);
    const params = pathParameters(route);
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: get,
      // HEAD answers exactly like GET, without the body.
      head: {
        ...get,
        responses: Object.fromEntries(
          Object.entries(get.responses as Record<string, Json>).map(([status, { content: _c, ...rest }]) => [
            status,
            rest,
          ]),
        ),
        operationId: `${route.operationId}Head`,
        summary: `${route.summary} Headers only (HEAD).`,
      },
      options: {
        operationId: `${route.operationId}Preflight`,
        summary: 'CORS preflight (headers only for configured origins).',
        tags: ['cors'],
        ...(params.length > 0 ? { parameters: params } : {}),
        responses: { 204: { description: 'No Content.' } },
      },
    };
  }

  return {
    openapi: '3.1.1',
    info: {
      title: 'khulasa summaries API',
      version: options.version ?? '1',
      description:
        'Bilingual (Arabic + English) summaries of news articles. Errors are RFC 9457 ' +
        '`application/problem+json`; JSON is UTF-8 with Arabic as characters.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'summaries', description: 'Records and their text.' },
      { name: 'operations', description: 'Health and this document.' },
      { name: 'reader', description: 'The reader page and its files.' },
      { name: 'cors', description: 'CORS preflights.' },
    ],
    paths,
    components: {
      schemas,
      responses: { NotFound: response(NOT_FOUND_RESPONSE) },
      ...(options.authMode === 'jwt'
        ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } }
        : {}),
    },
  };
}
