import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalDynamo } from '../../infra/local/dynamodb.ts';
import { createTableInput } from '../../lib/store/table-schema.ts';
import { freePort } from './stack-process.ts';

const HOME = join(import.meta.dirname, '../../.cache/dynamodb-local');

/**
 * AWS's own DynamoDB Local (Java), in memory on a free port, with the khulasa table created.
 * Unlike dynalite it has transactions and TTL; the store must behave the same on both.
 */
export async function startDynamoDbLocal(tableName: string): Promise<LocalDynamo> {
  const jar = join(HOME, 'DynamoDBLocal.jar');
  if (!existsSync(jar))
    throw new Error(
      `DynamoDB Local is not installed: run "node scripts/fetch-dynamodb-local.ts" first (${jar})`,
    );
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(HOME, 'DynamoDBLocal_lib')}`,
      '-jar',
      jar,
      '-inMemory',
      '-port',
      String(port),
    ],
    // It writes a metadata file into its working directory even in memory: keep it out of the repo.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      break;
    } catch (e: unknown) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not start: ${String(e)}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  client.destroy();

  return {
    endpoint,
    port,
    // DynamoDB Local keeps its indexes itself; nothing to repair.
    repairedIndexEntries: 0,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
