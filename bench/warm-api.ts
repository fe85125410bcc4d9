/**
 * Budget 3: warm `GET /summaries/{id}` through the api handler (middy, router,
 * ETag, the real DynamoSummaryReader) against a direct `GetCommand` for the same item, from the
 * same process and the same DocumentClient, alternating request by request against dynalite.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createApiHandler } from '../functions/api/app.ts';
import { startLocalDynamo } from '../infra/local/dynamodb.ts';
import { DynamoSummaryReader } from '../lib/store/reader.ts';
import { RECORD_SK } from '../lib/store/table-schema.ts';
import { getEvent } from './cold-start.ts';
import { BENCH_ID, putBenchRecord } from './record.ts';
import { median, percentile } from './stats.ts';

export const WARM_RATIO_BUDGET = 1.5;

export interface WarmApiFigure {
  requests: number;
  handlerP50Ms: number;
  handlerP99Ms: number;
  getP50Ms: number;
  getP99Ms: number;
  ratio: number;
  pass: boolean;
}

const context = {
  awsRequestId: 'bench',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

export async function measureWarmApi(options: { requests: number; warmup: number }): Promise<WarmApiFigure> {
  const tableName = 'summaries-bench';
  const dynamo = await startLocalDynamo({ port: 0, tableName });
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  try {
    await putBenchRecord(client, tableName);
    const store = new DynamoSummaryReader({
      client,
      tableName,
      cursorSecret: 'bench-cursor-secret-0123456789',
    });
    const handler = createApiHandler({ store });
    const event = getEvent(`/summaries/${BENCH_ID}`) as unknown as APIGatewayProxyEventV2;
    const get = new GetCommand({ TableName: tableName, Key: { pk: BENCH_ID, sk: RECORD_SK } });

    const viaHandler = async () => {
      const result = await handler(event, context);
      if (typeof result !== 'object' || result.statusCode !== 200)
        throw new Error('GET /summaries/{id} failed');
    };
    const direct = async () => {
      const out = await client.send(get);
      if (!out.Item) throw new Error('the bench record is missing');
    };

    for (let i = 0; i < options.warmup; i += 1) {
      await viaHandler();
      await direct();
    }
    const handlerMs: number[] = [];
    const getMs: number[] = [];
    for (let i = 0; i < options.requests; i += 1) {
      // Alternate which goes first, so neither always inherits the other's garbage.
      const order = i % 2 === 0 ? [viaHandler, direct] : [direct, viaHandler];
      for (const step of order) {
        const start = performance.now();
        await step();
        (step === viaHandler ? handlerMs : getMs).push(performance.now() - start);
      }
    }
    const handlerP50Ms = median(handlerMs);
    const getP50Ms = median(getMs);
    const ratio = handlerP50Ms / getP50Ms;
    return {
      requests: options.requests,
      handlerP50Ms,
      handlerP99Ms: percentile(handlerMs, 99),
      getP50Ms,
      getP99Ms: percentile(getMs, 99),
      ratio,
      pass: ratio <= WARM_RATIO_BUDGET,
    };
  } finally {
    client.destroy();
    await dynamo.close();
  }
}
