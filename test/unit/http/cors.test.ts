import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cors } from '../../../functions/api/middleware/cors.ts';
import { problemErrors } from '../../../functions/api/middleware/problem-errors.ts';
import { apiEvent } from '../../support/api-events.ts';

type Result = { statusCode: number; headers: Record<string, string>; body: string };

const ok = async (): Promise<APIGatewayProxyResultV2> => ({ statusCode: 200, headers: {}, body: '{}' });
const failing = async (): Promise<APIGatewayProxyResultV2> => {
  throw new Error('table gone');
};
const silent = { error: () => undefined };

function call(handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<unknown>, origin?: string) {
  // Capitalised as some clients send it: header names are case-insensitive.
  return handler(
    apiEvent('GET', '/summaries', origin ? { Origin: origin } : {}),
    {} as Context,
  ) as Promise<Result>;
}

describe('cors middleware', () => {
  const allowed = 'https://reader.example';

  it('allows an exact allowed origin, whatever the header case', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(cors([allowed]))
      .handler(ok);

    const res = await call(handler, allowed);

    expect(res.headers).toMatchObject({
      'access-control-allow-origin': allowed,
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-expose-headers': 'etag',
      vary: 'origin',
    });
  });

  it('gives another origin no CORS headers but still varies on origin', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(cors([allowed]))
      .handler(ok);

    const res = await call(handler, 'https://evil.example');

    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('origin');
  });

  it('does nothing when no origin is allowed', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().use(cors([])).handler(ok);

    const res = await call(handler, allowed);

    expect(res.headers).toEqual({});
  });

  it('adds its headers to the problem answer of a failed request', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(cors([allowed]))
      .use(problemErrors(silent))
      .handler(failing);

    const res = await call(handler, allowed);

    expect(res.statusCode).toBe(500);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
  });
});
