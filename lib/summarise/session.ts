import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type * as z from 'zod/mini';
import type { LlmUsage } from '../domain/summary.ts';
import {
  ArticleError,
  LlmInvalidOutputError,
  LlmNotConfiguredError,
  LlmRefusedError,
  LlmTruncatedError,
  LlmUnavailableError,
} from '../errors.ts';
import { answeredCalls } from './client.ts';
import type { ChatMessage } from './prompt.ts';

/** Kept free before the deadline for the pipeline to store the result after the call. */
const DEADLINE_MARGIN_MS = 1_000;

export interface SessionOptions {
  client: OpenAI;
  model: string;
  /** Per HTTP attempt; further capped by the deadline. */
  timeoutMs: number;
  /** HTTP-level retries (429, 5xx, connection errors), done by the SDK with backoff and `retry-after`. */
  maxRetries: number;
  /** Below this much time before the deadline a call is not started: it could only time out. */
  minCallMs: number;
  now: () => number;
  deadline: number | undefined;
  /** Paid completions allowed for the article, retries included (`MAX_LLM_CALLS_PER_ARTICLE`). */
  maxCalls: number;
}

/** One structured call: its messages, the zod schema that validates the answer and its json_schema. */
export interface StructuredCall<T> {
  messages: readonly ChatMessage[];
  schema: z.ZodMiniType<T>;
  format: ResponseFormatJSONSchema;
  maxTokens: number;
  /** The one retry after `finish_reason: length` may use up to this many completion tokens. */
  maxTokensCap: number;
}

export type Outcome<T> =
  | { kind: 'ok'; answer: T; content: string }
  | { kind: 'refused' }
  | { kind: 'length' }
  | { kind: 'invalid'; reason: string };

