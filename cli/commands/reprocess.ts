import { createInterface } from 'node:readline/promises';
import { CliError } from '../errors.ts';
import { FORCE_ATTRIBUTES, notificationBody } from '../notification.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import type { ScannedRecord } from '../scan.ts';
import { isStale } from '../stale.ts';
import type { Target } from '../target.ts';

/**
 * A `processing` record nobody is working on any more: its claim's lease (the function timeout)
 * has run out, so the ingest handler lets a new attempt take it over.
 */
const isAbandoned = (record: ScannedRecord, now: number): boolean =>
  record.status === 'processing' && record.leaseUntil !== null && record.leaseUntil < now;

/**
 * Records a `reprocess` run covers: under the prefix and/or stale; tombstones and in-flight work
 * never, but work whose lease has expired (a crashed or killed attempt) may be re-run.
 */
export async function selectForReprocess(
  target: Target,
  options: { stale: boolean; prefix: string | null; now?: number },
): Promise<ScannedRecord[]> {
  const chosen = new Map<string, ScannedRecord>();
  const current = await target.currentModel();
  const now = options.now ?? Date.now();
  for await (const record of target.scanRecords(options.prefix)) {
    if (record.status === 'deleted') continue;
    if (record.status === 'processing' && !isAbandoned(record, now)) continue;
    if (options.stale && !isStale(record, current)) continue;
    // A Scan may return an item twice across pages; each record is queued once per run.
    chosen.set(record.id, record);
  }
  return [...chosen.values()].sort((a, b) => a.source.key.localeCompare(b.source.key));
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function reprocess(
  target: Target,
  command: { stale: boolean; prefix: string | null; yes: boolean },
  out: Output,
): Promise<number> {
  const records = await selectForReprocess(target, command);
  const current = await target.currentModel();
  const what = [
    command.stale ? `stale (not ${current.provider}/${current.name}, prompt ${current.promptVersion})` : null,
    command.prefix !== null ? `under "${command.prefix}"` : null,
  ]
    .filter(Boolean)
    .join(' and ');
  if (records.length === 0) {
    out.info(`nothing to reprocess: no records ${what} in ${target.label}`);
    return 0;
  }
  if (!command.yes) {
    if (!process.stdin.isTTY)
      throw new CliError(`${records.length} records ${what} would be re-run; pass --yes to confirm`);
    if (!(await confirm(`Re-run ${records.length} records ${what} in ${target.label}? [y/N] `))) {
      out.info('cancelled');
      return 1;
    }
  }
  const progress = createProgress(out.err, { items: records.length });
  for (const [index, record] of records.entries()) {
    await target.send({
      body: notificationBody({ ...record.source, sequencer: record.sequencer }),
      messageAttributes: FORCE_ATTRIBUTES,
    });
    progress.item(`queued ${record.source.key} ${index + 1}/${records.length}`);
  }
  progress.done();
  out.print(
    `queued ${records.length} record${records.length === 1 ? '' : 's'} for reprocessing in ${target.label}`,
  );
  const note = await target.queueNote();
  if (note) out.info(note);
  return 0;
}
