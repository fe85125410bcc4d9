import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WebhookConfig } from '../../lib/config/events.ts';
import { startLocalApi } from './api-server.ts';
import { startLocalDynamo } from './dynamodb.ts';
import { eventsDirOf } from './event-log.ts';
import { IngestWorkerPool } from './ingest-pool.ts';
import { lockDataDir } from './lock.ts';
import { LocalQueue, type QueueMessage } from './queue.ts';
import { reconcile } from './reconcile.ts';
import { startLocalS3 } from './s3-server.ts';
import { reindexInBackground } from './startup-reindex.ts';
import { startWebhookDelivery } from './webhook-delivery.ts';

/**
 * khulasa on one machine: S3, DynamoDB (dynalite), a durable queue in front of the real ingest
 * handler (run in worker threads, off the API's event loop), and the real api handler behind a
 * local HTTP server. No AWS account, no Docker, no API key.
 */
export interface LocalStackOptions {
  dataDir: string;
  s3Port: number;
  dynamoPort: number;
  apiPort: number;
  host?: string;
  bucket?: string;
  /** Keep object versions, as the CDK stack's bucket does (deletes leave delete markers). @default true */
  versioned?: boolean;
  tableName?: string;
  maxReceiveCount?: number;
  retryDelaysSeconds?: readonly number[];
  /** Ingest workers, i.e. batches processed at once. @default 4 */
  concurrency?: number;
  /** The emulated ingest function timeout (and claim lease), as in the CDK stack. @default 300 */
  functionTimeoutSeconds?: number;
  /** Called after every delivered batch with the ids of the records it touched. */
  onProcessed?: (keys: { bucket: string; key: string; ok: boolean }[]) => void;
  onDeadLetter?: (message: QueueMessage) => void;
  /** Told the outcome of start-up reconciliation (one line). @default stdout */
  log?: (line: string) => void;
  /** Where one-line warnings go (an unreadable queue file, say). @default stderr */
  warn?: (line: string) => void;
  /** Where outcome events are POSTed (signed) besides the log in `<dataDir>/events`. */
  webhook?: WebhookConfig | null;
  /** A substitute ingest worker script (tests only). */
  ingestWorkerUrl?: URL;
}

export interface LocalStack {
  s3Endpoint: string;
  dynamoEndpoint: string;
  apiUrl: string;
  bucket: string;
  tableName: string;
  queue: LocalQueue;
  /** Notifications queued by start-up reconciliation. */
  reconciled: number;
  /** Objects in the bucket when the stack started. */
  objectsAtStart: number;
  close(): Promise<void>;
}

/** Which part of the stack a start-up failure belongs to (to name the port or folder at fault). */
export class StackStartError extends Error {
  readonly part: 'S3' | 'DynamoDB' | 'API' | 'ingest';
  constructor(part: StackStartError['part'], cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'StackStartError';
    this.part = part;
  }
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

const part = async <T>(name: StackStartError['part'], start: () => Promise<T>): Promise<T> => {
  try {
    return await start();
  } catch (e: unknown) {
    throw new StackStartError(name, e);
  }
};

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? 'articles';
  const tableName = options.tableName ?? 'summaries';
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const functionTimeoutMs = (options.functionTimeoutSeconds ?? 300) * 1000;
  const delays = options.retryDelaysSeconds ?? [2, 5, 10];
  await mkdir(options.dataDir, { recursive: true });
  const unlock = await lockDataDir(options.dataDir);
  // Every write before this instant was made by a process that is gone (the folder is ours now).
  const startedAt = new Date();

