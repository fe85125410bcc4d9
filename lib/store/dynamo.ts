import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/** Where the adapters write: one table, one client per container. */
export interface TableDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof Error && e.name === 'ConditionalCheckFailedException');

/**
 * Deletes the items of partition `pk` whose sort key starts with `prefix` and that `keep` does not
 * keep (all of them without it). Sequential: these are a few items, and parallel deletes of
 * ~256 KB chunk items would only invite throttling.
 */
export async function deleteByPrefix(
  { client, tableName }: TableDeps,
  pk: string,
  prefix: string,
  keep: (sk: string) => boolean = () => false,
): Promise<void> {
  let lastKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: lastKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const sk = String(item.sk);
      if (!keep(sk)) await client.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk } }));
    }
    lastKey = out.LastEvaluatedKey;
  } while (lastKey);
}
