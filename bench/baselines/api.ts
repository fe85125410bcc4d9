/**
 * Baseline of budget 1 of `npm run bench`: the least an api function could be — the DynamoDB client and
 * DocumentClient, one `GetCommand`. Bundled with the house esbuild options by `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  const id = event.rawPath.split('/').pop() ?? '';
  const out = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: id, sk: 'record' } }),
  );
  return { statusCode: out.Item ? 200 : 404, body: JSON.stringify(out.Item ?? null) };
};