  const closers: Array<() => Promise<void>> = [unlock];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };

  try {
    let ready = false;
    let pool: IngestWorkerPool | null = null;
    const queue = new LocalQueue({
      directory: options.dataDir,
      maxReceiveCount,
      retryDelaysSeconds: delays,
      concurrency: options.concurrency ?? 4,
      functionTimeoutMs,
      ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
      ...(options.warn ? { warn: options.warn } : {}),
      onAbandoned: async (event) => pool?.markAbandoned(event),
      handler: async (event: SQSEvent, context: Context) => {
        if (!pool) throw new Error('The ingest workers are not running.');
        const startedAt = Date.now() - (functionTimeoutMs - context.getRemainingTimeInMillis());
        const response = (await pool.run(event, startedAt)) ?? { batchItemFailures: [] };
        if (options.onProcessed) {
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          options.onProcessed(
            keysOf(event).map((k) => ({ bucket: k.bucket, key: k.key, ok: !failed.has(k.messageId) })),
          );
        }
        return response as SQSBatchResponse;
      },
    });
    // The queue's storage first: the S3 endpoint acknowledges an upload only once its message is on disk.
    await queue.open();

    const dynamo = await part('DynamoDB', () =>
      startLocalDynamo({
        port: options.dynamoPort,
        host,
        directory: join(options.dataDir, 'dynamodb'),
        tableName,
      }),
    );
    closers.push(() => dynamo.close());
    const s3 = await part('S3', () =>
      startLocalS3({
        port: options.s3Port,
        host,
        directory: join(options.dataDir, 's3'),
        buckets: [bucket],
        versionedBuckets: options.versioned === false ? [] : [bucket],
        onEvent: (record) => queue.send(JSON.stringify({ Records: [record] })).then(() => undefined),
      }),
    );
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
      LEASE_SECONDS: String(functionTimeoutMs / 1000),
      CURSOR_SECRET: await cursorSecret(options.dataDir),
      // The workers append outcome events here; the webhook delivery and `khulasa watch` follow it.
      KHULASA_EVENTS_DIR: eventsDirOf(options.dataDir),
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'WARN',
      // EMF metrics are for CloudWatch; on one machine they would only flood the terminal.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      // No X-Ray daemon on one machine.
      POWERTOOLS_TRACE_ENABLED: 'false',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    // Events stay on this machine (the log and the webhook), never on a bus named for AWS.
    delete process.env.EVENT_BUS_NAME;

    // Listening early: a busy port is reported at once, and /health says 503 until start-up is complete.
    const apiModule = await import('../../functions/api/handler.ts');
    const api = await part('API', () =>
      startLocalApi({
        port: options.apiPort,
        host,
        handler: (event: APIGatewayProxyEventV2, context: Context) => apiModule.handler(event, context),
        isReady: () => ready,
      }),
    );
    closers.push(() => api.close());

    // Before the workers: it resumes where it stopped, so no event they log is missed.
    if (options.webhook) {
      const delivery = await startWebhookDelivery({
        dataDir: options.dataDir,
        webhook: options.webhook,
        ...(options.warn ? { warn: options.warn } : {}),
      });
      closers.push(() => delivery.close());
    }

    // Each worker loads the ingest handler, which reads this same environment at module load.
    const workers = new IngestWorkerPool({
      size: options.concurrency ?? 4,
      env: { ...process.env },
      retryDelaysSeconds: delays,
      functionTimeoutMs,
      onBackoff: (messageId, error, seconds) => queue.reportFailure(messageId, error, seconds),
      ...(options.ingestWorkerUrl ? { workerUrl: options.ingestWorkerUrl } : {}),
    });
    await part('ingest', () => workers.start());
    pool = workers;
    // Stopping: no new batches, the workers ended (a stuck batch is cut short, as a crash would),
    // then whatever was still settling.
    closers.push(async () => {
      const stopped = queue.stop();
      await workers.close();
      await stopped;
    });
    await queue.start();

    const { enqueued, objects } = await reconcile({
      s3Endpoint: s3.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      bucket,
      tableName,
      queue,
    });
    // Said only when it mattered: uploads the queue had lost are on their way again.
    if (enqueued > 0) {
      (options.log ?? console.log)(
        `reconciled: ${enqueued} upload${enqueued === 1 ? '' : 's'} without an up-to-date record enqueued`,
      );
    }
    ready = true;

    // After ready: it reads every record again (reconciliation already waited for one full Scan)
    // and, on a table written before filters existed, writes a few items per record, so start-up
    // would wait for it on every start. Beside the workers it is safe (every write conditional);
    // until it ends, filters miss the old records they missed before.
    const reindex = reindexInBackground({
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      startedAt,
      log: options.log ?? console.log,
      warn: options.warn ?? console.error,
    });
    closers.push(() => reindex.close());

    return {
      s3Endpoint: s3.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      apiUrl: api.url,
      bucket,
      tableName,
      queue,
      reconciled: enqueued,
      objectsAtStart: objects,
      close,
    };
  } catch (e: unknown) {
    await close();
    throw e;
  }
}
