import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSMessageAttributes } from 'aws-lambda';
import type { TableDeps } from '../lib/store/dynamo.ts';
import type { ApiClient } from './api-client.ts';
import type { ScannedRecord } from './scan.ts';
import type { CurrentModel } from './stale.ts';

/** A message to hand to the ingest queue (body + Lambda-shaped attributes). */
export interface OutgoingMessage {
  body: string;
  messageAttributes: SQSMessageAttributes;
}

/** One dead-letter message handed back to the queue. */
export interface MovedMessage {
  body: string;
  lastError: string | null;
}

/** Where the commands act: the local stack or a deployed one. Same operations, different transports. */
export interface Target {
  kind: 'local' | 'aws';
  /** For messages: "the local stack" or the stack's name. */
  label: string;
  bucket: string;
  api: ApiClient;
  /** Created on first use: only `upload` needs S3, and loading the client costs start-up time. */
  s3(): Promise<S3Client>;
  /** The model today's configuration would write (for `reprocess --stale`). */
  currentModel(): Promise<CurrentModel>;
  /** An administrative, paged Scan of the record items (never used in a request path). */
  scanRecords(prefix: string | null): AsyncGenerator<ScannedRecord>;
  /** The records' table and a document client for it, for administrative commands (`reindex`). */
  table(): Promise<TableDeps>;
  send(message: OutgoingMessage): Promise<void>;
  /** Moves every dead-letter message back with `force`; `onMoved` after each hand-over. */
  redrive(onMoved: (message: MovedMessage) => void): Promise<{ moved: number; skipped: string[] }>;
  /** A note after queueing, e.g. that a stopped local stack picks messages up at its next start. */
  queueNote(): Promise<string | null>;
  close(): void;
}
