import { createApiHandler } from './app.ts';
import { defaultDeps } from './deps.ts';

export type { ApiDeps } from './app.ts';
export { createApiHandler };

/** Built at module load: a bad environment fails the cold start, naming the variable. */
export const handler = createApiHandler(defaultDeps());
