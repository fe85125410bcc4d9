import type { SQSMessageAttributes } from 'aws-lambda';

/** One message of the local queue, as its file under `<dir>/queue/` holds it. */
export interface QueueMessage {
  messageId: string;
  body: string;
  messageAttributes: SQSMessageAttributes;
  sentTimestamp: number;
  receiveCount: number;
  visibleAt: number;
  lastError: string | null;
  /** Delay asked for by the handler for this failure (the local ChangeMessageVisibility). */
  retryDelaySeconds?: number | undefined;
}

/** Reads a queue file; throws on anything that is not a whole message. */
export function parseMessage(text: string): QueueMessage {
  const message = JSON.parse(text) as QueueMessage;
  if (typeof message?.messageId !== 'string' || typeof message.body !== 'string')
    throw new Error('not a queue message');
  message.receiveCount = Number(message.receiveCount) || 0;
  message.visibleAt = Number(message.visibleAt) || 0;
  message.messageAttributes ??= {};
  message.lastError ??= null;
  return message;
}

/** A dead-letter file: the SQS message, its attributes and the last error (what `redrive` reads). */
export function deadLetterFile(m: QueueMessage, at: Date): string {
  const letter = {
    message: { messageId: m.messageId, body: m.body, messageAttributes: m.messageAttributes },
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentTimestamp),
      DeadLetteredAt: at.toISOString(),
    },
    lastError: m.lastError,
  };
  return `${JSON.stringify(letter, null, 2)}\n`;
}
