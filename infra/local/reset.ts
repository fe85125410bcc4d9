/** `npm run reset`: empty the local stack's state (objects, table, queue, dead letters). */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

const dataDir = resolve(process.env.KHULASA_DATA_DIR ?? '.khulasa');
if (dataDir === resolve('/') || dataDir === resolve(process.env.HOME ?? '/')) {
  console.error(`khulasa: refusing to delete ${dataDir}`);
  process.exit(2);
}
await rm(dataDir, { recursive: true, force: true });
console.log(
  `khulasa: removed local data in ${dataDir}. Stop any running "npm start" first; it recreates it on start.`,
);
