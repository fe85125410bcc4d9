import { AsyncLocalStorage } from 'node:async_hooks';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import {
  ArticleError,
  LlmInvalidOutputError,
  LlmNotConfiguredError,
  LlmRefusedError,
  LlmTruncatedError,
  LlmUnavailableError,
} from '../errors.ts';
import type { LanguageSummary } from '../store/record.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';
import { buildMessages, PROMPT_VERSION } from './prompt.ts';
import { buildSummarySchema, type SummaryAnswer, type SummarySchema } from './schema.ts';
import { verifySummary } from './verify.ts';

/** The SDK defaults are a 10-minute timeout and 2 retries; a Lambda cannot wait that long. */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_COMPLETION_TOKENS = 4_000;
/** The one retry after `finish_reason: length` may use this many tokens at most. */
const MAX_COMPLETION_TOKENS_CAP = 16_000;
/** Below this much time before the deadline a call is not started: it could only time out. */
export const DEFAULT_MIN_CALL_MS = 5_000;
/** Kept free before the deadline for the pipeline to store the result after the call. */
const DEADLINE_MARGIN_MS = 1_000;

export interface OpenAiClientConfig {
  apiKey: string;
  /** Any OpenAI-compatible server; unset means the SDK's own `OPENAI_BASE_URL` or api.openai.com. */
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * Counts the HTTP answers (any status) the SDK receives for one `summarise` call, including the
 * 429/5xx answers its own retries hide from us, so `usage.llmCalls` is every answered call.
 */
const answeredCalls = new AsyncLocalStorage<{ count: number }>();

const countingFetch =
  (inner: typeof fetch): typeof fetch =>
  async (input, init) => {
    const response = await inner(input, init);
    const counter = answeredCalls.getStore();
    if (counter) counter.count += 1;
    return response;
  };

/** Create the client once per container; `timeout` and `maxRetries` are always explicit. */
export function createOpenAiClient(config: OpenAiClientConfig): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: countingFetch(globalThis.fetch),
  });
}

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
}

type Outcome =
  | { kind: 'ok'; answer: SummaryAnswer }
  | { kind: 'refused' }
  | { kind: 'length' }
  | { kind: 'invalid'; reason: string };

function interpret(completion: ChatCompletion, schema: SummarySchema): Outcome {
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
  return { kind: 'ok', answer: parsed.data };
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

/**
 * The OpenAI-compatible adapter: ONE structured call per article produces every language.
 *
 * It sends `response_format: zodResponseFormat(schema)` (strict `json_schema`) through
 * `chat.completions.create` and validates the answer with the same zod schema itself, rather than
 * using `chat.completions.parse`: `parse` throws on `finish_reason: length` and on invalid JSON
 * without the completion, so the tokens of those paid calls could not be counted in `usage`.
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

  constructor(deps: OpenAiSummariserDeps) {
    this.#client = deps.client;
    this.modelName = deps.model;
    this.#timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = deps.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#maxCompletionTokens = deps.maxCompletionTokens ?? DEFAULT_MAX_COMPLETION_TOKENS;
    this.#minCallMs = deps.minCallMs ?? DEFAULT_MIN_CALL_MS;
    this.#now = deps.now ?? Date.now;
  }

  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    const schema = buildSummarySchema(request.languages);
    const responseFormat = zodResponseFormat(schema, 'summary');
    const messages = buildMessages(request);
    const usage = { inputTokens: 0, outputTokens: 0, llmCalls: 0 };
    let maxTokens = this.#maxCompletionTokens;
    let lengthRetried = false;
    let invalidRetried = false;
    let completions = 0;
    const answered = { count: 0 };

    for (;;) {
      const body = {
        model: this.modelName,
        messages,
        response_format: responseFormat,
        max_completion_tokens: maxTokens,
      };
      const completion = await answeredCalls.run(answered, () => this.#call(body, request.deadline));
      completions += 1;
      // A client not made by createOpenAiClient does not count HTTP answers: count completions then.
      usage.llmCalls = Math.max(answered.count, completions);
      usage.inputTokens += completion.usage?.prompt_tokens ?? 0;
      usage.outputTokens += completion.usage?.completion_tokens ?? 0;

      const outcome = interpret(completion, schema);
      switch (outcome.kind) {
        case 'refused':
          throw new LlmRefusedError();
        case 'length':
          // Bilingual answers for long articles can outgrow the first budget; one bigger try.
          if (lengthRetried) throw new LlmTruncatedError();
          lengthRetried = true;
          maxTokens = Math.min(maxTokens * 2, MAX_COMPLETION_TOKENS_CAP);
          continue;
        case 'invalid':
          // Sampling differs between calls, so one more try often gives a valid answer.
          if (invalidRetried)
            throw new LlmInvalidOutputError(`The model answer was unusable: ${outcome.reason}.`);
          invalidRetried = true;
          continue;
        case 'ok': {
          const { summaries, entities, topics } = tidy(outcome.answer, request.languages);
          return {
            summaries,
            entities,
            topics,
            flags: verifySummary({ summaries }, request),
            model: { provider: this.provider, name: this.modelName, promptVersion: this.promptVersion },
            usage,
          };
        }
      }
    }
  }

  async #call(
    body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
    deadline: number | undefined,
  ): Promise<ChatCompletion> {
    let timeout = this.#timeoutMs;
    let signal: AbortSignal | undefined;
    if (deadline !== undefined) {
      const remaining = deadline - this.#now() - DEADLINE_MARGIN_MS;
      if (remaining < this.#minCallMs) {
        throw new LlmUnavailableError(
          `Only ${Math.max(0, remaining)} ms left before the deadline: too little for an LLM call.`,
        );
      }
      timeout = Math.min(timeout, remaining);
      // The per-attempt timeout alone would let the SDK's retries run past the deadline.
      signal = AbortSignal.timeout(remaining);
    }
    try {
      return await this.#client.chat.completions.create(body, {
        timeout,
        maxRetries: this.#maxRetries,
        signal,
      });
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
    // or config; so, like a missing secret (DESIGN.md), they are transient `llm_not_configured`: the
    // messages wait in the queue/DLQ to be redriven instead of failing every article for good.
    if (status === 401 || status === 403) {
      return new LlmNotConfiguredError(`The LLM server rejected the API key (HTTP ${status}).`);
    }
    if (status === 404) {
      return new LlmNotConfiguredError(
        `The LLM server does not know the model ${JSON.stringify(this.modelName)} or the base URL is wrong (HTTP 404).`,
      );
    }
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      const after = retryAfterSeconds(e.headers);
      return new LlmUnavailableError(
        `The LLM server answered HTTP ${status}${status === 429 ? ' (rate limited)' : ''} after ${this.#maxRetries} retries.`,
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
    const key = this.#client.apiKey;
    const safe = key && key.length >= 4 ? message.split(key).join('[redacted]') : message;
    return safe.slice(0, 300);
  }
}
