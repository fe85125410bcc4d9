#!/usr/bin/env node
/**
 * The khulasa CLI (`npm run khulasa -- …` in the repository): upload articles and wait for their
 * summaries, read them, re-run ingestion, and redrive dead letters, against the local stack or a
 * deployed one.
 * Runs on Node 24's type stripping: no build step.
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
