import { describe, expect, it } from 'vitest';
import { LlmUnavailableError } from '../../lib/errors.ts';
import { createOpenAiClient, OpenAiSummariser } from '../../lib/summarise/openai.ts';
import { startOpenAiTestServer } from '../support/openai-server.ts';

// Usage beyond tokens and calls, over HTTP to the OpenAI-compatible test server.

const request = {
  text: 'The port authority said 40 ships waited outside the harbour on Monday.',
  title: 'Ships wait outside the harbour',
  language: 'en',
  publishedAt: null,
  outlet: null,
  languages: ['en'],
} as const;

describe('LLM usage', () => {
  it('counts the calls that timed out on the failure it reports', async () => {
    const llm = await startOpenAiTestServer({ defaultBehaviour: { type: 'hang' } });
    try {
      const summariser = new OpenAiSummariser({
        client: createOpenAiClient({ apiKey: 'sk-t', baseURL: llm.url, timeoutMs: 200, maxRetries: 0 }),
        model: 'gpt-t',
        timeoutMs: 200,
        maxRetries: 0,
      });

      const error = await summariser.summarise(request).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LlmUnavailableError);
      expect((error as LlmUnavailableError).usage).toMatchObject({ timedOutCalls: 1, inputTokens: 0 });
    } finally {
      await llm.close();
    }
  });

  it('leaves the finer counts out when the provider reports none', async () => {
    const llm = await startOpenAiTestServer({
      defaultBehaviour: { type: 'summary', usage: { prompt_tokens: 300, completion_tokens: 80 } },
    });
    try {
      const summariser = new OpenAiSummariser({
        client: createOpenAiClient({ apiKey: 'sk-t', baseURL: llm.url, maxRetries: 0 }),
        model: 'gpt-t',
      });

      const result = await summariser.summarise(request);

      expect(result.usage).toEqual({ inputTokens: 300, outputTokens: 80, llmCalls: 1 });
    } finally {
      await llm.close();
    }
  });
});
