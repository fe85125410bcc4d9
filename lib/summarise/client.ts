import { AsyncLocalStorage } from 'node:async_hooks';
import OpenAI from 'openai';

/** The SDK defaults are a 10-minute timeout and 2 retries; a Lambda cannot wait that long. */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface OpenAiClientConfig {
  apiKey: string;
  /** Any OpenAI-compatible server; unset means the SDK's own `OPENAI_BASE_URL` or api.openai.com. */
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * Counts the HTTP answers (any status) the SDK receives for the calls made inside `run`, including
 * the 429/5xx answers its own retries hide from us, so `usage.llmCalls` is every answered call.
 */
export const answeredCalls = new AsyncLocalStorage<{ count: number }>();

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
