/**
 * What the local stack tells a person when it retries or gives up on an upload: which file, what
 * happened in khulasa's words (never an error class name), and for a failure only the person can
 * fix, what to set and where.
 */
import type { ErrorCode } from '../../lib/domain/error-codes.ts';
import { parseS3NotificationBody } from '../../lib/events/s3-notification.ts';
import type { QueueMessage } from './queue-message.ts';

/** What to do, locally, about a failure that retrying alone cannot fix. */
const LOCAL_FIXES: Partial<Record<ErrorCode, string>> = {
  llm_not_configured:
    'Set OPENAI_API_KEY (or LLM_PROVIDER=extractive for the offline summariser) in the shell that runs npm start, restart it, then run npm run khulasa -- redrive.',
};

/** An error as a person reads it: its message, with the local fix for its code when there is one. */
export function describeForPeople(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  const fix = typeof code === 'string' ? LOCAL_FIXES[code as ErrorCode] : undefined;
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
