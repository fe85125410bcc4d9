import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamodb.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';

export interface TestDynamo {
  dynamo: LocalDynamo;
  tableName: string;
  /** A real DocumentClient talking HTTP to dynalite. */
  client: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/**
 * In-memory dynalite on an ephemeral port with a uniquely named table; with
 * `KHULASA_TEST_DYNAMODB=dynamodb-local` (`npm run test:ddb-local`), AWS's DynamoDB Local instead.
 */
export async function startTestDynamo(): Promise<TestDynamo> {
  const tableName = `summaries-${randomUUID()}`;
  const dynamo =
    process.env.KHULASA_TEST_DYNAMODB === 'dynamodb-local'
      ? await startDynamoDbLocal(tableName)
      : await startLocalDynamo({ port: 0, tableName });
  const client = documentClientFor(dynamo.endpoint);
  return {
    dynamo,
    tableName,
    client,
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}

export function documentClientFor(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}
