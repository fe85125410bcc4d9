import type { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { AuthMode } from '../../lib/http/auth-mode.ts';
import { SECURITY_HEADERS } from '../../lib/http/headers.ts';
import { problem } from '../../lib/http/problem.ts';
import type { SummaryReader } from '../../lib/http/reader-port.ts';
import type { HttpResponse } from '../../lib/http/response.ts';
import { jsonErrorLog } from './error-log.ts';
import { cors } from './middleware/cors.ts';
import { headAsGet } from './middleware/head.ts';
import { problemErrors } from './middleware/problem-errors.ts';
import { type OperationId, pathPattern, ROUTES } from './registry.ts';
import { routes } from './routes.ts';
import { staticRoutes } from './static-routes.ts';

export interface ApiDeps {
  store: SummaryReader;
  /** Where failures are logged. @default Powertools-shaped JSON lines on stdout (error-log.ts) */
  logger?: Pick<Logger, 'error'>;
  /** X-Ray tracing (lib/telemetry/tracing.ts). @default none */
  tracing?: MiddlewareObj;
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
  const logger = deps.logger ?? jsonErrorLog('khulasa-api');
  const authMode = deps.authMode ?? 'none';
  const data = routes(deps.store, logger, authMode);
  const table = routeTable({
    listSummaries: data.list,
    getSummary: data.getOne,
    getSummaryText: data.text,
    listFacets: data.facets,
    health: data.health,
    ...staticRoutes({ authMode }),
  });

  const router = httpRouterHandler<Event, Result>({
    routes: table,
    notFoundResponse: ({ method, path }) => {
      if (!KNOWN_PATHS.some((p) => p.test(path))) return problem(404, 'No such resource.');
      // Preflight for a known path: CORS headers are added by the middleware when allowed.
      if (method === 'OPTIONS') return { statusCode: 204, headers: { ...SECURITY_HEADERS }, body: '' };
      return problem(405, `${method} is not allowed here.`, { headers: { allow: 'GET, HEAD' } });
    },
  });

  // onError runs in reverse order: the problem answer first, then its CORS headers, then HEAD
  // drops the body.
  return middy<Event, Result>()
    .use(deps.tracing ? [deps.tracing] : [])
    .use(headAsGet())
    .use(cors(deps.corsAllowedOrigins ?? []))
    .use(problemErrors(logger))
    .handler(router);
}
