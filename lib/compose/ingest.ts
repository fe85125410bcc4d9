import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3ObjectSource } from '../adapters/s3-source.ts';
import type { IngestConfig } from '../config/ingest.ts';
import { IngestArticle, type IngestObserver } from '../pipeline/ingest.ts';
import type { OutcomeEvents } from '../pipeline/ports.ts';
import { DynamoIngestStore } from '../store/ingest-store.ts';
import { ExtractiveSummariser } from '../summarise/extractive.ts';
import { KeyResolvingSummariser } from '../summarise/lazy.ts';
import type { Summariser } from '../summarise/port.ts';
import { PROMPT_VERSION } from '../summarise/version.ts';

export interface IngestClients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  /** Reads the OpenAI key when it lives in Secrets Manager (AWS); unused when the key is in the env. */
  loadApiKey?: () => Promise<string | undefined>;
  /** Where terminal outcomes are published (compose/events.ts); none: they are not announced. */
  events?: OutcomeEvents | null;
}

/** The summariser named by the configuration; `openai` without a key fails loudly, never falls back. */
function createSummariser(config: IngestConfig, clients: Pick<IngestClients, 'loadApiKey'>): Summariser {
  const { llm } = config;
  if (llm.provider === 'extractive') return new ExtractiveSummariser();
  // The adapter (the openai SDK, the answer schema, map-reduce) loads with the first summary, not
  // at init: a cold start that finds only duplicates or bad input never pays for it.
  const build = async (apiKey: string) => {
    const { createOpenAiClient, OpenAiSummariser } = await import('../summarise/openai.ts');
    return new OpenAiSummariser({
      client: createOpenAiClient({
        apiKey,
        baseURL: llm.baseURL,
        timeoutMs: llm.timeoutMs,
        maxRetries: llm.maxRetries,
      }),
      model: llm.model,
      timeoutMs: llm.timeoutMs,
      maxRetries: llm.maxRetries,
      maxInputTokens: llm.maxInputTokens,
      maxCallsPerArticle: llm.maxCallsPerArticle,
      mapConcurrency: llm.mapConcurrency,
    });
  };
  const envKey = llm.apiKey;
  return new KeyResolvingSummariser({
    provider: 'openai',
    modelName: llm.model,
    promptVersion: PROMPT_VERSION,
    loadKey: envKey ? async () => envKey : (clients.loadApiKey ?? (async () => undefined)),
    build,
  });
}

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
