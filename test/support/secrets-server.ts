/**
 * A small Secrets Manager for tests: the AWS JSON 1.1 protocol on 127.0.0.1 (port 0), enough of it
 * for the real `SecretsManagerClient` to `GetSecretValue` and `PutSecretValue`. A secret created
 * without a value answers `ResourceNotFoundException` for AWSCURRENT, as Secrets Manager does.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsTestServer {
  endpoint: string;
  /** A real client pointed at this server. */
  client: SecretsManagerClient;
  /** Creates (or empties) a secret: it exists but has no value yet. */
  create(id: string): void;
  /** How many GetSecretValue calls were answered. */
  reads(): number;
  close(): Promise<void>;
}

export async function startSecretsTestServer(): Promise<SecretsTestServer> {
  const values = new Map<string, string | null>();
  let reads = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        SecretId?: string;
        SecretString?: string;
      };
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const id = input.SecretId ?? '';
      if (!values.has(id))
        return send(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      if (target.endsWith('.GetSecretValue')) {
        reads += 1;
        const value = values.get(id);
        if (value === null || value === undefined)
          return send(400, {
            __type: 'ResourceNotFoundException',
            message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          });
        return send(200, {
          ARN: id,
          Name: id.split(':').at(-1),
          SecretString: value,
          VersionId: randomUUID(),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        });
      }
      if (target.endsWith('.PutSecretValue')) {
        values.set(id, input.SecretString ?? '');
        return send(200, {
          ARN: id,
          Name: id.split(':').at(-1),
          VersionId: randomUUID(),
          VersionStages: ['AWSCURRENT'],
        });
      }
      return send(400, { __type: 'InvalidAction', message: `Unsupported ${target}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new SecretsManagerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    create: (id) => {
      values.set(id, null);
    },
    reads: () => reads,
    close: async () => {
      client.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
