import type OpenAI from 'openai';
import { ArticleError, TransientError } from '../errors.ts';
import { type Checked, check, problemCount } from './checked.ts';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './client.ts';
import { LlmContextOverflowError } from './errors.ts';
import { MapReduce } from './map-reduce.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';
import {
  buildFeedbackMessages,
  buildMessages,
  buildReduceMessages,
  type ChatMessage,
  PROMPT_VERSION,
} from './prompt.ts';
import { buildSummarySchema, type SummaryAnswer, summaryResponseFormat } from './schema.ts';
import { type ContextWindow, LlmSession, type StructuredCall } from './session.ts';
import { loadTokenCounter, mayExceed, type TokenCounter } from './tokens.ts';
import type { RequestShape } from './wire.ts';

export { createOpenAiClient } from './client.ts';

const DEFAULT_MAX_COMPLETION_TOKENS = 4_000;
/** The one retry after `finish_reason: length` may use this many tokens at most. */
const MAX_COMPLETION_TOKENS_CAP = 16_000;
/** Below this much time before the deadline a call is not started: it could only time out. */
const DEFAULT_MIN_CALL_MS = 5_000;
/**
 * Article (or notes) tokens per request (`MAX_INPUT_TOKENS`): sized for quality and cost, far below
 * the context windows of current models. Instructions, metadata and schema come on top (about 600
 * tokens for two languages).
 */
const DEFAULT_MAX_INPUT_TOKENS = 12_000;
/** `MAX_LLM_CALLS_PER_ARTICLE`: every paid completion counts, retries included. */
const DEFAULT_MAX_CALLS_PER_ARTICLE = 40;
const DEFAULT_MAP_CONCURRENCY = 4;
const MIN_INPUT_TOKENS = 100;
/** Notes on one chunk: a short list of facts, much smaller than the chunk. */
const DEFAULT_NOTES_MAX_TOKENS = 1_500;

export interface OpenAiSummariserDeps {
  client: OpenAI;
  model: string;
  /** Per HTTP attempt; further capped by the request's deadline. */
  timeoutMs?: number | undefined;
  /** HTTP-level retries (429, 5xx, connection errors), done by the SDK with backoff and `retry-after`. */
  maxRetries?: number | undefined;
  maxCompletionTokens?: number | undefined;
  minCallMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Article tokens (o200k) per request; a longer article goes through map → reduce. */
  maxInputTokens?: number | undefined;
  /** Paid LLM calls per article, map-reduce and retries included; more chunks are left out (`truncated_input`). */
  maxCallsPerArticle?: number | undefined;
  /** Map calls in flight at once for one article. */
  mapConcurrency?: number | undefined;
  /** Request fields the server needs (`max_tokens`, temperature, reasoning effort). */
  shape?: RequestShape | undefined;
  /** Completion tokens allowed for hidden reasoning on top of every answer's budget. */
  reasoningTokens?: number | undefined;
  /** The server's context window in its own tokens: input budgets are derived from it. */
  contextTokens?: number | undefined;
  /** The server tokenizer's tokens per o200k token (1 when unset). */
  tokenizerRatio?: number | undefined;
}

