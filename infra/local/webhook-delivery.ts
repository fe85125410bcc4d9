/**
 * POSTs every outcome event of the local log to `KHULASA_WEBHOOK_URL`, in order, signed, with
 * bounded retries. Where it got to is kept in `events/webhook.offset` after each event, so a
 * restart resumes there: an event is delivered at least once (a crash between the POST and the
 * offset write sends it again; consumers drop duplicates by id and revision). An event still
 * refused after the last retry is set aside in `events/webhook-failed.jsonl` and delivery goes on.
 */
import { createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebhookConfig } from '../../lib/config/events.ts';
import { eventLogOf, eventsDirOf, followLog, type LogLine, logSize, pause } from './event-log.ts';

const SIGNATURE_HEADER = 'x-khulasa-signature';
const TIMESTAMP_HEADER = 'x-khulasa-timestamp';

/** Waits between attempts: 1 s doubling to a minute, 10 attempts in all (about 4 minutes). */
const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1, 2, 4, 8, 16, 32, 60, 60, 60].map((s) => s * 1000);
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<raw body>` with the webhook secret. The
 * timestamp (Unix seconds, in its own header) is signed too, so a receiver can refuse replays.
 */
function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface WebhookDeliveryOptions {
  dataDir: string;
  webhook: WebhookConfig;
  retryDelaysMs?: readonly number[];
  /** One-line warnings (a refused event set aside). @default stderr */
  warn?: (line: string) => void;
  /** Unix-seconds clock for the signature timestamp (tests). */
  nowSeconds?: () => number;
}

export interface WebhookDelivery {
  /** Stops after the attempt in flight (if any); undelivered events wait for the next start. */
  close(): Promise<void>;
}

/** Not a 2xx: the receiver did not take the event. */
class WebhookRefusedError extends Error {
  constructor(status: number) {
    super(`the webhook answered HTTP ${status}`);
    this.name = 'WebhookRefusedError';
  }
}

const parsedOrRaw = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

async function readOffset(file: string): Promise<number | null> {
  try {
    const { offset } = JSON.parse(await readFile(file, 'utf8')) as { offset?: unknown };
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : null;
  } catch {
    return null;
  }
}

async function writeOffset(file: string, offset: number): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, `${JSON.stringify({ offset })}\n`);
  await rename(partial, file);
}

export async function startWebhookDelivery(options: WebhookDeliveryOptions): Promise<WebhookDelivery> {
  const dir = eventsDirOf(options.dataDir);
  await mkdir(dir, { recursive: true });
  const log = eventLogOf(options.dataDir);
  const offsetFile = join(dir, 'webhook.offset');
  const failedFile = join(dir, 'webhook-failed.jsonl');
  const delays = options.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS;
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const stop = new AbortController();

  // First start with a webhook: events logged before it was configured are not replayed to it.
  let offset = await readOffset(offsetFile);
  if (offset === null) {
    offset = await logSize(log);
    await writeOffset(offsetFile, offset);
  }

  const post = async (body: string): Promise<void> => {
    const timestamp = nowSeconds();
    const res = await fetch(options.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'khulasa-webhook',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: webhookSignature(options.webhook.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.any([stop.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new WebhookRefusedError(res.status);
  };

  const deliver = async (line: LogLine): Promise<void> => {
    let lastError = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await pause(delays[attempt - 1] ?? 0, stop.signal);
      if (stop.signal.aborted) throw stop.signal.reason;
      try {
        await post(line.text);
        await writeOffset(offsetFile, line.next);
        return;
      } catch (e: unknown) {
        if (stop.signal.aborted) throw stop.signal.reason;
        lastError = e instanceof Error ? e.message : String(e);
      }
    }
    const record = { event: parsedOrRaw(line.text), lastError, attempts: delays.length + 1 };
    await appendFile(failedFile, `${JSON.stringify(record)}\n`);
    await writeOffset(offsetFile, line.next);
    warn(
      `khulasa: webhook gave up on an event after ${delays.length + 1} attempts (${lastError}); kept in ${failedFile}`,
    );
  };

  const running = followLog(log, offset, deliver, stop.signal).catch((e: unknown) => {
    if (!stop.signal.aborted)
      warn(`khulasa: webhook delivery stopped: ${e instanceof Error ? e.message : String(e)}`);
  });

  return {
    close: async () => {
      stop.abort(new Error('webhook delivery stopped'));
      await running;
    },
  };
}
