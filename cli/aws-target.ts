import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSMessageAttributes } from 'aws-lambda';
import { z } from 'zod';
import { ApiClient, bearer } from './api-client.ts';
import { CliError } from './errors.ts';
import { withForce } from './notification.ts';
import { scanRecords } from './scan.ts';
import { createApiSigner } from './sigv4.ts';
import type { MovedMessage, OutgoingMessage, Target } from './target.ts';

/** `npx cdk deploy --outputs-file cdk-outputs.json` writes `{ "<stack>": { "<output>": "…" } }`. */
const StackOutputs = z.object({
  BucketName: z.string().min(1),
  ApiUrl: z.url(),
  TableName: z.string().min(1),
  QueueUrl: z.url(),
  DeadLetterQueueUrl: z.url(),
  /** Not an output today; read when a stack provides it, for `reprocess --stale`. */
  OpenAiModel: z.string().min(1).optional(),
});
export type StackOutputs = z.infer<typeof StackOutputs>;

export async function readStackOutputs(file: string, stack: string): Promise<StackOutputs> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e: unknown) {
    const missing = e instanceof Error && 'code' in e && e.code === 'ENOENT';
    throw new CliError(
      missing
        ? `no ${file}: deploy with \`npx cdk deploy --outputs-file ${file}\` or pass --outputs <file>`
        : `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const all = z.record(z.string(), z.unknown()).safeParse(json);
  const entry = all.success ? all.data[stack] : undefined;
  if (entry === undefined) {
    const known = all.success ? Object.keys(all.data).join(', ') || 'none' : 'none';
    throw new CliError(`stack ${stack} is not in ${file} (stacks there: ${known})`);
  }
  const outputs = StackOutputs.safeParse(entry);
  if (!outputs.success)
    throw new CliError(
      `${file} lacks outputs of ${stack}: ${outputs.error.issues.map((i) => i.path).join(', ')}`,
    );
  return outputs.data;
}

/** `https://sqs.eu-west-1.amazonaws.com/…` → `eu-west-1`: the stack's own region beats the shell's. */
export function regionOf(queueUrl: string): string | null {
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(queueUrl).hostname)?.[1] ?? null;
}

const toSdkAttributes = (attributes: SQSMessageAttributes): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, a]) => [
      name,
      { DataType: a.dataType, ...(a.stringValue !== undefined ? { StringValue: a.stringValue } : {}) },
    ]),
  );

const fromSdkAttributes = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes ?? {})
      .filter(([, a]) => a.StringValue !== undefined)
      .map(([name, a]) => [name, { dataType: a.DataType ?? 'String', stringValue: a.StringValue }]),
  );

export async function awsTarget(
  stack: string,
  options: { outputs: string; token: string | null; region: string | null },
  env: NodeJS.ProcessEnv,
): Promise<Target> {
  const outputs = await readStackOutputs(options.outputs, stack);
  const region = options.region ?? regionOf(outputs.QueueUrl) ?? undefined;
  const config = region ? { region } : {};
  const s3 = new S3Client(config);
  const sqs = new SQSClient(config);
  const dynamo = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(dynamo);
  const signingRegion = region ?? (await s3.config.region());
  // The SDK's default credential chain (env, profile, SSO, instance role), resolved by a client.
  const credentials = () => s3.config.credentials();
  const api = new ApiClient(
    outputs.ApiUrl,
    options.token ? bearer(options.token) : createApiSigner(signingRegion, credentials),
  );

  const send = async (message: OutgoingMessage) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: outputs.QueueUrl,
        MessageBody: message.body,
        MessageAttributes: toSdkAttributes(message.messageAttributes),
      }),
    );
  };

  return {
    kind: 'aws',
    label: stack,
    bucket: outputs.BucketName,
    api,
    s3: async () => s3,
    currentModel: async () =>
      (await import('./stale.ts')).currentModel(env, {
        model: outputs.OpenAiModel ?? env.OPENAI_MODEL ?? 'gpt-4o-mini',
      }),
    scanRecords: (prefix) => scanRecords(doc, outputs.TableName, prefix),
    table: async () => ({ client: doc, tableName: outputs.TableName }),
    send,
    /**
     * Receive → send with `force` → delete, rather than `StartMessageMoveTask`: a move task cannot add
     * the `force` attribute (so a record that ended `failed` for good would count as a duplicate), and
     * it runs asynchronously, so it could not report what it moved.
     */
    async redrive(onMoved: (message: MovedMessage) => void) {
      const seen = new Set<string>();
      let moved = 0;
      for (;;) {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: outputs.DeadLetterQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 2,
            VisibilityTimeout: 120,
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = (received.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
        // Empty, or only messages already moved in this run that came back: the queue is drained.
        if (messages.length === 0) break;
        for (const m of messages) {
          seen.add(m.MessageId ?? '');
          const body = m.Body ?? '';
          await send({ body, messageAttributes: withForce(fromSdkAttributes(m.MessageAttributes)) });
          // Deleted only after the queue has it: a failure in between leaves a copy, which the claims absorb.
          await sqs.send(
            new DeleteMessageCommand({
              QueueUrl: outputs.DeadLetterQueueUrl,
              ReceiptHandle: m.ReceiptHandle,
            }),
          );
          moved += 1;
          onMoved({ body, lastError: null });
        }
      }
      return { moved, skipped: [] };
    },
    queueNote: async () => null,
    close() {
      s3.destroy();
      sqs.destroy();
      dynamo.destroy();
    },
  };
}
