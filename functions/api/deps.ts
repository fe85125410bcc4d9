import { parseApiConfig } from '../../lib/config/api.ts';
import { cachedSecret } from '../../lib/config/secrets.ts';
import { createDocumentClient } from '../../lib/store/clients.ts';
import { DynamoSummaryReader } from '../../lib/store/reader.ts';
import { lazyTracing } from '../../lib/telemetry/tracing.ts';
import type { ApiDeps } from './app.ts';

/** Config and clients, created once per container. */
export function defaultDeps(): ApiDeps {
  const config = parseApiConfig();
  const client = createDocumentClient();
  const store = new DynamoSummaryReader({
    client,
    tableName: config.tableName,
    cursorSecret:
      'value' in config.cursorSecret
        ? config.cursorSecret.value
        : cursorSecretLoader(config.cursorSecret.secretArn),
  });
  return {
    store,
    corsAllowedOrigins: config.corsAllowedOrigins,
    authMode: config.authMode,
    tracing: lazyTracing({ serviceName: 'khulasa-api', clients: [client] }),
  };
}

/** Read on the first list request (not at init): a `GET /summaries/{id}` cold start never pays for it. */
function cursorSecretLoader(secretArn: string): () => Promise<string> {
  const read = cachedSecret(secretArn);
  return async () => {
    const value = await read();
    if (!value || value.length < 16) throw new Error('The cursor secret is missing or too short.');
    return value;
  };
}
