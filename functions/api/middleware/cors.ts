import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { HttpResponse } from '../../../lib/http/response.ts';

type Event = APIGatewayProxyEventV2;

const originOf = (event: Event): string | undefined =>
  Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'origin')?.[1];

/** Adds CORS headers for an allowed origin; every response varies on `origin` either way. */
function addCorsHeaders(allowed: ReadonlySet<string>, event: Event, response: HttpResponse): void {
  const origin = originOf(event);
  response.headers.vary = response.headers.vary ? `${response.headers.vary}, origin` : 'origin';
  if (!origin || !allowed.has(origin)) return;
  response.headers['access-control-allow-origin'] = origin;
  response.headers['access-control-allow-methods'] = 'GET, HEAD, OPTIONS';
  response.headers['access-control-allow-headers'] = 'if-none-match';
  response.headers['access-control-expose-headers'] = 'etag';
  response.headers['access-control-max-age'] = '600';
}

const isResponse = (r: unknown): r is HttpResponse =>
  typeof r === 'object' && r !== null && typeof (r as HttpResponse).headers === 'object';

/**
 * CORS for exact allowed origins, on answers and on error answers alike. With no origin allowed it
 * does nothing at all (a same-origin or server-to-server deployment).
 */
export function cors(allowedOrigins: readonly string[]): MiddlewareObj<Event, APIGatewayProxyResultV2> {
  const allowed = new Set(allowedOrigins);
  const add = (request: { event: Event; response: unknown }) => {
    if (allowed.size > 0 && isResponse(request.response))
      addCorsHeaders(allowed, request.event, request.response);
  };
  return { name: 'khulasa-cors', after: add, onError: add };
}
