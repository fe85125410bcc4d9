import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type * as z from 'zod/mini';
import type { MaxTokensParam, ReasoningEffort } from '../config/llm.ts';
import { ArticleError, LlmNotConfiguredError, LlmRefusedError, LlmUnavailableError } from '../errors.ts';
import { LlmAuthRejectedError, LlmContextOverflowError } from './errors.ts';
import type { ChatMessage } from './prompt.ts';

/*
 * The chat-completions wire format as the providers differ on it: which fields a request carries,
 * how an answer is read, and what each provider's error answers mean.
 */

/** How requests are worded for this server. */
export interface RequestShape {
  /** Ollama reads only `max_tokens`; OpenAI reasoning models reject it; `both` suits most servers. */
  maxTokensParam: MaxTokensParam;
  temperature?: number | undefined;
  /** Sent only when set. */
  reasoningEffort?: ReasoningEffort | undefined;
}

export const DEFAULT_SHAPE: RequestShape = { maxTokensParam: 'max_completion_tokens' };

export function requestBody(
  model: string,
  messages: readonly ChatMessage[],
  format: ResponseFormatJSONSchema,
  maxTokens: number,
  shape: RequestShape,
): ChatCompletionCreateParamsNonStreaming {
  return {
    model,
    messages: [...messages],
    response_format: format,
    ...(shape.maxTokensParam === 'max_tokens' ? {} : { max_completion_tokens: maxTokens }),
    ...(shape.maxTokensParam === 'max_completion_tokens' ? {} : { max_tokens: maxTokens }),
    ...(shape.temperature === undefined ? {} : { temperature: shape.temperature }),
    ...(shape.reasoningEffort === undefined ? {} : { reasoning_effort: shape.reasoningEffort }),
  };
}

export type Outcome<T> =
  | { kind: 'ok'; answer: T; content: string }
  | { kind: 'refused' }
  | { kind: 'length' }
  | { kind: 'invalid'; reason: string };

export function interpret<T>(completion: ChatCompletion, schema: z.ZodMiniType<T>): Outcome<T> {
  const choice = completion.choices[0];
  if (choice === undefined) return { kind: 'invalid', reason: 'the answer had no choices' };
  // Azure's output filter ends the answer with finish_reason `content_filter` (HTTP 200).
  if (choice.message.refusal || choice.finish_reason === 'content_filter') return { kind: 'refused' };
  if (choice.finish_reason === 'length') return { kind: 'length' };
  const content = choice.message.content;
  if (!content) return { kind: 'invalid', reason: 'the answer was empty' };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { kind: 'invalid', reason: 'the answer was not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => i.path.join('.') || '(root)')
      .join(', ');
    return { kind: 'invalid', reason: `the answer did not match the schema at ${where}` };
  }
  return { kind: 'ok', answer: parsed.data, content };
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

// vLLM: "This model's maximum context length is 4096 tokens. However, you requested …";
// llama.cpp: type `exceed_context_size_error` with `n_ctx`; OpenAI/Azure: code `context_length_exceeded`.
const OVERFLOW_TEXT =
  /maximum context length|context length|context window|exceeds? (the )?(available )?context|n_ctx|too many tokens|prompt is too long/i;
const STATED_CONTEXT = /maximum context length is (\d+)/i;

function overflowOf(e: APIError): LlmContextOverflowError | null {
  const body = (e.error ?? {}) as { type?: unknown; n_ctx?: unknown };
  const overflow =
    e.code === 'context_length_exceeded' ||
    body.type === 'exceed_context_size_error' ||
    OVERFLOW_TEXT.test(e.message);
  if (!overflow) return null;
  const stated = typeof body.n_ctx === 'number' ? body.n_ctx : Number(STATED_CONTEXT.exec(e.message)?.[1]);
  return new LlmContextOverflowError(
    `The request did not fit the model's context window (HTTP ${e.status}).`,
    Number.isFinite(stated) && stated > 0 ? stated : undefined,
  );
}

/** Whether the SDK error is a per-attempt timeout or the deadline's abort (counted in usage). */
export const isTimeout = (e: unknown): boolean =>
  e instanceof APIConnectionTimeoutError || e instanceof APIUserAbortError;

/** SDK errors to typed errors. Messages never carry the credential nor, for auth failures, the server's text. */
export function mapLlmError(
  e: unknown,
  context: { model: string; maxRetries: number; redact: (s: string) => string },
): unknown {
  if (e instanceof APIConnectionTimeoutError) return new LlmUnavailableError('The LLM request timed out.');
  if (e instanceof APIUserAbortError)
    return new LlmUnavailableError('The LLM request was stopped at the deadline.');
  if (e instanceof APIConnectionError) return new LlmUnavailableError('Could not reach the LLM server.');
  if (!(e instanceof APIError) || e.status === undefined) return e;
  const status = e.status;
  // 401/403: the key is missing, wrong, expired or revoked, and 404: the model, deployment or base
  // URL is wrong. These are deployment problems, the same for every article, which an operator
  // fixes by updating the secret or config; so, like a missing secret, they are transient
  // `llm_not_configured`: the messages wait in the queue/DLQ to be redriven instead of failing
  // every article for good.
  if (status === 401 || status === 403) return new LlmAuthRejectedError(status);
  if (status === 404) {
    return new LlmNotConfiguredError(
      `The LLM server does not know the model ${JSON.stringify(context.model)} or the base URL is wrong (HTTP 404).`,
    );
  }
  if (status === 408 || status === 409 || status === 429 || status >= 500) {
    const after = retryAfterSeconds(e.headers);
    return new LlmUnavailableError(
      `The LLM server answered HTTP ${status}${status === 429 ? ' (rate limited)' : ''} after ${context.maxRetries} retries.`,
      after === undefined ? {} : { retryAfterSeconds: after },
    );
  }
  // Azure's input filter answers 400 with code `content_filter`: the article itself is refused.
  if (e.code === 'content_filter')
    return new LlmRefusedError('The provider content filter refused this article.');
  const overflow = overflowOf(e);
  if (overflow !== null) return overflow;
  // 400/413/422…: the server rejects this request as such; sending it again cannot help, so the
  // article fails with `llm_failed`. The server's own words go to the log (the cause), not the record.
  return new ArticleError(
    'llm_failed',
    `The LLM server rejected the request for this article (HTTP ${status}); the function's log has its reason.`,
    { cause: new Error(context.redact(e.message)) },
  );
}
