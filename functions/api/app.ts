import middy, { type MiddlewareObj } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { SECURITY_HEADERS } from '../../lib/http/headers.ts';
import { internalError, problem } from '../../lib/http/problem.ts';
import type { SummaryReader } from '../../lib/http/reader-port.ts';
import type { HttpResponse } from '../../lib/http/response.ts';
import type { AuthMode } from '../../lib/http/schemas.ts';
import { logError } from './log.ts';
import { type OperationId, pathPattern, ROUTES } from './registry.ts';
import { routes } from './routes.ts';
import { staticRoutes } from './static-routes.ts';

export interface ApiDeps {
  store: SummaryReader;
  /** Exact origins that get CORS headers; empty = none. */
  corsAllowedOrigins?: readonly string[];
  /** How the deployment authenticates browsers; tells the reader page what to do. @default 'none' */
  authMode?: AuthMode;
}

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyResultV2;
type Handler = (event: Event) => Promise<HttpResponse>;

/** Path patterns of the routes, for telling 405 (known path, other method) from 404. */
const KNOWN_PATHS = ROUTES.map((r) => pathPattern(r.path));

/** The router's table, built from the registry: every registered operation has its handler. */
function routeTable(handlers: Readonly<Record<OperationId, Handler>>): Route<Event, Result>[] {
  return ROUTES.map((r) => ({ method: r.method, path: r.path, handler: handlers[r.operationId] }));
}

/**
 * The API as a middy handler over API Gateway HTTP API payload v2. Built from injected deps so
 * tests and the local stack run exactly what Lambda runs.
 */
export function createApiHandler(deps: ApiDeps) {
  const data = routes(deps.store);
  const table = routeTable({
    listSummaries: data.list,
    getSummary: data.getOne,
    getSummaryText: data.text,
    health: data.health,
    ...staticRoutes({ authMode: deps.authMode ?? 'none' }),
  });
  const allowed = new Set(deps.corsAllowedOrigins ?? []);

  const router = httpRouterHandler<Event, Result>({
    routes: table,
    notFoundResponse: ({ method, path }) => {
      if (!KNOWN_PATHS.some((p) => p.test(path))) return problem(404, 'No such resource.');
      // Preflight for a known path: CORS headers are added by the middleware when allowed.
      if (method === 'OPTIONS') return { statusCode: 204, headers: { ...SECURITY_HEADERS }, body: '' };
      return problem(405, `${method} is not allowed here.`, { headers: { allow: 'GET' } });
    },
  });

  const cors = (event: Event, response: HttpResponse): void => {
    const origin = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'origin')?.[1];
    response.headers.vary = response.headers.vary ? `${response.headers.vary}, origin` : 'origin';
    if (!origin || !allowed.has(origin)) return;
    response.headers['access-control-allow-origin'] = origin;
    response.headers['access-control-allow-methods'] = 'GET, OPTIONS';
    response.headers['access-control-allow-headers'] = 'if-none-match';
    response.headers['access-control-expose-headers'] = 'etag';
    response.headers['access-control-max-age'] = '600';
  };

  const edge: MiddlewareObj<Event, Result> = {
    name: 'khulasa-api-edge',
    after: (request) => {
      const response = request.response;
      if (response && typeof response === 'object' && response.headers && allowed.size > 0) {
        cors(request.event, response as HttpResponse);
      }
    },
    onError: (request) => {
      // The real cause goes to the log only; the client gets a generic 500.
      logError('api request failed', request.error, {
        path: request.event.requestContext?.http?.path,
        requestId: request.event.requestContext?.requestId,
      });
      const response = internalError();
      if (allowed.size > 0) cors(request.event, response);
      request.response = response;
    },
  };

  return middy<Event, Result>().use(edge).handler(router);
}
