import { ArticleError, LlmNotConfiguredError } from '../errors.ts';

/**
 * The LLM server answered 401/403: the credential is missing, wrong, expired or rotated. Like a
 * missing secret it is transient `llm_not_configured`; the credential resolver reads the secret
 * again once and retries with the new value before letting it go back to the queue.
 */
export class LlmAuthRejectedError extends LlmNotConfiguredError {
  readonly status: number;
  constructor(status: number) {
    super(`The LLM server rejected the credential (HTTP ${status}).`);
    this.name = 'LlmAuthRejectedError';
    this.status = status;
  }
}

/**
 * The request did not fit the server's context window: an HTTP 400 saying so (vLLM, llama.cpp,
 * OpenAI `context_length_exceeded`), or a server that cut the prompt silently (Ollama), seen from
 * the prompt tokens it reports. The summariser re-chunks with a smaller budget; uncaught it is a
 * terminal `llm_failed`, and an answer to a cut prompt is never stored.
 */
export class LlmContextOverflowError extends ArticleError {
  /** The server's context window when its message states it. */
  readonly contextTokens: number | undefined;
  constructor(message: string, contextTokens?: number) {
    super('llm_failed', message);
    this.name = 'LlmContextOverflowError';
    this.contextTokens = contextTokens;
  }
}
