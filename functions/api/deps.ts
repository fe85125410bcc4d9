import { parseApiConfig } from '../../lib/config/api.ts';
import { createDocumentClient } from '../../lib/store/clients.ts';
import { DynamoSummaryStore } from '../../lib/store/repository.ts';
import type { ApiDeps } from './app.ts';

/** Config and the one DocumentClient, created once per container. */
export function defaultDeps(): ApiDeps {
  const config = parseApiConfig();
  const store = new DynamoSummaryStore({
    client: createDocumentClient(),
    tableName: config.tableName,
    cursorSecret: config.cursorSecret,
  });
  return { store, corsAllowedOrigins: config.corsAllowedOrigins };
}
