/**
 * The one DynamoDB table's key design, shared by the repository, the local stack (which creates
 * the table) and the CDK app (which declares it), so the three can never drift apart.
 *
 * Items:
 * - record:      pk = record id, sk = "record"
 * - text chunks: pk = record id, sk = "text#0000" … (compressed normalised text too large for the record)
 *
 * Indexes:
 * - byCreated: gsi1pk = "c#YYYY-MM" (month of createdAt, so writes spread across partitions),
 *              gsi1sk = createdAt + "#" + id (newest first with ScanIndexForward=false)
 * - byKey:     sourceKey = the S3 key, createdAt — exact key lookup without a Scan
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;

export const RECORD_SK = 'record';

export const INDEXES = {
  byCreated: { name: 'byCreated', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  byKey: { name: 'byKey', partitionKey: 'sourceKey', sortKey: 'createdAt' },
} as const;

/** Everything CreateTable needs, in the SDK's own input shape (no SDK import: plain data). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
      { AttributeName: INDEXES.byCreated.partitionKey, AttributeType: 'S' as const },
      { AttributeName: INDEXES.byCreated.sortKey, AttributeType: 'S' as const },
      { AttributeName: INDEXES.byKey.partitionKey, AttributeType: 'S' as const },
      { AttributeName: INDEXES.byKey.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEXES.byCreated.name,
        KeySchema: [
          { AttributeName: INDEXES.byCreated.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: INDEXES.byCreated.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
      {
        IndexName: INDEXES.byKey.name,
        KeySchema: [
          { AttributeName: INDEXES.byKey.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: INDEXES.byKey.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