/** Re-chunkings with a smaller budget after the server said (or showed) the request did not fit. */
const MAX_REFITS = 2;
/** Without a stated context window, a request that overflowed is retried with this share of its budget. */
const REFIT_SHARE = 0.6;
/** Tokens a chat template adds around each message. */
const MESSAGE_FRAMING_TOKENS = 4;
/** Room kept for the article's lead in a reduce call (prompt.ts clips it to fewer characters). */
const LEAD_ALLOWANCE_TOKENS = 200;

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer; got ${value}.`);
  return value;
};

/**
 * The OpenAI-compatible adapter. An article within `maxInputTokens` gets ONE structured call that
 * produces every language; a longer one goes through map → reduce (`map-reduce.ts`). The answer is
 * verified before it is returned: a wrong-language part or a number the article never states gets
 * one follow-up request naming the problem, then whatever remains is flagged.
 *
 * Failures are typed (`ArticleError` terminal, `TransientError` retryable) and carry `usage`: the
 * tokens of the calls already paid for are never lost.
 */
export class OpenAiSummariser implements Summariser {
  readonly provider = 'openai' as const;
  readonly modelName: string;
  readonly promptVersion = PROMPT_VERSION;
  readonly #client: OpenAI;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxCompletionTokens: number;
  readonly #minCallMs: number;
  readonly #now: () => number;
  readonly #maxInputTokens: number;
  readonly #maxCalls: number;
  readonly #mapConcurrency: number;
  readonly #shape: RequestShape | undefined;
  readonly #reasoningTokens: number;
  readonly #contextTokens: number | undefined;
  readonly #ratio: number;

  constructor(deps: OpenAiSummariserDeps) {
    this.#client = deps.client;
    this.modelName = deps.model;
    this.#timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = deps.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#maxCompletionTokens = deps.maxCompletionTokens ?? DEFAULT_MAX_COMPLETION_TOKENS;
    this.#minCallMs = deps.minCallMs ?? DEFAULT_MIN_CALL_MS;
    this.#now = deps.now ?? Date.now;
    this.#maxInputTokens = positiveInteger('maxInputTokens', deps.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS);
    // Below this a chunk holds less than a sentence and its notes could not be shorter than it.
    if (this.#maxInputTokens < MIN_INPUT_TOKENS)
      throw new Error(`maxInputTokens must be at least ${MIN_INPUT_TOKENS}; got ${this.#maxInputTokens}.`);
    this.#maxCalls = positiveInteger(
      'maxCallsPerArticle',
      deps.maxCallsPerArticle ?? DEFAULT_MAX_CALLS_PER_ARTICLE,
    );
    this.#mapConcurrency = positiveInteger('mapConcurrency', deps.mapConcurrency ?? DEFAULT_MAP_CONCURRENCY);
    this.#shape = deps.shape;
    this.#reasoningTokens = deps.reasoningTokens ?? 0;
    this.#contextTokens = deps.contextTokens;
    this.#ratio = deps.tokenizerRatio ?? 1;
  }

  /** Completion tokens of a summary call: the answer plus the reasoning allowance. */
  get #outputTokens(): number {
    return this.#maxCompletionTokens + this.#reasoningTokens;
  }

  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    const count = this.#contextTokens === undefined ? null : await loadTokenCounter();
    const window = count === null ? undefined : this.#window(count);
    const session = new LlmSession({
      client: this.#client,
      model: this.modelName,
      timeoutMs: this.#timeoutMs,
      maxRetries: this.#maxRetries,
      minCallMs: this.#minCallMs,
      now: this.#now,
      deadline: request.deadline,
      maxCalls: this.#maxCalls,
      shape: this.#shape,
      window,
    });
    try {
      let budget = window === undefined ? this.#maxInputTokens : this.#fittedBudget(request, window);
      for (let refits = 0; ; refits += 1) {
        try {
          return await this.#summarise(request, session, budget);
        } catch (e: unknown) {
          if (!(e instanceof LlmContextOverflowError) || refits >= MAX_REFITS) throw e;
          // Never more than a share of the budget that did not fit, whatever the server says.
          const stated =
            e.contextTokens === undefined
              ? undefined
              : this.#budgetFor(request, e.contextTokens, window ?? this.#window(await loadTokenCounter()));
          const smaller = Math.min(Math.floor(budget * REFIT_SHARE), stated ?? Number.POSITIVE_INFINITY);
          if (smaller < MIN_INPUT_TOKENS || !session.canAffordExtra()) throw e;
          budget = smaller;
        }
      }
    } catch (e: unknown) {
      // The pipeline records what was paid for even when the article fails or is retried.
      if (e instanceof ArticleError || e instanceof TransientError) e.usage = session.usage();
      throw e;
    }
  }

  /** Counts a request in the server's tokens: o200k × the tokenizer ratio, plus the template's framing. */
  #window(count: TokenCounter): ContextWindow {
    const ratio = this.#ratio;
    return {
      contextTokens: this.#contextTokens ?? 0,
      promptTokens: (messages, format) => {
        const text = messages.reduce((n, m) => n + count(m.content) + MESSAGE_FRAMING_TOKENS, 0);
        return Math.ceil((text + count(JSON.stringify(format.json_schema.schema ?? {}))) * ratio);
      },
    };
  }

  /** Article tokens (o200k) per request that leave room for the instructions, the lead and the answer. */
  #fittedBudget(request: SummaryRequest, window: ContextWindow): number {
    const budget = this.#budgetFor(request, window.contextTokens, window);
    if (budget < MIN_INPUT_TOKENS)
      throw new LlmContextOverflowError(
        `A ${window.contextTokens}-token context leaves no room for an article next to the instructions and a ${this.#outputTokens}-token answer.`,
        window.contextTokens,
      );
    return budget;
  }

  #budgetFor(request: SummaryRequest, contextTokens: number, window: ContextWindow): number {
    const empty = buildMessages({ ...request, text: '' });
    const overhead =
      window.promptTokens(empty, summaryResponseFormat(request.languages)) +
      Math.ceil(LEAD_ALLOWANCE_TOKENS * this.#ratio);
    const room = Math.floor((contextTokens - this.#outputTokens - overhead) / this.#ratio);
    return Math.min(this.#maxInputTokens, room);
  }

  async #summarise(request: SummaryRequest, session: LlmSession, budget: number): Promise<SummaryResult> {
    const schema = buildSummarySchema(request.languages);
    const { messages, truncated } = await this.#input(request, session, budget);
    const call: StructuredCall<SummaryAnswer> = {
      messages,
      schema,
      format: summaryResponseFormat(request.languages),
      maxTokens: this.#outputTokens,
      maxTokensCap: Math.max(this.#outputTokens, MAX_COMPLETION_TOKENS_CAP + this.#reasoningTokens),
    };
    const first = await session.structured(call);
    let best = check(first.answer, first.content, request);
    if (problemCount(best) > 0 && session.canAffordExtra()) {
      const retried = await this.#feedback(session, call, best, first.maxTokens, request);
      if (retried !== null && problemCount(retried) <= problemCount(best)) best = retried;
    }
    return {
      ...best.tidied,
      flags: truncated ? [...best.flags, 'truncated_input'] : best.flags,
      model: { provider: this.provider, name: this.modelName, promptVersion: this.promptVersion },
      usage: session.usage(),
    };
  }

  /** The messages of the final call: the article itself, or the notes of map-reduce on it. */
  async #input(
    request: SummaryRequest,
    session: LlmSession,
    budget: number,
  ): Promise<{ messages: ChatMessage[]; truncated: boolean }> {
    session.plan(1);
    // Decided from the character count alone for any ordinary article: the tokenizer stays unloaded.
    if (!mayExceed(request.text, budget)) return { messages: buildMessages(request), truncated: false };
    const count = await loadTokenCounter();
    if (count(request.text) <= budget) return { messages: buildMessages(request), truncated: false };
    const notesMaxTokens = Math.min(DEFAULT_NOTES_MAX_TOKENS, Math.floor(budget / 4));
    const condensed = await new MapReduce(request, session, count, {
      maxInputTokens: budget,
      notesMaxTokens,
      notesCompletionTokens: notesMaxTokens + this.#reasoningTokens,
      concurrency: this.#mapConcurrency,
      maxCalls: this.#maxCalls,
      model: this.modelName,
    }).condense();
    const messages =
      condensed.kind === 'chunk'
        ? buildMessages({ ...request, text: condensed.text })
        : buildReduceMessages(request, condensed.notes);
    return { messages, truncated: condensed.truncated };
  }

  /**
   * The one quality retry: the same request plus the model's answer and what is wrong with it.
   * Its failure is not the article's: the first answer is kept (flagged) whatever happens here.
   */
  async #feedback(
    session: LlmSession,
    call: StructuredCall<SummaryAnswer>,
    first: Checked,
    maxTokens: number,
    request: SummaryRequest,
  ): Promise<Checked | null> {
    const messages = buildFeedbackMessages(call.messages, first.content, first.problems);
    try {
      const outcome = await session.attempt({ ...call, messages }, maxTokens);
      return outcome.kind === 'ok' ? check(outcome.answer, outcome.content, request) : null;
    } catch (e: unknown) {
      if (e instanceof ArticleError || e instanceof TransientError) return null;
      throw e;
    }
  }
}
