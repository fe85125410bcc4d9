import { resolve } from 'node:path';
import { eventLogOf, followLog, logSize } from '../../infra/local/event-log.ts';
import { LocalEnv as StartEnv } from '../../infra/local/local-config.ts';
import type { OutcomeEvent } from '../../lib/domain/outcome-event.ts';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { neutraliseBidi } from '../terminal.ts';

export interface WatchOptions {
  /** A deployed stack's name: its events are on EventBridge, which this command does not follow. */
  stack: string | null;
  /** Print the events already in the log first. */
  all: boolean;
  /** One JSON event per line, exactly as logged (for piping into jq and the like). */
  json: boolean;
}

const MARKS = { done: '✓', failed: '✗', deleted: '−' } as const;

/** One event as one line: time, outcome, key, revision, then languages, error code or title. */
function formatEvent(line: string): string {
  let event: OutcomeEvent;
  try {
    event = JSON.parse(line) as OutcomeEvent;
  } catch {
    return `? unreadable event: ${line.slice(0, 120)}`;
  }
  const d = event.detail;
  if (!d || !(d.status in MARKS)) return `? unknown event: ${line.slice(0, 120)}`;
  const parts = [event.time, `${MARKS[d.status]} ${d.status.padEnd(7)}`, d.key, `rev ${d.revision}`];
  if (d.status === 'done' && d.languages.length > 0) parts.push(d.languages.join(','));
  if (d.status === 'failed' && d.errorCode) parts.push(d.errorCode);
  if (d.title) parts.push(d.title.replace(/\s+/gu, ' '));
  return neutraliseBidi(parts.join('  '));
}

/** Until Ctrl-C (or SIGTERM): the signal `watch` stops on when the caller gives none. */
function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

/**
 * Prints the local stack's outcome events as they are logged, until interrupted. It reads
 * `<KHULASA_DATA_DIR>/events/outcomes.jsonl`, so it works whether or not the stack is running.
 */
export async function watch(
  options: WatchOptions,
  env: NodeJS.ProcessEnv,
  out: Output,
  signal: AbortSignal = untilInterrupted(),
): Promise<number> {
  if (options.stack !== null) {
    throw new CliError(
      `watch follows the local stack's event log; ${options.stack} publishes to its EventBridge bus ` +
        '(the EventBusName output): add a rule for source "khulasa" with a target of your own ' +
        '(an SQS queue, a CloudWatch Logs group, an API destination) to follow it',
      2,
    );
  }
  const parsed = StartEnv.pick({ KHULASA_DATA_DIR: true }).safeParse(env);
  if (!parsed.success) throw new CliError(`invalid KHULASA_DATA_DIR: ${parsed.error.issues[0]?.message}`, 2);
  const file = eventLogOf(resolve(parsed.data.KHULASA_DATA_DIR));
  const from = options.all ? 0 : await logSize(file);
  out.info(`watching ${file} for done, failed and deleted summaries (Ctrl-C to stop)`);
  await followLog(file, from, (line) => out.print(options.json ? line.text : formatEvent(line.text)), signal);
  return 0;
}
