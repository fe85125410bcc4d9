import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type * as z from 'zod/mini';
import type { LlmUsage } from '../domain/summary.ts';
import { LlmInvalidOutputError, LlmRefusedError, LlmTruncatedError, LlmUnavailableError } from '../errors.ts';
import { answeredCalls } from './client.ts';
import { LlmContextOverflowError } from './errors.ts';
import type { ChatMessage } from './prompt.ts';
import {
  DEFAULT_SHAPE,
  interpret,
  isTimeout,
  mapLlmError,
  type Outcome,
  type RequestShape,
  requestBody,
} from './wire.ts';

export type { Outcome };

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
  /** Request fields this server needs (`max_tokens`, temperature, reasoning effort). */
  shape?: RequestShape | undefined;
  /** A server with a known context window (self-hosted): requests are fitted to it and checked. */
  window?: ContextWindow | undefined;
}

/** The server's context window and how to count a request in its tokens. */
export interface ContextWindow {
  contextTokens: number;
  /** The request's prompt in the server's tokens (o200k count × the tokenizer ratio). */
  promptTokens: (messages: readonly ChatMessage[], format: ResponseFormatJSONSchema) => number;
}

/** A reported prompt below this share of what was sent means the server cut it (Ollama does, silently). */
const SILENT_TRUNCATION_SHARE = 0.5;
/** An answer needs at least this many completion tokens; less left in the window is an overflow. */
const MIN_COMPLETION_TOKENS = 256;

/** One structured call: its messages, the zod schema that validates the answer and its json_schema. */
export interface StructuredCall<T> {
  messages: readonly ChatMessage[];
  schema: z.ZodMiniType<T>;
  format: ResponseFormatJSONSchema;
  maxTokens: number;
  /** The one retry after `finish_reason: length` may use up to this many completion tokens. */
  maxTokensCap: number;
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
  #cachedTokens = 0;
  #reasoningTokens = 0;
  #timedOut = 0;
  #completions = 0;
  #planned = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** Usage so far: tokens from the API's usage fields; calls are every answered HTTP call. */
  usage(): LlmUsage {
    // A client not made by createOpenAiClient does not count HTTP answers: count completions then.
    const llmCalls = Math.max(this.#answered.count, this.#completions);
    // The finer counts only when there is something to count: most providers report neither.
    return {
      inputTokens: this.#inputTokens,
      outputTokens: this.#outputTokens,
      llmCalls,
      ...(this.#cachedTokens > 0 ? { cachedInputTokens: this.#cachedTokens } : {}),
      ...(this.#reasoningTokens > 0 ? { reasoningTokens: this.#reasoningTokens } : {}),
      ...(this.#timedOut > 0 ? { timedOutCalls: this.#timedOut } : {}),
    };
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
    let next: number;
    for (;;) {
      const outcome = await this.attempt(call, maxTokens);
      switch (outcome.kind) {
        case 'ok':
          return { answer: outcome.answer, content: outcome.content, maxTokens };
        case 'refused':
          throw new LlmRefusedError();
        case 'length':
          // Bilingual answers for long articles can outgrow the first budget; one bigger try.
          // With a known context window the bigger try must still fit in it next to the prompt.
          next = Math.min(maxTokens * 2, call.maxTokensCap, this.#room(call));
          if (lengthRetried || !this.canAffordExtra() || next <= Math.min(maxTokens, this.#room(call)))
            throw new LlmTruncatedError();
          lengthRetried = true;
          maxTokens = next;
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
    const { window } = this.#options;
    const sent = window?.promptTokens(call.messages, call.format);
    let budget = maxTokens;
    if (window !== undefined && sent !== undefined) {
      // Prompt and answer share the window: the answer gets what is left, never more.
      budget = Math.min(maxTokens, window.contextTokens - sent);
      if (budget < MIN_COMPLETION_TOKENS)
        throw new LlmContextOverflowError(
          `The request (${sent} tokens) leaves no room for an answer in the ${window.contextTokens}-token context.`,
          window.contextTokens,
        );
    }
    const body = requestBody(
      this.#options.model,
      call.messages,
      call.format,
      budget,
      this.#options.shape ?? DEFAULT_SHAPE,
    );
    const completion = await answeredCalls.run(this.#answered, () => this.#send(body));
    this.#completions += 1;
    this.#count(completion);
    const reported = completion.usage?.prompt_tokens;
    if (
      sent !== undefined &&
      reported !== undefined &&
      reported > 0 &&
      reported < sent * SILENT_TRUNCATION_SHARE
    )
      // Whatever it answered, it answered a cut article: never stored.
      throw new LlmContextOverflowError(
        `The server read ${reported} of the ${sent} prompt tokens sent: it cut the article to fit its context.`,
        reported,
      );
    return interpret(completion, call.schema);
  }

  /** Completion tokens the context window leaves next to this call's prompt (unbounded without a window). */
  #room(call: StructuredCall<unknown>): number {
    const { window } = this.#options;
    return window === undefined
      ? Number.POSITIVE_INFINITY
      : window.contextTokens - window.promptTokens(call.messages, call.format);
  }

  #count(completion: ChatCompletion): void {
    const usage = completion.usage;
    this.#inputTokens += usage?.prompt_tokens ?? 0;
    this.#outputTokens += usage?.completion_tokens ?? 0;
    this.#cachedTokens += usage?.prompt_tokens_details?.cached_tokens ?? 0;
    this.#reasoningTokens += usage?.completion_tokens_details?.reasoning_tokens ?? 0;
  }

  async #send(body: ChatCompletionCreateParamsNonStreaming): Promise<ChatCompletion> {
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
      if (isTimeout(e)) this.#timedOut += 1;
      throw mapLlmError(e, { model: this.#options.model, maxRetries, redact: (m) => this.#redact(m) });
    }
  }

  #redact(message: string): string {
    const key = this.#options.client.apiKey;
    const safe = key && key.length >= 4 ? message.split(key).join('[redacted]') : message;
    return safe.slice(0, 300);
  }
}
