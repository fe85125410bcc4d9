import { LlmNotConfiguredError, TransientError } from '../errors.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';

/**
 * A summariser whose API key arrives later (Secrets Manager, read on first use rather than at
 * init so a cold start pays nothing for it). A missing or empty key is a transient
 * `llm_not_configured` failure, never a silent fall-back to another provider.
 */
export class KeyResolvingSummariser implements Summariser {
  readonly provider: Summariser['provider'];
  readonly modelName: string;
  readonly promptVersion: string;
  private readonly loadKey: () => Promise<string | undefined>;
  private readonly build: (apiKey: string) => Summariser | Promise<Summariser>;
  private inner: Summariser | null = null;

  constructor(options: {
    provider: Summariser['provider'];
    modelName: string;
    promptVersion: string;
    loadKey: () => Promise<string | undefined>;
    build: (apiKey: string) => Summariser | Promise<Summariser>;
  }) {
    this.provider = options.provider;
    this.modelName = options.modelName;
    this.promptVersion = options.promptVersion;
    this.loadKey = options.loadKey;
    this.build = options.build;
  }

  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    if (!this.inner) {
      let key: string | undefined;
      try {
        key = await this.loadKey();
      } catch (e: unknown) {
        throw new TransientError('llm_not_configured', 'The OpenAI API key could not be read.', { cause: e });
      }
      if (!key)
        throw new LlmNotConfiguredError(
          "No OpenAI API key is set: neither OPENAI_API_KEY nor the stack's OpenAI secret holds one.",
        );
      this.inner = await this.build(key);
    }
    return this.inner.summarise(request);
  }
}
