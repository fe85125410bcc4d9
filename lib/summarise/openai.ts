import type OpenAI from 'openai';
import type { LanguageSummary } from '../domain/record.ts';
import { ArticleError, TransientError } from '../errors.ts';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './client.ts';
import { MapReduce } from './map-reduce.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';
import {
  buildFeedbackMessages,
  buildMessages,
  buildReduceMessages,
  type ChatMessage,
  PROMPT_VERSION,
  type QualityProblems,
} from './prompt.ts';
import { buildSummarySchema, type SummaryAnswer, summaryResponseFormat } from './schema.ts';
import { LlmSession, type StructuredCall } from './session.ts';
import { loadTokenCounter, mayExceed } from './tokens.ts';
import { verifySummary } from './verify.ts';

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
}

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer; got ${value}.`);
  return value;
};

const clean = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/** Trim the answer and drop parts with no text: an empty language counts as not produced. */
function tidy(answer: SummaryAnswer, languages: readonly string[]) {
  const summaries: Record<string, LanguageSummary> = {};
  for (const language of languages) {
    const part = answer.summaries[language];
    if (part === undefined) continue;
    const tidied = {
      title: clean(part.title),
      summary: clean(part.summary),
      keyPoints: part.keyPoints.map(clean).filter((p) => p !== ''),
    };
    if (/\p{L}/u.test(`${tidied.title}${tidied.summary}${tidied.keyPoints.join('')}`))
      summaries[language] = tidied;
  }
  const seen = new Set<string>();
  const entities = answer.entities
    .map((e) => ({ name: clean(e.name), type: e.type }))
    .filter((e) => e.name !== '' && !seen.has(`${e.type}:${e.name}`) && seen.add(`${e.type}:${e.name}`));
  const topics = [...new Set(answer.topics.map(clean).filter((t) => t !== ''))];
  return { summaries, entities, topics };
}

interface Checked {
  tidied: ReturnType<typeof tidy>;
  flags: string[];
  content: string;
  problems: QualityProblems;
}

function check(answer: SummaryAnswer, content: string, request: SummaryRequest): Checked {
  const tidied = tidy(answer, request.languages);
  const flags = verifySummary({ summaries: tidied.summaries }, request);
  const after = (prefix: string) =>
    flags.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
  const problems = {
    wrongLanguages: after('wrong_language:'),
    ungroundedNumbers: after('ungrounded_number:'),
  };
  return { tidied, flags, content, problems };
}

const problemCount = (c: Checked): number =>
  c.problems.wrongLanguages.length + c.problems.ungroundedNumbers.length;

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
  }

  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    const session = new LlmSession({
      client: this.#client,
      model: this.modelName,
      timeoutMs: this.#timeoutMs,
      maxRetries: this.#maxRetries,
      minCallMs: this.#minCallMs,
      now: this.#now,
      deadline: request.deadline,
      maxCalls: this.#maxCalls,
    });
    try {
      return await this.#summarise(request, session);
    } catch (e: unknown) {
      // The pipeline records what was paid for even when the article fails or is retried.
      if (e instanceof ArticleError || e instanceof TransientError) e.usage = session.usage();
      throw e;
    }
  }

  async #summarise(request: SummaryRequest, session: LlmSession): Promise<SummaryResult> {
    const schema = buildSummarySchema(request.languages);
    const { messages, truncated } = await this.#input(request, session);
    const call: StructuredCall<SummaryAnswer> = {
      messages,
      schema,
      format: summaryResponseFormat(request.languages),
      maxTokens: this.#maxCompletionTokens,
      maxTokensCap: Math.max(this.#maxCompletionTokens, MAX_COMPLETION_TOKENS_CAP),
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
  ): Promise<{ messages: ChatMessage[]; truncated: boolean }> {
    const budget = this.#maxInputTokens;
    session.plan(1);
    // Decided from the character count alone for any ordinary article: the tokenizer stays unloaded.
    if (!mayExceed(request.text, budget)) return { messages: buildMessages(request), truncated: false };
    const count = await loadTokenCounter();
    if (count(request.text) <= budget) return { messages: buildMessages(request), truncated: false };
    const condensed = await new MapReduce(request, session, count, {
      maxInputTokens: budget,
      notesMaxTokens: Math.min(DEFAULT_NOTES_MAX_TOKENS, Math.floor(budget / 4)),
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
