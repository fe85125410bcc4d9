#!/usr/bin/env node
/**
 * The khulasa CLI (`npm run khulasa -- …` in the repository): upload articles and wait for their
 * summaries, read them, re-run ingestion, and redrive dead letters, against the local stack or a
 * deployed one.
 * Runs on Node 24's type stripping: no build step.
 */
import { main } from './main.ts';

// `khulasa show … | head`: the reader closed the pipe; stop quietly as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
