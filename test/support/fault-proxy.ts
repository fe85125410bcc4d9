import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy saw of one request: enough to decide on a fault (DynamoDB names its operation in a header). */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FaultDecision = 'pass' | { status: number; headers?: Record<string, string>; body: string };

export interface FaultProxy {
  /** Base URL to hand to a client instead of the target's. */
  url: string;
  /** Every request, in order, and whether it was answered with a fault. */
  seen: Array<ProxiedRequest & { faulted: boolean }>;
  /** Decides each request; `pass` forwards it unchanged. */
  setRule(rule: (request: ProxiedRequest) => FaultDecision): void;
  close(): Promise<void>;
}

/** DynamoDB's throttling answer, as the service sends it (HTTP 400 with a JSON `__type`). */
export const dynamoThrottle: FaultDecision = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
};

/**
 * A fault-injecting HTTP proxy on loopback (port 0) in front of one target (an emulator): every
 * request is recorded, then forwarded or answered with the fault the rule picks.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: FaultProxy['seen'] = [];
  let rule: (request: ProxiedRequest) => FaultDecision = () => 'pass';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const proxied: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: body.toString('utf8'),
      };
      const decision = rule(proxied);
      seen.push({ ...proxied, faulted: decision !== 'pass' });
      if (decision !== 'pass') {
        res.writeHead(decision.status, decision.headers ?? {});
        res.end(decision.body);
        return;
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setRule: (next) => {
      rule = next;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
