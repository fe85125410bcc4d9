import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3ObjectSource } from '../adapters/s3-source.ts';
import type { IngestConfig } from '../config/ingest.ts';
import { IngestArticle, type IngestObserver } from '../pipeline/ingest.ts';
import type { OutcomeEvents } from '../pipeline/ports.ts';
import { DynamoIngestStore } from '../store/ingest-store.ts';
import { ExtractiveSummariser } from '../summarise/extractive.ts';
import { type CredentialSource, KeyResolvingSummariser } from '../summarise/lazy.ts';
import type { Summariser } from '../summarise/port.ts';
import { PROMPT_VERSION } from '../summarise/version.ts';

export interface IngestClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  /**
   * Reads the LLM credential (the OpenAI key, or Azure's api-key / Entra token) when it lives in
   * Secrets Manager (AWS); unused when it is in the environment and for Bedrock (the role signs).
   */
  loadApiKey?: CredentialSource;
  /** Where terminal outcomes are published (compose/events.ts); none: they are not announced. */
  events?: OutcomeEvents | null;
}

/** The summariser named by the configuration; a provider without its credential fails loudly, never falls back. */
function createSummariser(config: IngestConfig, clients: Pick<IngestClients, 'loadApiKey'>): Summariser {
  const { llm } = config;
  if (llm.provider === 'extractive') return new ExtractiveSummariser();
  // The adapter (the openai SDK, the answer schema, map-reduce) loads with the first summary, not
  // at init: a cold start that finds only duplicates or bad input never pays for it.
  const build = async (credential: string | undefined) => {
    const { OpenAiSummariser } = await import('../summarise/openai.ts');
    const { createLlmClient } = await import('../summarise/providers.ts');
    return new OpenAiSummariser({
      client: await createLlmClient(llm, credential),
      model: llm.model,
      timeoutMs: llm.timeoutMs,
      maxRetries: llm.maxRetries,
      maxInputTokens: llm.maxInputTokens,
      maxCallsPerArticle: llm.maxCallsPerArticle,
      mapConcurrency: llm.mapConcurrency,
      maxCompletionTokens: llm.maxOutputTokens,
      reasoningTokens: llm.reasoningTokens,
      contextTokens: llm.contextTokens,
      tokenizerRatio: llm.tokenizerRatio,
      shape: {
        maxTokensParam: llm.maxTokensParam,
        temperature: llm.temperature,
        reasoningEffort: llm.reasoningEffort,
      },
    });
  };
  const envKey = llm.apiKey;
  const loadKey: CredentialSource | null =
    llm.provider === 'bedrock'
      ? null
      : envKey
        ? async () => envKey
        : (clients.loadApiKey ?? (async () => undefined));
  return new KeyResolvingSummariser({
    provider: 'openai',
    modelName: llm.model,
    promptVersion: PROMPT_VERSION,
    loadKey,
    build,
    missingKeyMessage: MISSING_KEY[llm.provider],
  });
}

/** What a record says when the provider's key is empty: the variable or secret that should hold it. */
const MISSING_KEY: Record<string, string> = {
  openai: "No OpenAI API key is set: neither OPENAI_API_KEY nor the stack's OpenAI secret holds one.",
  azure:
    "No Azure OpenAI API key is set: neither AZURE_OPENAI_API_KEY nor the stack's OpenAI secret holds one.",
};

/** Wire the ingest use case from configuration and the clients the function owns. */
export function createIngestArticle(
  config: IngestConfig,
  clients: IngestClients,
  observer?: IngestObserver,
): IngestArticle {
  const store = new DynamoIngestStore({ client: clients.dynamo, tableName: config.tableName });
  return new IngestArticle(
    {
      ...(observer ? { observer } : {}),
      source: new S3ObjectSource(clients.s3),
      store,
      summariser: createSummariser(config, clients),
      ...(clients.events ? { announcer: { events: clients.events, records: store } } : {}),
    },
    {
      languages: config.languages,
      maxArticleBytes: config.maxArticleBytes,
      maxTextChars: config.maxTextChars,
      leaseMs: config.leaseMs,
      contentWaitMs: config.contentWaitMs,
    },
  );
}
