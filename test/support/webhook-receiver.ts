import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as it arrived: headers and the raw body, byte for byte (the signature covers it). */
export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  /** Resolves once `predicate` holds for what has been received (fails after `timeoutMs`). */
  waitFor(predicate: (received: ReceivedHook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A loopback webhook endpoint; the first `refuse` requests are answered 503, the rest 204. */
export async function startWebhookReceiver(options: { refuse?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  let refusals = options.refuse ?? 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = refusals > 0 ? 503 : 204;
      if (refusals > 0) refusals--;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/khulasa`,
    received,
    waitFor: async (predicate, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`webhook condition not met; received:\n${received.map((r) => r.body).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
