import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * An API Gateway HTTP API (payload v2) event for `url` ("/path?query"), as API Gateway builds it:
 * repeated query parameters are joined with commas.
 */
export function apiEvent(
  method: string,
  url: string,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const [path = '/', rawQueryString = ''] = url.split('?', 2);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString))
    query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-test',
      routeKey: '$default',
      stage: '$default',
      time: '15/Jul/2025:10:00:00 +0000',
      timeEpoch: 1752573600000,
    },
    isBase64Encoded: false,
  };
}
