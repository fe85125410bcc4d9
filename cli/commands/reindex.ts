import { reindexRecords } from '../../lib/store/reindex.ts';
import type { Output } from '../output.ts';
import type { Target } from '../target.ts';

/**
 * The longest any writer may hold a record: Lambda's maximum timeout, which is also the local
 * stack's largest LOCAL_FUNCTION_TIMEOUT_SECONDS. A pending index older than that has no writer
 * left, whatever timeout the stack was given.
 */
const WRITER_LEASE_MS = 15 * 60_000;

const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;

/** Brings the filter index in line with every record that needs it (lib/store/reindex.ts). */
export async function reindex(target: Target, out: Output, now: Date = new Date()): Promise<number> {
  const { scanned, reindexed } = await reindexRecords(await target.table(), {
    leaseMs: WRITER_LEASE_MS,
    now,
  });
  out.print(
    reindexed > 0
      ? `reindexed ${reindexed} of ${records(scanned)} in ${target.label}: filters and facets include them now`
      : `nothing to reindex among ${records(scanned)} in ${target.label}`,
  );
  return 0;
}
