/** `npm run reset`: empty the local stack's state (objects, table, queue, dead letters). */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runningStackPid } from './lock.ts';

const dataDir = resolve(process.env.KHULASA_DATA_DIR?.trim() || '.khulasa');
if (dataDir === resolve('/') || dataDir === resolve(process.env.HOME ?? '/')) {
  console.error(
    `khulasa: refusing to delete ${dataDir}: set KHULASA_DATA_DIR to the stack's own data folder`,
  );
  process.exit(2);
}
// A running stack would go on answering from what it holds in memory, over an emptied folder.
const pid = await runningStackPid(dataDir);
if (pid !== null) {
  console.error(
    `khulasa: a stack (pid ${pid}) is running on ${dataDir}; stop it (Ctrl-C in its terminal) and run npm run reset again`,
  );
  process.exit(1);
}
await rm(dataDir, { recursive: true, force: true });
console.log(`khulasa: removed local data in ${dataDir}; npm start recreates it.`);
