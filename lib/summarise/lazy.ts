import { LlmNotConfiguredError, TransientError } from '../errors.ts';
import { LlmAuthRejectedError } from './errors.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';

/** Reads the credential (a Secrets Manager secret behind a short cache, or a fixed value). */
export interface CredentialSource {
  (): Promise<string | undefined>;
  /** Drop a cached value so the next read fetches it again (after a 401/403). */
  invalidate?: () => void;
}

/**
 * A summariser whose credential arrives later (Secrets Manager, read on first use rather than at
 * init so a cold start pays nothing for it) and may change while the container is warm.
 *
 * Every article reads the credential through the source's short cache; a different value than the
 * one the client was built with drops that client and builds a new one. An empty value is a
 * transient `llm_not_configured` failure, never a silent fall-back to another provider, and is not
 * remembered: the next article reads again. After a 401/403 the cache is dropped and the secret
 * read once more; a new value gets one more try of the article with a new client.
 *
 * `loadKey: null` is a provider that needs no key (Bedrock signs with the function's role): the
 * client is built once.
 */
export class KeyResolvingSummariser implements Summariser {
  readonly provider: Summariser['provider'];
  readonly modelName: string;
  readonly promptVersion: string;
  private readonly loadKey: CredentialSource | null;
  private readonly build: (apiKey: string | undefined) => Summariser | Promise<Summariser>;
  private readonly missingKeyMessage: string;
  private inner: { key: string | undefined; summariser: Summariser } | null = null;

  constructor(options: {
    provider: Summariser['provider'];
    modelName: string;
    promptVersion: string;
    loadKey: CredentialSource | null;
    build: (apiKey: string | undefined) => Summariser | Promise<Summariser>;
    /** What the record says when the credential is empty: which variable or secret to fill. */
    missingKeyMessage?: string;
  }) {
    this.provider = options.provider;
    this.modelName = options.modelName;
    this.promptVersion = options.promptVersion;
    this.loadKey = options.loadKey;
    this.build = options.build;
    this.missingKeyMessage =
      options.missingKeyMessage ??
      "No LLM API key is set: neither its variable nor the stack's secret holds one.";
  }

  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    const first = await this.#summariser();
    try {
      return await first.summariser.summarise(request);
    } catch (e: unknown) {
      if (!(e instanceof LlmAuthRejectedError) || this.loadKey === null) throw e;
      this.loadKey.invalidate?.();
      this.inner = null;
      const second = await this.#summariser();
      // The same value again cannot succeed: back to the queue until someone fixes the secret.
      if (second.key === first.key) throw e;
      return second.summariser.summarise(request);
    }
  }

  async #summariser(): Promise<{ key: string | undefined; summariser: Summariser }> {
    if (this.loadKey === null) {
      this.inner ??= { key: undefined, summariser: await this.build(undefined) };
      return this.inner;
    }
    let key: string | undefined;
    try {
      key = await this.loadKey();
    } catch (e: unknown) {
      throw new TransientError('llm_not_configured', 'The LLM credential could not be read.', { cause: e });
    }
    if (!key) throw new LlmNotConfiguredError(this.missingKeyMessage);
    if (this.inner === null || this.inner.key !== key)
      this.inner = { key, summariser: await this.build(key) };
    return this.inner;
  }
}
