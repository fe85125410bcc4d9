import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PUBLIC_FIELDS } from '../../../lib/store/projection.ts';
import { createTableInput } from '../../../lib/store/table-schema.ts';

export interface StorageProps {
  /** What happens to the buckets and the table when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** DynamoDB deletion protection. @default true */
  readonly deletionProtection?: boolean;
  /** Empty the buckets when the stack is deleted (only with `RemovalPolicy.DESTROY`). @default false */
  readonly autoDeleteObjects?: boolean;
  /** How long replaced or deleted article versions are kept. @default Duration.days(30) */
  readonly noncurrentVersionExpiration?: Duration;
  /** How long S3 server access logs are kept. @default Duration.days(90) */
  readonly accessLogExpiration?: Duration;
}

/** The articles bucket (with its access-log bucket) and the summaries table. */
export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = props.autoDeleteObjects ?? false;

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access logs cannot be delivered to a bucket encrypted with SSE-KMS.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: props.accessLogExpiration ?? Duration.days(90) },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the articles bucket access logs; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'ArticlesBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versions let a replaced or deleted article be reprocessed; the record keeps its versionId.
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'articles/',
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });

    this.table = createSummariesTable(this, 'SummariesTable', {
      removalPolicy,
      deletionProtection: props.deletionProtection ?? true,
    });
  }
}

/**
 * What the list queries read from the indexes: the public record fields, the same list the
 * reader's `ProjectionExpression` names. Keys are projected anyway. Everything else — the
 * compressed text, text chunk notes, claim and lease internals — stays on the table: projecting
 * ALL would copy every record write, text included, into both indexes. A test runs the real list
 * queries against this list.
 */
export const LIST_PROJECTED_ATTRIBUTES: readonly string[] = PUBLIC_FIELDS;

type KeyElement = { AttributeName: string; KeyType: 'HASH' | 'RANGE' };
type Design = ReturnType<typeof createTableInput>;

/** Builds the table from the shared key design, so the names live only in `table-schema.ts`. */
function createSummariesTable(
  scope: Construct,
  id: string,
  opts: { removalPolicy: RemovalPolicy; deletionProtection: boolean },
): dynamodb.Table {
  // The name is ignored: CloudFormation names the table; the handlers get it from TABLE_NAME.
  const design = createTableInput('summaries');
  const table = new dynamodb.Table(scope, id, {
    partitionKey: keyAttribute(design, design.KeySchema, 'HASH'),
    sortKey: keyAttribute(design, design.KeySchema, 'RANGE'),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: opts.deletionProtection,
    removalPolicy: opts.removalPolicy,
  });
  for (const index of design.GlobalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: keyAttribute(design, index.KeySchema, 'HASH'),
      sortKey: keyAttribute(design, index.KeySchema, 'RANGE'),
      projectionType: dynamodb.ProjectionType.INCLUDE,
      // An index's own key attributes are always projected; DynamoDB rejects them listed again.
      nonKeyAttributes: LIST_PROJECTED_ATTRIBUTES.filter(
        (a) => !index.KeySchema.some((k) => k.AttributeName === a),
      ),
    });
  }
  return table;
}

function keyAttribute(design: Design, keySchema: readonly KeyElement[], keyType: KeyElement['KeyType']) {
  const element = keySchema.find((k) => k.KeyType === keyType);
  if (element === undefined) throw new Error(`The table design has no ${keyType} key`);
  const definition = design.AttributeDefinitions.find((a) => a.AttributeName === element.AttributeName);
  if (definition === undefined) throw new Error(`The table design does not define ${element.AttributeName}`);
  const type = { S: dynamodb.AttributeType.STRING }[definition.AttributeType];
  return { name: definition.AttributeName, type };
}
