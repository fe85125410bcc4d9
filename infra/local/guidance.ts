/**
 * What the local stack tells a person when it retries or gives up on an upload: which file, what
 * happened in khulasa's words (never an error class name), and for a failure only the person can
 * fix, what to set and where.
 */
import type { ErrorCode } from '../../lib/domain/error-codes.ts';
import { parseS3NotificationBody } from '../../lib/events/s3-notification.ts';
import type { QueueMessage } from './queue-message.ts';

/** Where each provider's credential comes from, as a person sets it for `npm start`. */
const CREDENTIAL: Record<string, string> = {
  openai: 'Set OPENAI_API_KEY',
  azure: 'Set AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN with AZURE_OPENAI_AUTH=entra)',
  bedrock: 'Give AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for Bedrock',
};

/** What to do, locally, about a failure that retrying alone cannot fix, for the configured provider. */
function localFix(code: ErrorCode, provider: string): string | undefined {
  if (code !== 'llm_not_configured') return undefined;
  const credential = CREDENTIAL[provider] ?? CREDENTIAL.openai;
  return `${credential} (or LLM_PROVIDER=extractive for the offline summariser) in the shell that runs npm start, restart it, then run npm run khulasa -- redrive.`;
}

/**
 * An error as a person reads it: its message, with the local fix for its code when there is one.
 * `provider` is the stack's `LLM_PROVIDER` (openai when a key is set and none is named).
 */
export function describeForPeople(
  e: unknown,
  provider = process.env.LLM_PROVIDER?.trim().toLowerCase() || 'openai',
): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  const fix = typeof code === 'string' ? localFix(code as ErrorCode, provider) : undefined;
  return fix && !e.message.includes(fix) ? `${e.message} ${fix}` : e.message;
}

/** The uploads a queue message is about, by key, or its id when the body names none. */
function subjectOf(m: QueueMessage): string {
  const parsed = parseS3NotificationBody(m.body);
  if (parsed.type !== 'objects' || parsed.events.length === 0) return `message ${m.messageId}`;
  return parsed.events.map((e) => e.key).join(', ');
}

/** `✗ gave up on incoming/a.txt after 3 tries: <what happened and what to do>`. */
export function gaveUpLine(m: QueueMessage): string {
  const tries = `${m.receiveCount} ${m.receiveCount === 1 ? 'try' : 'tries'}`;
  return `✗ gave up on ${subjectOf(m)} after ${tries}: ${m.lastError ?? 'no error was reported'}`;
}

/**
 * The local stand-in for ChangeMessageVisibility: the configured delay for this receive, or the
 * LLM's Retry-After when that is longer (as the AWS backoff does), at most 15 minutes.
 */
export function localRetryDelaySeconds(
  delays: readonly number[],
  receiveCount: number,
  error: unknown,
): number {
  const configured = delays[Math.min(receiveCount - 1, delays.length - 1)] ?? 1;
  const after = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  const asked = typeof after === 'number' && Number.isFinite(after) && after > 0 ? Math.ceil(after) : 0;
  return Math.min(Math.max(configured, asked), Math.max(configured, 900));
}