function interpret<T>(completion: ChatCompletion, schema: z.ZodMiniType<T>): Outcome<T> {
  const choice = completion.choices[0];
  if (choice === undefined) return { kind: 'invalid', reason: 'the answer had no choices' };
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

/**
 * The LLM calls of ONE article: usage summed over every call, the per-article call cap, the
 * deadline, and the retry rules for unusable answers.
 *
 * The cap works with a plan: the caller declares how many calls it still needs (`plan`), each
 * planned call uses one of them, and a retry (invalid or cut-off answer, quality feedback) is made
 * only while it leaves room for every planned call. So the planned work always completes within
 * `maxCalls`, and retries use only the slack.
 *
 * It sends `response_format` (strict `json_schema`) through `chat.completions.create` and validates
 * the answer with the same zod schema itself, rather than using `chat.completions.parse`: `parse`
 * throws on `finish_reason: length` and on invalid JSON without the completion, so the tokens of
 * those paid calls could not be counted.
 */
export class LlmSession {
  readonly #options: SessionOptions;
  readonly #answered = { count: 0 };
  #inputTokens = 0;
  #outputTokens = 0;
  #completions = 0;
  #planned = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** Usage so far: tokens from the API's usage fields; calls are every answered HTTP call. */
  usage(): LlmUsage {
    // A client not made by createOpenAiClient does not count HTTP answers: count completions then.
    const llmCalls = Math.max(this.#answered.count, this.#completions);
    return { inputTokens: this.#inputTokens, outputTokens: this.#outputTokens, llmCalls };
  }

  /** Paid completions so far (what the cap counts). */
  get completions(): number {
    return this.#completions;
  }

  /** Calls the cap still allows. */
  get callsLeft(): number {
    return Math.max(0, this.#options.maxCalls - this.#completions);
  }

  /** Declares how many planned calls are still to come (replaces the previous plan). */
  plan(calls: number): void {
    this.#planned = calls;
  }

  /** Whether one unplanned call (a retry) still leaves room for every planned one. */
  canAffordExtra(): boolean {
    return this.#completions + this.#planned + 1 <= this.#options.maxCalls;
  }

  /**
   * A planned call, with one retry of an invalid answer and one of a cut-off answer (with more
   * room) when the cap allows. Throws the terminal error otherwise, and on a refusal.
   */
  async structured<T>(call: StructuredCall<T>): Promise<{ answer: T; content: string; maxTokens: number }> {
    this.#planned = Math.max(0, this.#planned - 1);
    let maxTokens = call.maxTokens;
    let lengthRetried = false;
    let invalidRetried = false;
    for (;;) {
      const outcome = await this.attempt(call, maxTokens);
      switch (outcome.kind) {
        case 'ok':
          return { answer: outcome.answer, content: outcome.content, maxTokens };
        case 'refused':
          throw new LlmRefusedError();
        case 'length':
          // Bilingual answers for long articles can outgrow the first budget; one bigger try.
          if (lengthRetried || !this.canAffordExtra() || maxTokens >= call.maxTokensCap)
            throw new LlmTruncatedError();
          lengthRetried = true;
          maxTokens = Math.min(maxTokens * 2, call.maxTokensCap);
          continue;
        case 'invalid':
          // Sampling differs between calls, so one more try often gives a valid answer.
          if (invalidRetried || !this.canAffordExtra())
            throw new LlmInvalidOutputError(`The model answer was unusable: ${outcome.reason}.`);
          invalidRetried = true;
          continue;
      }
    }
  }

  /** One completion (the SDK's own HTTP retries included), counted in usage; no retry of its own. */
  async attempt<T>(call: StructuredCall<T>, maxTokens = call.maxTokens): Promise<Outcome<T>> {
    // Never reached when the plan is right; a bug must not turn into an unbounded bill.
    if (this.#completions >= this.#options.maxCalls)
      throw new Error(`The LLM call cap of ${this.#options.maxCalls} calls for one article was reached.`);
    const body = {
      model: this.#options.model,
      messages: [...call.messages],
      response_format: call.format,
      max_completion_tokens: maxTokens,
    };
    const completion = await answeredCalls.run(this.#answered, () => this.#send(body));
    this.#completions += 1;
    this.#inputTokens += completion.usage?.prompt_tokens ?? 0;
    this.#outputTokens += completion.usage?.completion_tokens ?? 0;
    return interpret(completion, call.schema);
  }

  async #send(body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming): Promise<ChatCompletion> {
    const { client, deadline, now, minCallMs, maxRetries } = this.#options;
    let timeout = this.#options.timeoutMs;
    let signal: AbortSignal | undefined;
    if (deadline !== undefined) {
      const remaining = deadline - now() - DEADLINE_MARGIN_MS;
      if (remaining < minCallMs) {
        throw new LlmUnavailableError(
          `Only ${Math.max(0, remaining)} ms left before the deadline: too little for an LLM call.`,
        );
      }
      timeout = Math.min(timeout, remaining);
      // The per-attempt timeout alone would let the SDK's retries run past the deadline.
      signal = AbortSignal.timeout(remaining);
    }
    try {
      return await client.chat.completions.create(body, { timeout, maxRetries, signal });
    } catch (e: unknown) {
      throw this.#mapError(e);
    }
  }

  /** SDK errors to typed errors. Messages never carry the API key nor, for auth failures, the server's text. */
  #mapError(e: unknown): unknown {
    if (e instanceof APIConnectionTimeoutError) return new LlmUnavailableError('The LLM request timed out.');
    if (e instanceof APIUserAbortError)
      return new LlmUnavailableError('The LLM request was stopped at the deadline.');
    if (e instanceof APIConnectionError) return new LlmUnavailableError('Could not reach the LLM server.');
    if (!(e instanceof APIError) || e.status === undefined) return e;
    const status = e.status;
    // 401/403: the key is missing, wrong or revoked, and 404: the model or base URL is wrong. These are
    // deployment problems, the same for every article, which an operator fixes by updating the secret
    // or config; so, like a missing secret, they are transient `llm_not_configured`: the
    // messages wait in the queue/DLQ to be redriven instead of failing every article for good.
    if (status === 401 || status === 403) {
      return new LlmNotConfiguredError(`The LLM server rejected the API key (HTTP ${status}).`);
    }
    if (status === 404) {
      return new LlmNotConfiguredError(
        `The LLM server does not know the model ${JSON.stringify(this.#options.model)} or the base URL is wrong (HTTP 404).`,
      );
    }
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      const after = retryAfterSeconds(e.headers);
      return new LlmUnavailableError(
        `The LLM server answered HTTP ${status}${status === 429 ? ' (rate limited)' : ''} after ${this.#options.maxRetries} retries.`,
        after === undefined ? {} : { retryAfterSeconds: after },
      );
    }
    // 400/413/422…: the server rejects this request as such (e.g. the article exceeds the context
    // window); sending it again cannot help, so the article fails with `llm_failed`.
    return new ArticleError(
      'llm_failed',
      `The LLM server rejected the request (HTTP ${status}): ${this.#redact(e.message)}`,
    );
  }

  #redact(message: string): string {
    const key = this.#options.client.apiKey;
    const safe = key && key.length >= 4 ? message.split(key).join('[redacted]') : message;
    return safe.slice(0, 300);
  }
}
