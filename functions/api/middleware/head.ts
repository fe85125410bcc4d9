import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { HttpResponse } from '../../../lib/http/response.ts';

type Event = APIGatewayProxyEventV2;

const isResponse = (r: unknown): r is HttpResponse =>
  typeof r === 'object' && r !== null && typeof (r as HttpResponse).headers === 'object';

/**
 * HEAD answers exactly like GET — status, headers, ETag, problems — without the body (RFC 9110):
 * the request is routed as a GET and the body dropped from whatever answer comes back.
 */
export function headAsGet(): MiddlewareObj<Event, APIGatewayProxyResultV2> {
  const heads = new WeakSet<Event>();
  const strip = (request: { event: Event; response: unknown }) => {
    if (heads.has(request.event) && isResponse(request.response)) request.response.body = '';
  };
  return {
    name: 'khulasa-head',
    before: (request) => {
      const http = request.event.requestContext?.http;
      if (http?.method === 'HEAD') {
        heads.add(request.event);
        http.method = 'GET';
      }
    },
    after: strip,
    onError: strip,
  };
}
