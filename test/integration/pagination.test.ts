import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { recordId } from '../../lib/domain/id.ts';
import { keyAttributes } from '../../lib/store/item.ts';
import { apiEvent } from '../support/api-events.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.ts';
import { TestStore } from '../support/store.ts';

// 250 records over eight months (some empty): the list walks partitions newest first and
// returns each record exactly once, in order, whatever the page size.

const NOW = new Date('2026-11-28T12:00:00.000Z');
let env: TestDynamo;
let api: ReturnType<typeof createApiHandler>;
const expected: string[] = [];

const get = async (rawQueryString: string) => {
  const res = (await api(
    apiEvent('GET', `/summaries?${rawQueryString}`),
    {} as Context,
  )) as APIGatewayProxyStructuredResultV2;
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body ?? '{}') as {
    items: { id: string; createdAt: string }[];
    nextCursor: string | null;
  };
};

beforeAll(async () => {
  env = await startTestDynamo();
  const store = new TestStore({
    client: env.client,
    tableName: env.tableName,
    cursorSecret: 'pagination-secret-0123456789',
    clock: () => NOW,
  });
  api = createApiHandler({ store });
  // Months 2026-11 back to 2026-04, with 2026-09 and 2026-06 left empty.
  const months = ['2026-11', '2026-10', '2026-08', '2026-07', '2026-05', '2026-04'];
  const items = Array.from({ length: 250 }, (_, i) => {
    const month = months[i % months.length] as string;
    const createdAt = `${month}-${String(1 + (i % 27)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`;
    const key = `paging/${i}.txt`;
    const id = recordId('articles', key);
    return {
      ...keyAttributes(id, createdAt, key),
      id,
      status: 'done',
      source: { bucket: 'articles', key, versionId: null, etag: 'e', size: 1, contentType: null },
      createdAt,
      updatedAt: createdAt,
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    await env.client.send(
      new BatchWriteCommand({
        RequestItems: { [env.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  expected.push(
    ...items
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .map((r) => r.id),
  );
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('GET /summaries over 250 records across month partitions', () => {
  it.each([7, 20, 100])('returns every record exactly once, newest first, with limit=%i', async (limit) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await get(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }

    expect(cursor).toBeNull();
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual(expected);
  });
});
