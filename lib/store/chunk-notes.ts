import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChunkNotesCache } from '../summarise/port.ts';
import { deleteByPrefix } from './dynamo.ts';

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
  clear(): Promise<void> {
    return deleteByPrefix({ client: this.#client, tableName: this.#table }, this.#recordId, NOTE_PREFIX);
  }
}
