import type { ErrorCode } from './domain/error-codes.ts';
import type { LlmUsage } from './domain/summary.ts';

interface ErrorOptions {
  cause?: unknown;
  usage?: LlmUsage;
}

/** A problem with one article that retrying cannot fix: it ends the record as `failed`. */
export class ArticleError extends Error {
  readonly code: ErrorCode;
  /**
   * What the LLM calls before this failure cost, so the record can carry it. Set by the summariser
   * when it gives up after paid calls (refused, truncated, invalid output); absent otherwise.
   */
  usage: LlmUsage | undefined;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArticleError';
    this.code = code;
    this.usage = options?.usage;
  }
}

export class EmptyArticleError extends ArticleError {
  constructor(message = 'The uploaded file is empty or contains only whitespace.') {
    super('empty', message);
    this.name = 'EmptyArticleError';
  }
}

export class TooLargeError extends ArticleError {
  constructor(size: number, limit: number) {
    super('too_large', `The uploaded file is ${size} bytes; the limit is ${limit} bytes.`);
    this.name = 'TooLargeError';
  }
}

export class TooLongError extends ArticleError {
  constructor(chars: number, limit: number) {
    super('too_long', `The extracted text has ${chars} characters; the limit is ${limit}.`);
    this.name = 'TooLongError';
  }
}

export class UnsupportedTypeError extends ArticleError {
  constructor(message: string, options?: Pick<ErrorOptions, 'cause'>) {
    super('unsupported_type', message, options);
    this.name = 'UnsupportedTypeError';
  }
}

export class UndecodableError extends ArticleError {
  constructor(
    message = 'The file is not valid text in UTF-8, UTF-16 or a known Arabic encoding.',
    options?: Pick<ErrorOptions, 'cause'>,
  ) {
    super('undecodable', message, options);
    this.name = 'UndecodableError';
  }
}

export class NoTextError extends ArticleError {
  constructor(
    message = 'No article text could be found in the file.',
    options?: Pick<ErrorOptions, 'cause'>,
  ) {
    super('no_text', message, options);
    this.name = 'NoTextError';
  }
}

/** A page whose markup is too large or too deeply nested to parse within bounded time and memory. */
export class TooComplexError extends ArticleError {
  constructor(message = 'The HTML page has too many elements to extract an article from.') {
    super('too_complex', message);
    this.name = 'TooComplexError';
  }
}

export class SourceMissingError extends ArticleError {
  constructor(key: string) {
    super('source_missing', `The object ${JSON.stringify(key)} no longer exists in the bucket.`);
    this.name = 'SourceMissingError';
  }
}

export class SourceChangedError extends ArticleError {
  constructor(key: string) {
    super('source_changed', `The object ${JSON.stringify(key)} was replaced before it could be processed.`);
    this.name = 'SourceChangedError';
  }
}

export class LlmRefusedError extends ArticleError {
  constructor(message = 'The model refused to summarise this article.', options?: ErrorOptions) {
    super('llm_refused', message, options);
    this.name = 'LlmRefusedError';
  }
}

export class LlmTruncatedError extends ArticleError {
  constructor(message = 'The model answer was cut off before it was complete.', options?: ErrorOptions) {
    super('llm_truncated', message, options);
    this.name = 'LlmTruncatedError';
  }
}

export class LlmInvalidOutputError extends ArticleError {
  constructor(message = 'The model answer did not match the summary schema.', options?: ErrorOptions) {
    super('llm_invalid_output', message, options);
    this.name = 'LlmInvalidOutputError';
  }
}

/** A valid summary too large for one DynamoDB item (the record could never be written). */
export class SummaryTooLargeError extends ArticleError {
  constructor(id: string, bytes: number, limit: number, usage?: LlmUsage) {
    super(
      'summary_too_large',
      `The summary of record ${id} is ${bytes} bytes, more than the ${limit} bytes a stored record can hold; nothing was stored.`,
      usage ? { usage } : undefined,
    );
    this.name = 'SummaryTooLargeError';
  }
}

/**
 * A failure that may succeed on a later attempt (LLM 429/5xx/timeouts, throttling, a missing
 * secret). It goes back to the queue; on the last receive it ends the record with `code`.
 */
export class TransientError extends Error {
  readonly code: ErrorCode;
  /** Seconds the caller asked us to wait (e.g. an LLM `retry-after`), when known. */
  readonly retryAfterSeconds: number | undefined;
  /** LLM calls already paid for before the failure (e.g. map calls before a timeout); see `ArticleError.usage`. */
  usage: LlmUsage | undefined;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'TransientError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.usage = options?.usage;
  }
}

export class LlmUnavailableError extends TransientError {
  constructor(message: string, options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super('llm_failed', message, options);
    this.name = 'LlmUnavailableError';
  }
}

export class LlmNotConfiguredError extends TransientError {
  constructor(message = 'The OpenAI provider is selected but no API key is available.') {
    super('llm_not_configured', message);
    this.name = 'LlmNotConfiguredError';
  }
}

export const isArticleError = (e: unknown): e is ArticleError => e instanceof ArticleError;
export const isTransientError = (e: unknown): e is TransientError => e instanceof TransientError;

/** The environment does not describe a usable deployment; thrown once, at init. @public */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
