import type { IngestConfig } from '../../lib/config/ingest.ts';
import { TransientError } from '../../lib/errors.ts';
import { createSummariser } from '../../lib/pipeline/compose.ts';
import { IngestArticle } from '../../lib/pipeline/ingest.ts';
import type { ObjectSource } from '../../lib/pipeline/ports.ts';
import { createDocumentClient } from '../../lib/store/clients.ts';
import { DynamoSummaryStore } from '../../lib/store/repository.ts';

/**
 * The ingest use case for a message whose last receive never finished (the function timed out,
 * or the stack stopped mid-way): its reading step fails at once with a transient error, so the
 * use case's own last-attempt rule marks the record `failed` exactly as it marks any last
 * attempt, and only if this very message still owns the claim. Nothing is read or summarised.
 */
export function createAbandonedIngest(config: IngestConfig): IngestArticle {
  const unfinished = (): never => {
    throw new TransientError(
      'internal',
      `Processing did not finish within the function timeout (${config.leaseMs / 1000} s) or the stack stopped during it.`,
    );
  };
  const source: ObjectSource = { head: async () => unfinished(), read: async () => unfinished() };
  return new IngestArticle(
    {
      source,
      store: new DynamoSummaryStore({ client: createDocumentClient(), tableName: config.tableName }),
      summariser: createSummariser(config, {}),
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
