import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest/app.ts';
import { defaultDeps } from '../../functions/ingest/deps.ts';
import type { RetryPort } from '../../functions/ingest/sqs-backoff.ts';
import { type LocalS3, type S3EventNotificationRecord, startLocalS3 } from '../../infra/local/s3-server.ts';
import { createIngestArticle } from '../../lib/compose/ingest.ts';
import { loadIngestConfig } from '../../lib/config/ingest.ts';
import { cachedSecret } from '../../lib/config/secrets.ts';
import { decodeS3Key } from '../../lib/events/s3-notification.ts';
import type { OutcomeEvents } from '../../lib/pipeline/ports.ts';
import { startTestDynamo, type TestDynamo } from './dynamo.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { notificationBody, sqsEvent } from './sqs-events.ts';
import { TestStore } from './store.ts';

export const BUCKET = 'articles';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface IngestRigOptions {
  /** Ingest configuration variables on top of the table name and path-style S3. */
  config?: Record<string, string>;
  /** Put fault proxies between the handler and S3 / DynamoDB (the test's own reads bypass them). */
  faults?: boolean;
  /** SDK attempts per request for the handler's clients (fewer than a proxy's faults hands over to the queue). */
  maxAttempts?: number;
  /** Where the handler publishes outcome events. @default none (outcomes are not announced) */
  events?: OutcomeEvents;
  /** How failed messages go back to the queue (default: as the config says, i.e. none without QUEUE_URL). */
  retries?: RetryPort;
  /** Where the handler reads `OPENAI_API_KEY_SECRET_ARN` (a Secrets Manager emulator's client). */
  secrets?: SecretsManagerClient;
}

export interface IngestRig {
  ddb: TestDynamo;
  s3Server: LocalS3;
  /** The test's own S3 client, straight to the emulator. */
  s3: S3Client;
  /** Both sides of the table, straight to the emulator. */
  store: TestStore;
  /** Present with `faults: true`. */
  proxies: { s3: FaultProxy; dynamo: FaultProxy } | null;
  /** Every S3 event notification, in order. */
  events: S3EventNotificationRecord[];
  ingest: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  /** Uploads and returns the S3 event of that very upload (uploads may run concurrently). */
  upload(key: string, body: Uint8Array | string, contentType?: string): Promise<S3EventNotificationRecord>;
  /** One SQS message carrying `record`, as the queue delivers it on receive `receiveCount`. */
  message(id: string, record: S3EventNotificationRecord, receiveCount?: number): SQSEvent;
  close(): Promise<void>;
}

/**
 * The ingest handler as Lambda runs it, wired to an embedded S3 and a DynamoDB emulator through
 * clients handed to it: no test sets endpoint variables in `process.env`.
 */
export async function startIngestRig(options: IngestRigOptions = {}): Promise<IngestRig> {
  const dir = await mkdtemp(join(tmpdir(), 'khulasa-rig-'));
  const events: S3EventNotificationRecord[] = [];
  const ddb = await startTestDynamo();
  const s3Server = await startLocalS3({
    port: 0,
    directory: dir,
    buckets: [BUCKET],
    onEvent: (r) => events.push(r),
  });
  const proxies = options.faults
    ? { s3: await startFaultProxy(s3Server.endpoint), dynamo: await startFaultProxy(ddb.dynamo.endpoint) }
    : null;
  const sdk = {
    region: REGION,
    credentials: CREDENTIALS,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  const handlerS3 = new S3Client({
    ...sdk,
    endpoint: proxies?.s3.url ?? s3Server.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const handlerDynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...sdk, endpoint: proxies?.dynamo.url ?? ddb.dynamo.endpoint }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const config = loadIngestConfig({
    TABLE_NAME: ddb.tableName,
    S3_FORCE_PATH_STYLE: 'true',
    ...options.config,
  });
  // With a secrets client, the handler's LLM credential comes from it, as on AWS from Secrets Manager.
  const secretArn = config.llm.apiKeySecretArn;
  const overrides =
    options.secrets && secretArn
      ? {
          ingest: createIngestArticle(config, {
            s3: handlerS3,
            dynamo: handlerDynamo,
            loadApiKey: cachedSecret(secretArn, options.secrets),
            ...(options.events ? { events: options.events } : {}),
          }),
        }
      : {};
  const ingest = createIngestHandler(
    defaultDeps({ ...overrides, ...(options.retries ? { retries: options.retries } : {}) }, config, {
      s3: handlerS3,
      dynamo: handlerDynamo,
      events: options.events ?? null,
    }),
  ) as IngestRig['ingest'];
  const s3 = new S3Client({
    region: REGION,
    credentials: CREDENTIALS,
    endpoint: s3Server.endpoint,
    forcePathStyle: true,
  });

  return {
    ddb,
    s3Server,
    s3,
    store: new TestStore({ client: ddb.client, tableName: ddb.tableName }),
    proxies,
    events,
    ingest,
    async upload(key, body, contentType) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: body,
          ...(contentType ? { ContentType: contentType } : {}),
        }),
      );
      const record = events.findLast((r) => decodeS3Key(r.s3.object.key) === key);
      if (!record) throw new Error(`no S3 event was emitted for ${key}`);
      return record;
    },
    message: (id, record, receiveCount = 1) =>
      sqsEvent([{ id, body: notificationBody(record), receiveCount }]),
    async close() {
      s3.destroy();
      handlerS3.destroy();
      handlerDynamo.destroy();
      await proxies?.s3.close();
      await proxies?.dynamo.close();
      await s3Server.close();
      await ddb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
