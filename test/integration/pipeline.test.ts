import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { decodeS3Key } from '../../lib/events/s3-notification.ts';
import { apiEvent } from '../support/api-events.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { sqsEvent } from '../support/sqs-events.ts';

// Upload → S3 event → SQS-shaped event → the real ingest handler → DynamoDB → the real api
// handler, all through the real SDK clients over HTTP to the local S3 server and dynalite.

let rig: IngestRig;
let api: ReturnType<typeof createApiHandler>;

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;

const get = async (path: string): Promise<APIGatewayProxyStructuredResultV2> =>
  (await api(apiEvent('GET', path), context)) as APIGatewayProxyStructuredResultV2;
const upload = (key: string, body: Uint8Array | string) => rig.upload(key, body);
const ingest: IngestRig['ingest'] = (event, ctx) => rig.ingest(event, ctx);

beforeAll(async () => {
  rig = await startIngestRig({ config: { MAX_RECEIVE_COUNT: '3', MAX_ARTICLE_BYTES: '20000' } });
  api = createApiHandler({ store: rig.store });
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

describe('the ingest handler against the local S3 server and dynalite', () => {
  it('stores a done record for an upload under an Arabic key and the api serves it', async () => {
    const key = 'incoming/تقرير الطاقة (1).txt';
    const record = await upload(key, SOLAR_ARTICLE.bytes);

    const response = await ingest(
      sqsEvent([{ id: 'm-1', body: JSON.stringify({ Records: [record] }) }]),
      context,
    );

    expect(response.batchItemFailures).toEqual([]);
    const served = await get(`/summaries/${recordId('articles', key)}`);
    expect(served.statusCode).toBe(200);
    const body = JSON.parse(served.body ?? '{}') as SummaryRecord;
    expect(body).toMatchObject({
      status: 'done',
      source: { bucket: 'articles', key, versionId: null },
      article: {
        language: 'ar',
        title: SOLAR_ARTICLE.title,
      },
      model: { provider: 'extractive' },
      error: null,
      schemaVersion: 1,
    });
    expect(body.source.size).toBe(SOLAR_ARTICLE.bytes.length);
    // What the object itself says, read before download, is on the record.
    expect(body.source.etag).toMatch(/^[0-9a-f]{32}$/);
    // The text stages' metadata reaches the record; the appended related article is split off.
    expect(body.article).toMatchObject({
      publishedAt: SOLAR_ARTICLE.publishedAt,
      outlet: SOLAR_ARTICLE.outlet,
    });
    expect(body.article?.related).toEqual([{ title: SOLAR_ARTICLE.relatedTitle }]);
    const summaryText = JSON.stringify(body.summaries);
    expect(summaryText).not.toContain('أسطح المدارس');
    const text = await get(`/summaries/${recordId('articles', key)}/text`);
    expect(text.body).toContain(SOLAR_ARTICLE.bodySentence);
    expect(text.body).not.toContain('أسطح المدارس');
    expect(body.summaries.ar?.keyPoints.length).toBeGreaterThan(0);
    expect(body.quality.flags).toContain('missing_language:en');
  });

  it('lists the stored record through the index', async () => {
    const page = await get('/summaries?limit=10');
    const body = JSON.parse(page.body ?? '{}') as { items: SummaryRecord[] };
    expect(body.items.map((r) => r.source.key)).toContain('incoming/تقرير الطاقة (1).txt');
  });

  it('acknowledges an s3:TestEvent without storing anything', async () => {
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'articles' });

    const response = await ingest(sqsEvent([{ id: 'test-event', body }]), context);

    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports only the malformed message of a batch as failed', async () => {
    const good = await upload('incoming/good.txt', 'Headline\nA short English article body about the city.');

    const response = await ingest(
      sqsEvent([
        { id: 'good', body: JSON.stringify({ Records: [good] }) },
        { id: 'bad', body: '{"not":"an S3 notification"}' },
      ]),
      context,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    const stored = await rig.ddb.client.send(
      new GetCommand({
        TableName: rig.ddb.tableName,
        Key: { pk: recordId('articles', 'incoming/good.txt'), sk: 'record' },
      }),
    );
    expect(stored.Item?.status).toBe('done');
  });

  it('keeps concurrent invocations apart: each reports exactly its own failed records', async () => {
    const records = await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        upload(`incoming/concurrent-${n}.txt`, `Headline ${n}\nA short article body ${n}.`),
      ),
    );
    const bad = (id: string) => ({ id, body: '{"not":"an S3 notification"}' });

    const [first, second, third] = await Promise.all([
      ingest(
        sqsEvent([{ id: 'c-a', body: JSON.stringify({ Records: [records[0]] }) }, bad('bad-1')]),
        context,
      ),
      ingest(sqsEvent([{ id: 'c-b', body: JSON.stringify({ Records: [records[1]] }) }]), context),
      ingest(
        sqsEvent([bad('bad-2'), { id: 'c-c', body: JSON.stringify({ Records: [records[2]] }) }]),
        context,
      ),
    ]);

    expect(first?.batchItemFailures).toEqual([{ itemIdentifier: 'bad-1' }]);
    expect(second?.batchItemFailures).toEqual([]);
    expect(third?.batchItemFailures).toEqual([{ itemIdentifier: 'bad-2' }]);
  });

  it('ends an empty upload as failed/empty and acknowledges the message', async () => {
    const record = await upload('incoming/empty.txt', new Uint8Array());

    const response = await ingest(
      sqsEvent([{ id: 'empty', body: JSON.stringify({ Records: [record] }) }]),
      context,
    );

    expect(response.batchItemFailures).toEqual([]);
    const body = JSON.parse(
      (await get(`/summaries/${recordId('articles', 'incoming/empty.txt')}`)).body ?? '{}',
    );
    expect(body.status).toBe('failed');
    expect(body.error).toEqual({ code: 'empty', message: expect.stringMatching(/empty/) });
  });

  it('refuses an upload over MAX_ARTICLE_BYTES as too_large', async () => {
    const record = await upload('incoming/huge.txt', 'خبر '.repeat(10_000));

    await ingest(sqsEvent([{ id: 'huge', body: JSON.stringify({ Records: [record] }) }]), context);

    const body = JSON.parse(
      (await get(`/summaries/${recordId('articles', 'incoming/huge.txt')}`)).body ?? '{}',
    );
    expect(body.error?.code).toBe('too_large');
  });

  it('records source_missing when the object is gone before processing', async () => {
    const record = await upload('incoming/vanished.txt', 'عنوان\nنص');
    record.s3.object.key = 'incoming/never-uploaded.txt';

    const response = await ingest(
      sqsEvent([{ id: 'gone', body: JSON.stringify({ Records: [record] }) }]),
      context,
    );

    expect(response.batchItemFailures).toEqual([]);
    const body = JSON.parse(
      (await get(`/summaries/${recordId('articles', 'incoming/never-uploaded.txt')}`)).body ?? '{}',
    );
    expect(body.error?.code).toBe('source_missing');
  });

  it('makes a duplicate delivery of a done article a no-op', async () => {
    const key = 'incoming/تقرير الطاقة (1).txt';
    const before = JSON.parse(
      (await get(`/summaries/${recordId('articles', key)}`)).body ?? '{}',
    ) as SummaryRecord;
    const original = rig.events.find((e) => decodeS3Key(e.s3.object.key) === key);

    const response = await ingest(
      sqsEvent([{ id: 'm-dup', body: JSON.stringify({ Records: [original] }) }]),
      context,
    );

    expect(response.batchItemFailures).toEqual([]);
    const after = JSON.parse(
      (await get(`/summaries/${recordId('articles', key)}`)).body ?? '{}',
    ) as SummaryRecord;
    expect(after.updatedAt).toBe(before.updatedAt);
  });
});
