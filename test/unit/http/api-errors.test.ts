import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../functions/api/app.ts';
import { apiEvent } from '../../support/api-events.ts';
import { TestStore } from '../../support/store.ts';

describe('api error path', () => {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
  const ddb = mockClient(client);
  afterEach(() => {
    ddb.reset();
  });

  it('answers a generic 500 problem and hands the real AWS error to the logger only', async () => {
    const secretDetail =
      'User: arn:aws:sts::123456789012:assumed-role/api is not authorized on table summaries-prod';
    ddb.on(GetCommand).rejects(Object.assign(new Error(secretDetail), { name: 'AccessDeniedException' }));
    const logged: unknown[][] = [];
    const api = createApiHandler({
      store: new TestStore({ client, tableName: 'summaries-prod', cursorSecret: 'x'.repeat(16) }),
      logger: { error: (...args: unknown[]) => void logged.push(args) },
    });

    const res = (await api(apiEvent('GET', `/summaries/${'A'.repeat(43)}`), {} as Context)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };

    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Internal Server Error',
    });
    expect(res.body).not.toContain('arn:aws');
    expect(res.body).not.toContain('summaries-prod');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.[0]).toBe('api request failed');
    expect(logged[0]?.[1]).toMatchObject({ error: { name: 'AccessDeniedException', message: secretDetail } });
  });
});
