import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSMessageAttributes } from 'aws-lambda';
import { z } from 'zod';
import { dropIntoInbox } from '../infra/local/inbox.ts';
import { LocalEnv as StartEnv } from '../infra/local/local-config.ts';
import { issueInWords } from '../lib/config/issue-words.ts';
import { ApiClient } from './api-client.ts';
import { CliError } from './errors.ts';
import { withForce } from './notification.ts';
import type { MovedMessage, Target } from './target.ts';

/** The same variables, defaults and rules `npm start` reads, so the CLI finds the stack it started. */
const LocalEnv = StartEnv.pick({ S3_PORT: true, DYNAMODB_PORT: true, PORT: true, KHULASA_DATA_DIR: true });

// The local stack accepts any credentials; fixed ones keep the user's real AWS profile out of it.
const LOCAL_CREDENTIALS = { accessKeyId: 'khulasa-local', secretAccessKey: 'khulasa-local' };
const REGION = 'us-east-1';
const BUCKET = 'articles';
const TABLE = 'summaries';

/** A dead-letter file: what the local queue writes, or a raw message it set aside (corrupt/unreadable). */
const Attributes = z.record(z.string(), z.unknown()).optional();
const DeadLetterFile = z.union([
  z.object({
    message: z.object({ body: z.string(), messageAttributes: Attributes }),
    lastError: z.string().nullish(),
  }),
  z.object({ body: z.string(), messageAttributes: Attributes, lastError: z.string().nullish() }),
]);

/** Once per process: SDK clients are loaded only by the commands that need them. */
const once = <T>(create: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | null = null;
  return () => {
    value ??= create();
    return value;
  };
};

export function localTarget(env: NodeJS.ProcessEnv): Target {
  const parsed = LocalEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const problem = issue ? issueInWords(issue) : 'is invalid';
    throw new CliError(`${name} ${problem} (got ${JSON.stringify(env[name] ?? '')})`, 2);
  }
  const { S3_PORT, DYNAMODB_PORT, PORT, KHULASA_DATA_DIR } = parsed.data;
  const dataDir = resolve(KHULASA_DATA_DIR);
  const api = new ApiClient(`http://127.0.0.1:${PORT}`);
  const deadLetterDir = join(dataDir, 'dead-letter');
  const closers: Array<() => void> = [];

  const s3 = once(async (): Promise<S3Client> => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${S3_PORT}`,
      region: REGION,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
      // Plain bodies with checksums only where required: the simplest requests for the local endpoint.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    closers.push(() => client.destroy());
    return client;
  });
  const documents = once(async () => {
    const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/lib-dynamodb'),
    ]);
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${DYNAMODB_PORT}`,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    closers.push(() => client.destroy());
    return DynamoDBDocumentClient.from(client);
  });

  return {
    kind: 'local',
    label: 'the local stack',
    bucket: BUCKET,
    api,
    s3,
    currentModel: async () => (await import('./stale.ts')).currentModel(env),
    async *scanRecords(prefix) {
      const { scanRecords } = await import('./scan.ts');
      yield* scanRecords(await documents(), TABLE, prefix);
    },
    table: async () => ({ client: await documents(), tableName: TABLE }),
    // The running stack picks inbox messages up within a second (or at its next start).
    send: (message) => dropIntoInbox(dataDir, message),
    async redrive(onMoved: (message: MovedMessage) => void) {
      const names = (await readdir(deadLetterDir).catch(() => [] as string[]))
        .filter((n) => n.endsWith('.json'))
        .sort();
      let moved = 0;
      const skipped: string[] = [];
      for (const name of names) {
        const file = join(deadLetterDir, name);
        let letter: z.infer<typeof DeadLetterFile>;
        try {
          letter = DeadLetterFile.parse(JSON.parse(await readFile(file, 'utf8')));
        } catch {
          skipped.push(name);
          continue;
        }
        const message = 'message' in letter ? letter.message : letter;
        const attributes = message.messageAttributes as SQSMessageAttributes | undefined;
        await dropIntoInbox(dataDir, { body: message.body, messageAttributes: withForce(attributes) });
        // Removed only once the inbox holds it: a crash in between redrives twice, which the claims absorb.
        await rm(file, { force: true });
        moved += 1;
        onMoved({ body: message.body, lastError: letter.lastError ?? null });
      }
      return { moved, skipped };
    },
    async queueNote() {
      return (await api.healthy())
        ? null
        : `the local stack is not running at 127.0.0.1:${PORT}: messages wait in ${join(dataDir, 'inbox')} for its next start`;
    },
    close() {
      for (const close of closers) close();
    },
  };
}
