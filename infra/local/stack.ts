import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startLocalApi } from './api-server.ts';
import { startLocalDynamo } from './dynamodb.ts';
import { LocalQueue, type QueueMessage } from './queue.ts';
import { startLocalS3 } from './s3-server.ts';

/**
 * khulasa on one machine: S3 (s3rver), DynamoDB (dynalite), a durable queue in front of the
 * real ingest handler, and the real api handler behind a local HTTP server. No AWS account,
 * no Docker, no API key.
 */
export interface LocalStackOptions {
  dataDir: string;
  s3Port: number;
  dynamoPort: number;
  apiPort: number;
  host?: string;
  bucket?: string;
  tableName?: string;
  maxReceiveCount?: number;
  retryDelaysSeconds?: readonly number[];
  concurrency?: number;
  /** The emulated ingest function timeout (and claim lease), as in the CDK stack. @default 300 */
  functionTimeoutSeconds?: number;
  /** Called after every delivered batch with the ids of the records it touched. */
  onProcessed?: (keys: { bucket: string; key: string; ok: boolean }[]) => void;
  onDeadLetter?: (message: QueueMessage) => void;
}

export interface LocalStack {
  s3Endpoint: string;
  dynamoEndpoint: string;
  apiUrl: string;
  bucket: string;
  tableName: string;
  queue: LocalQueue;
  close(): Promise<void>;
}

async function cursorSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'cursor-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // First start: generate it below.
  }
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function keysOf(event: SQSEvent): { bucket: string; key: string; messageId: string }[] {
  const out: { bucket: string; key: string; messageId: string }[] = [];
  for (const record of event.Records) {
    try {
      const body = JSON.parse(record.body) as {
        Records?: { s3?: { bucket?: { name?: string }; object?: { key?: string } } }[];
      };
      for (const r of body.Records ?? []) {
        const bucket = r.s3?.bucket?.name;
        const key = r.s3?.object?.key;
        if (bucket && key)
          out.push({ bucket, key: decodeURIComponent(key.replace(/\+/g, ' ')), messageId: record.messageId });
      }
    } catch {
      // Not an S3 notification; the handler reports it as a failure itself.
    }
  }
  return out;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? 'articles';
  const tableName = options.tableName ?? 'summaries';
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  await mkdir(options.dataDir, { recursive: true });

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };

  try {
    let ready = false;
    // Events that arrive before the queue exists wait here (s3rver is up before the handlers load).
    const early: string[] = [];
    let queue: LocalQueue | null = null;

    const dynamo = await startLocalDynamo({
      port: options.dynamoPort,
      host,
      directory: join(options.dataDir, 'dynamodb'),
      tableName,
    });
    closers.push(() => dynamo.close());
    const s3 = await startLocalS3({
      port: options.s3Port,
      host,
      directory: join(options.dataDir, 's3'),
      buckets: [bucket],
      onEvent: (record) => {
        const body = JSON.stringify({ Records: [record] });
        if (queue) void queue.send(body);
        else early.push(body);
      },
    });
    closers.push(() => s3.close());

    // The local stack owns its endpoints, whatever the user's environment says; the handlers
    // find them the way they find AWS: through the SDK's own environment variables.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'khulasa-local',
      AWS_SECRET_ACCESS_KEY: 'khulasa-local',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      S3_FORCE_PATH_STYLE: 'true',
      TABLE_NAME: tableName,
      MAX_RECEIVE_COUNT: String(maxReceiveCount),
      // A claim is held for as long as the function may run, exactly as the CDK stack sets it.
      LEASE_SECONDS: String(options.functionTimeoutSeconds ?? 300),
      CURSOR_SECRET: await cursorSecret(options.dataDir),
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'WARN',
      // EMF metrics are for CloudWatch; on one machine they would only flood the terminal.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    // Loaded only now: the handlers read their configuration at module load, as in Lambda.
    const ingestModule = await import('../../functions/ingest/app.ts');
    const depsModule = await import('../../functions/ingest/deps.ts');
    const apiModule = await import('../../functions/api/handler.ts');
    const delays = options.retryDelaysSeconds ?? [2, 5, 10];

    const ingestHandler = ingestModule.createIngestHandler(
      depsModule.defaultDeps({
        retries: {
          // The local ChangeMessageVisibility: the same backoff shape with the local delays.
          backoff: async (record, receiveCount, error) => {
            const seconds = delays[Math.min(receiveCount - 1, delays.length - 1)] ?? 1;
            queue?.reportFailure(
              record.messageId,
              error instanceof Error ? `${error.name}: ${error.message}` : String(error),
              seconds,
            );
          },
        },
      }),
    );

    const localQueue = new LocalQueue({
      directory: options.dataDir,
      maxReceiveCount,
      retryDelaysSeconds: delays,
      concurrency: options.concurrency ?? 4,
      functionTimeoutMs: (options.functionTimeoutSeconds ?? 300) * 1000,
      ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
      handler: async (event: SQSEvent, context: Context) => {
        const response = (await ingestHandler(event, context)) as SQSBatchResponse;
        if (options.onProcessed) {
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          options.onProcessed(
            keysOf(event).map((k) => ({ bucket: k.bucket, key: k.key, ok: !failed.has(k.messageId) })),
          );
        }
        return response;
      },
    });
    await localQueue.start();
    closers.push(() => localQueue.stop());
    queue = localQueue;
    for (const body of early.splice(0)) await localQueue.send(body);

    const api = await startLocalApi({
      port: options.apiPort,
      host,
      handler: (event: APIGatewayProxyEventV2, context: Context) => apiModule.handler(event, context),
      isReady: () => ready,
    });
    closers.push(() => api.close());
    ready = true;

    return {
      s3Endpoint: s3.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      apiUrl: api.url,
      bucket,
      tableName,
      queue: localQueue,
      close,
    };
  } catch (e: unknown) {
    await close();
    throw e;
  }
}
