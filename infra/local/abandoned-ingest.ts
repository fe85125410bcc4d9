import { createOutcomeEvents } from '../../lib/compose/events.ts';
import { loadEventsConfig } from '../../lib/config/events.ts';
import type { IngestConfig } from '../../lib/config/ingest.ts';
import { TransientError } from '../../lib/errors.ts';
import { IngestArticle } from '../../lib/pipeline/ingest.ts';
import type { ObjectSource } from '../../lib/pipeline/ports.ts';
import { createDocumentClient } from '../../lib/store/clients.ts';
import { DynamoIngestStore } from '../../lib/store/ingest-store.ts';
import { ExtractiveSummariser } from '../../lib/summarise/extractive.ts';

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
  const store = new DynamoIngestStore({ client: createDocumentClient(), tableName: config.tableName });
  // The `failed` record it writes is an outcome like any other: announced.
  const events = createOutcomeEvents(loadEventsConfig());
  return new IngestArticle(
    {
      source,
      store,
      ...(events ? { announcer: { events, records: store } } : {}),
      // Never called: the source fails before anything is summarised.
      summariser: new ExtractiveSummariser(),
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
