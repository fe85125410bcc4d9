import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ChunkNotesCache } from '../summarise/port.ts';

const NOTE_PREFIX = 'note#';

/**
 * Map-reduce chunk notes kept beside the record (same partition, `note#<key>` sort keys), so a
 * long article whose attempt timed out resumes instead of paying for its chunks again.
 */
export class DynamoChunkNotes implements ChunkNotesCache {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #recordId: string;

  constructor(deps: { client: DynamoDBDocumentClient; tableName: string; recordId: string }) {
    this.#client = deps.client;
    this.#table = deps.tableName;
    this.#recordId = deps.recordId;
  }

  async get(key: string): Promise<unknown | null> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: this.#recordId, sk: `${NOTE_PREFIX}${key}` } }),
    );
    return out.Item?.value ?? null;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: { pk: this.#recordId, sk: `${NOTE_PREFIX}${key}`, value },
      }),
    );
  }

  /** Once the record is `done` the notes are spent; a failure here only leaves a few KB behind. */
  async clear(): Promise<void> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': this.#recordId, ':prefix': NOTE_PREFIX },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        await this.#client.send(
          new DeleteCommand({ TableName: this.#table, Key: { pk: item.pk, sk: item.sk } }),
        );
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
