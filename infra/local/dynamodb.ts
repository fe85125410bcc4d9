import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../lib/store/table-schema.ts';
import { repairIndexes } from './dynamodb-index-repair.ts';

/** The slice of dynalite's (untyped, CommonJS) factory this module uses. */
type DynaliteFactory = (options: { path?: string; createTableMs?: number; deleteTableMs?: number }) => Server;

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as DynaliteFactory;

/** The LevelDB binding dynalite itself uses (resolved from dynalite, so it is the very same copy). */
interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelConstructor = new (path: string, options: { valueEncoding: string }) => LevelDatabase;
const Level = (createRequire(require.resolve('dynalite'))('level') as { Level: LevelConstructor }).Level;

/** The table's folder cannot be opened (damaged files, say): the stack cannot start on it. */
export class TableStorageError extends Error {
  readonly directory: string;
  constructor(directory: string, cause: unknown) {
    const why =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : '';
    super(`the table in ${directory} cannot be opened${why ? ` (${why})` : ''}`, { cause });
    this.name = 'TableStorageError';
    this.directory = directory;
  }
}

/**
 * Opens the folder once before dynalite does: dynalite reports a folder it cannot open only later,
 * as "Database is closed" on the first request, without saying which folder or why.
 */
async function checkTableStorage(directory: string): Promise<void> {
  const db = new Level(directory, { valueEncoding: 'json' });
  try {
    await db.open();
  } catch (e: unknown) {
    throw new TableStorageError(directory, e);
  }
  await db.close();
}

export interface LocalDynamoOptions {
  /** 0 picks a free port (tests); the local stack passes `DYNAMODB_PORT`. */
  port: number;
  host?: string;
  /** LevelDB folder so data survives restarts; omitted = in-memory. */
  directory?: string;
  tableName: string;
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** Index entries rebuilt at start because an earlier run stopped between two writes of one item. */
  repairedIndexEntries: number;
  close(): Promise<void>;
}

/**
 * Starts dynalite in this process and makes sure the table exists and is ACTIVE before
 * returning, so callers can write immediately.
 */
export async function startLocalDynamo(options: LocalDynamoOptions): Promise<LocalDynamo> {
  const host = options.host ?? '127.0.0.1';
  let repairedIndexEntries = 0;
  if (options.directory) {
    await checkTableStorage(options.directory);
    const directory = options.directory;
    // Damage deeper than the manifest (a bad block, a truncated table file) shows while reading.
    repairedIndexEntries = await repairIndexes(directory, options.tableName).catch((e: unknown) => {
      throw new TableStorageError(directory, e);
    });
  }
  // Zero create delay: nothing here simulates AWS provisioning time, it would only slow starts.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    ...(options.directory ? { path: options.directory } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const close = () =>
    new Promise<void>((resolve, reject) => {
      // Keep-alive sockets from SDK clients would otherwise hold close() open.
      server.closeAllConnections();
      server.close((err?: Error) => (err ? reject(err) : resolve()));
    });

  try {
    await ensureTable(endpoint, options.tableName);
  } catch (e: unknown) {
    await close().catch(() => undefined);
    throw e;
  }
  return { endpoint, port, repairedIndexEntries, close };
}

async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // dynalite ignores signatures; explicit dummies keep the user's profile out of the picture.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    if (!(await tableStatus(client, tableName))) {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    }
    const deadline = Date.now() + 10_000;
    while ((await tableStatus(client, tableName)) !== 'ACTIVE') {
      if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    client.destroy();
  }
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? 'UNKNOWN';
  } catch (e: unknown) {
    if (e instanceof ResourceNotFoundException) return undefined;
    throw e;
  }
}
