import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deleteByPrefix, type TableDeps } from './dynamo.ts';
import type { RecordItem } from './item.ts';
import { RECORD_SK } from './table-schema.ts';
import { chunkSortKey, compressText, decompressText, INLINE_TEXT_LIMIT, splitChunks } from './text-codec.ts';

const CHUNK_PREFIX = 'text#';

/** Where a written text lives: inline in the record item, or in `chunks` items of generation `gen`. */
export interface StoredText {
  gen: string;
  chunks: number;
  /** The compressed text when it fits in the record item itself. */
  inline: Uint8Array | null;
}

/**
 * Compresses the text and writes its chunk items (when it is too big to live inline) under a
 * fresh generation, before the record points at them: a reader never sees a half-written text
 * and a writer that loses its claim never clobbers the winner's chunks.
 */
export async function writeText(table: TableDeps, id: string, text: string): Promise<StoredText> {
  const compressed = compressText(text);
  const gen = randomBytes(6).toString('base64url');
  if (compressed.byteLength <= INLINE_TEXT_LIMIT) return { gen, chunks: 0, inline: compressed };
  const chunks = splitChunks(compressed);
  for (const [i, chunk] of chunks.entries()) {
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: id, sk: chunkSortKey(i, gen), data: chunk } }),
    );
  }
  return { gen, chunks: chunks.length, inline: null };
}

/** Deletes the chunk items of `id` whose generation `keep` does not keep (all without it). */
export function deleteTextChunks(table: TableDeps, id: string, keep?: (gen: string) => boolean) {
  return deleteByPrefix(table, id, CHUNK_PREFIX, (sk) => keep?.(sk.slice(sk.lastIndexOf('#') + 1)) ?? false);
}

/** The stored text of record `id`, or null when the record has none. */
export async function readText(table: TableDeps, id: string): Promise<string | null> {
  const out = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: { pk: id, sk: RECORD_SK },
      ProjectionExpression: '#text, textChunks, textGen',
      ExpressionAttributeNames: { '#text': 'text' },
    }),
  );
  const item = out.Item as Pick<RecordItem, 'text' | 'textChunks' | 'textGen'> | undefined;
  if (!item) return null;
  if (item.text) return decompressText(item.text);
  if (!item.textChunks || !item.textGen) return null;
  const gen = item.textGen;
  const parts = await Promise.all(
    Array.from({ length: item.textChunks }, async (_, i) => {
      const chunk = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: id, sk: chunkSortKey(i, gen) } }),
      );
      const data: unknown = chunk.Item?.data;
      if (!(data instanceof Uint8Array)) throw new Error(`Text chunk ${i} of record ${id} is missing`);
      return data;
    }),
  );
  return decompressText(Buffer.concat(parts));
}
