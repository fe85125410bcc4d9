/**
 * A recording SQS endpoint for tests (node:http on 127.0.0.1, port 0): answers the JSON protocol
 * the SDK's SQS client speaks (`X-Amz-Target: AmazonSQS.<Action>`) with `{}` and keeps every
 * request, so a test can see what a real `SQSClient` sent (e.g. `ChangeMessageVisibility`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SqsCall {
  action: string;
  input: Record<string, unknown>;
}

export interface TestSqs {
  /** The endpoint to hand an `SQSClient`. */
  url: string;
  /** A queue URL on this endpoint. */
  queueUrl: string;
  calls: SqsCall[];
  close(): Promise<void>;
}

export async function startTestSqs(): Promise<TestSqs> {
  const calls: SqsCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // Not JSON: recorded with an empty input.
      }
      calls.push({ action: target.replace(/^AmazonSQS\./, ''), input });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    queueUrl: `${url}/000000000000/khulasa-ingest`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
