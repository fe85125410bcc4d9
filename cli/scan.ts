import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ModelInfo, RecordStatus, SourceInfo } from '../lib/store/record.ts';
import { RECORD_SK, TABLE_KEYS } from '../lib/store/table-schema.ts';

/** The record fields `reprocess` needs, plus the internal sequencer the API does not serve. */
export interface ScannedRecord {
  id: string;
  status: RecordStatus;
  source: SourceInfo;
  model: ModelInfo | null;
  sequencer: string | null;
  updatedAt: string;
  /** Epoch ms until which a `processing` record's claim is held (internal); null when none is. */
  leaseUntil: number | null;
}

/**
 * Every record item (optionally under a key prefix), page by page. A Scan is fine for this
 * administrative command, never for the API. Text chunk items are filtered out by their sort key.
 */
export async function* scanRecords(
  doc: DynamoDBDocumentClient,
  tableName: string,
  prefix: string | null,
): AsyncGenerator<ScannedRecord> {
  let start: Record<string, unknown> | undefined;
  const byPrefix = prefix !== null && prefix !== '';
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: byPrefix ? '#sk = :record AND begins_with(#key, :prefix)' : '#sk = :record',
        ProjectionExpression: '#id, #status, #source, #model, #sequencer, #updatedAt, #leaseUntil',
        ExpressionAttributeNames: {
          '#sk': TABLE_KEYS.sortKey,
          '#id': 'id',
          '#status': 'status',
          '#source': 'source',
          '#model': 'model',
          '#sequencer': 'sequencer',
          '#updatedAt': 'updatedAt',
          '#leaseUntil': 'leaseUntil',
          ...(byPrefix ? { '#key': 'sourceKey' } : {}),
        },
        ExpressionAttributeValues: { ':record': RECORD_SK, ...(byPrefix ? { ':prefix': prefix } : {}) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const source = item.source as SourceInfo;
      yield {
        id: String(item.id),
        status: item.status as RecordStatus,
        source: {
          bucket: source.bucket,
          key: source.key,
          versionId: source.versionId ?? null,
          etag: source.etag ?? null,
          size: source.size ?? null,
          contentType: source.contentType ?? null,
        },
        model: (item.model as ModelInfo | undefined) ?? null,
        sequencer: typeof item.sequencer === 'string' ? item.sequencer : null,
        updatedAt: String(item.updatedAt),
        leaseUntil: typeof item.leaseUntil === 'number' ? item.leaseUntil : null,
      };
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
