import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { problemErrors } from '../../../functions/api/middleware/problem-errors.ts';
import { apiEvent } from '../../support/api-events.ts';

describe('problem-errors middleware', () => {
  it('turns a thrown error into a generic 500 problem and logs the cause with the request path', async () => {
    const logged: { message: string; extra: Record<string, unknown> }[] = [];
    const cause = new Error('ResourceNotFoundException: table summaries-prod not found');
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(
        problemErrors({
          error: (message: string, extra: Record<string, unknown>) => void logged.push({ message, extra }),
        }),
      )
      .handler(async () => {
        throw cause;
      });

    const res = (await handler(apiEvent('GET', '/summaries/abc'), {} as Context)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };

    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(res.body).not.toContain('summaries-prod');
    expect(logged).toEqual([
      {
        message: 'api request failed',
        extra: expect.objectContaining({ error: cause, path: '/summaries/abc' }),
      },
    ]);
  });

  it('leaves a successful answer alone', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(problemErrors({ error: () => undefined }))
      .handler(async () => ({ statusCode: 204, headers: {}, body: '' }));

    const res = await handler(apiEvent('GET', '/health'), {} as Context);

    expect(res).toEqual({ statusCode: 204, headers: {}, body: '' });
  });
});
