/**
 * One local "Lambda container" for the ingest function: a worker thread that loads the real
 * handler (which reads its configuration at module load, from the environment the pool gives it)
 * and runs the batches the pool sends it. Whatever a batch does here — a CPU-bound text stage
 * included — the stack's API and S3 endpoints keep answering on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SQSEvent } from 'aws-lambda';
import { describeForPeople, localRetryDelaySeconds } from './guidance.ts';
import type { PoolRequest, WorkerMessage, WorkerSettings } from './ingest-pool.ts';
import { lambdaContext } from './lambda-shapes.ts';

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts runs only as a worker thread');
const settings = workerData as WorkerSettings;
const post = (message: WorkerMessage) => port.postMessage(message);
// Shown to the person running the stack (retry lines, the gave-up line): words, not class names.
const describe = describeForPeople;

type Handler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

async function load(): Promise<{ ingest: Handler; abandoned: () => Promise<Handler> }> {
  const [{ createIngestHandler }, { defaultDeps }] = await Promise.all([
    import('../../functions/ingest/app.ts'),
    import('../../functions/ingest/deps.ts'),
  ]);
  const delays = settings.retryDelaysSeconds;
  const ingest = createIngestHandler(
    defaultDeps({
      retries: {
        // The local ChangeMessageVisibility: the same backoff shape with the local delays, told
        // to the queue on the main thread before the batch's answer (messages keep their order).
        backoff: async (record, receiveCount, error) => {
          const seconds = localRetryDelaySeconds(delays, receiveCount, error);
          post({ type: 'backoff', messageId: record.messageId, error: describe(error), seconds });
        },
      },
    }),
  ) as Handler;
  let abandoned: Handler | null = null;
  return {
    ingest,
    abandoned: async () => {
      if (!abandoned) {
        const [{ loadIngestConfig }, { createAbandonedIngest }] = await Promise.all([
          import('../../lib/config/ingest.ts'),
          import('./abandoned-ingest.ts'),
        ]);
        const noBackoff = { backoff: async () => undefined };
        abandoned = createIngestHandler(
          defaultDeps({ ingest: createAbandonedIngest(loadIngestConfig()), retries: noBackoff }),
        ) as Handler;
      }
      return abandoned;
    },
  };
}

try {
  const handlers = await load();
  port.on('message', async (request: PoolRequest) => {
    try {
      const handler = request.kind === 'abandoned' ? await handlers.abandoned() : handlers.ingest;
      const context = lambdaContext('khulasa-local-ingest', settings.functionTimeoutMs, request.receivedAt);
      const response = await handler(request.event, context);
      post({ type: 'result', id: request.id, response: JSON.parse(JSON.stringify(response ?? null)) });
    } catch (e: unknown) {
      post({ type: 'error', id: request.id, error: describe(e) });
    }
  });
  post({ type: 'ready' });
} catch (e: unknown) {
  post({ type: 'init-failed', error: e instanceof Error ? e.message : String(e) });
}
