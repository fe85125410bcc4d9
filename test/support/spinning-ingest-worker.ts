/**
 * A stand-in ingest worker for the pool's tests, speaking the real worker's protocol: the first
 * receive of a message mentioning `spin` spins the CPU for good (as a pathological text stage would), a body
 * `backoff` asks for a retry delay and fails, anything else succeeds.
 */
import { parentPort } from 'node:worker_threads';
import type { PoolRequest, WorkerMessage } from '../../infra/local/ingest-pool.ts';

const port = parentPort;
if (!port) throw new Error('runs only as a worker thread');
const post = (m: WorkerMessage) => port.postMessage(m);

port.on('message', (request: PoolRequest) => {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of request.event.Records) {
    if (record.attributes.ApproximateReceiveCount === '1' && record.body.includes('spin')) {
      // Never yields: only terminating the thread ends this.
      for (;;) Math.sqrt(Math.random());
    }
    if (record.body === 'backoff') {
      post({ type: 'backoff', messageId: record.messageId, error: 'Error: try later', seconds: 0 });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  post({ type: 'result', id: request.id, response: { batchItemFailures: failures } });
});
post({ type: 'ready' });
