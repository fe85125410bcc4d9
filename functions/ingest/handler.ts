import { createIngestHandler } from './app.ts';
import { defaultDeps } from './deps.ts';

/** Built at module load: a bad environment fails the cold start, naming the variable. */
export const handler = createIngestHandler(defaultDeps());
