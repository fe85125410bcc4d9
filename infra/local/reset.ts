/**
 * `npm run reset`: empty the local stack's state (objects, table, queue, dead letters). Only what
 * the stack itself writes is removed, so pointing KHULASA_DATA_DIR at the wrong folder deletes
 * nothing else; the folder goes too once nothing is left in it.
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runningStackPid } from './lock.ts';

/** Everything `npm start` creates inside its data folder. */
const STACK_ENTRIES = [
  's3',
  'dynamodb',
  'queue',
  'dead-letter',
  'events',
  'inbox',
  'cursor-secret',
  'stack.pid',
  'samples.pending',
  'samples.done',
];

const dataDir = resolve(process.env.KHULASA_DATA_DIR?.trim() || '.khulasa');
const entries = await readdir(dataDir).catch((e: NodeJS.ErrnoException) => {
  if (e.code === 'ENOENT') return null;
  console.error(
    `khulasa: cannot read ${dataDir} (${e.code ?? e.message}): set KHULASA_DATA_DIR to the stack's data folder`,
  );
  process.exit(2);
});
if (entries === null) {
  console.log(`khulasa: nothing to remove: ${dataDir} does not exist.`);
  process.exit(0);
}
const ours = entries.filter((name) => STACK_ENTRIES.includes(name));
if (ours.length === 0 && entries.length > 0) {
  console.error(
    `khulasa: refusing to reset ${dataDir}: it holds no khulasa data; set KHULASA_DATA_DIR to the stack's own data folder`,
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
for (const name of ours) await rm(join(dataDir, name), { recursive: true, force: true });
const others = entries.length - ours.length;
if (others === 0) await rmdir(dataDir).catch(() => undefined);
console.log(
  `khulasa: removed local data in ${dataDir}${others > 0 ? ` (left ${others} file(s) khulasa did not write)` : ''}; npm start recreates it.`,
);
