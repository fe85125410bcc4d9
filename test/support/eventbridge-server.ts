import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One PutEvents entry as the SDK sent it, and whether this server accepted it. */
export interface ReceivedEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  accepted: boolean;
}

export interface EventBridgeTestServer {
  url: string;
  entries: ReceivedEntry[];
  /** The next `count` entries are refused in the answer (`FailedEntryCount`), as a throttled bus does. */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

const body = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The PutEvents call of the EventBridge JSON protocol (`X-Amz-Target: AWSEvents.PutEvents`) on
 * loopback, for the real SDK client: it keeps every entry and can refuse some, as the service
 * does (HTTP 200 with a failed entry, which the SDK does not raise).
 */
export async function startEventBridgeTestServer(): Promise<EventBridgeTestServer> {
  const entries: ReceivedEntry[] = [];
  let refusals = 0;
  const server = createServer((req, res) => {
    void body(req).then((text) => {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: String(target) }));
        return;
      }
      const request = JSON.parse(text) as { Entries: Omit<ReceivedEntry, 'accepted'>[] };
      const answers = request.Entries.map((entry) => {
        const accepted = refusals === 0;
        if (!accepted) refusals--;
        entries.push({ ...entry, accepted });
        return accepted
          ? { EventId: randomUUID() }
          : { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          FailedEntryCount: answers.filter((a) => 'ErrorCode' in a).length,
          Entries: answers,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    entries,
    refuseNext: (count) => {
      refusals = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
