import { decodeS3Key } from '../../lib/events/s3-notification.ts';
import type { Output } from '../output.ts';
import type { Target } from '../target.ts';

/** The keys a notification body names, for the redrive log (empty when it is not one). */
export function keysOfBody(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { Records?: { s3?: { object?: { key?: unknown } } }[] };
    return (parsed.Records ?? []).flatMap((r) =>
      typeof r.s3?.object?.key === 'string' ? [decodeS3Key(r.s3.object.key)] : [],
    );
  } catch {
    return [];
  }
}

export async function redrive(target: Target, out: Output): Promise<number> {
  const { moved, skipped } = await target.redrive((message) => {
    const keys = keysOfBody(message.body);
    const error = message.lastError ? ` (last error: ${message.lastError})` : '';
    out.info(`moved ${keys.length > 0 ? keys.join(', ') : 'a message'}${error}`);
  });
  out.print(
    `moved ${moved} dead-letter message${moved === 1 ? '' : 's'} back to the queue of ${target.label}`,
  );
  if (skipped.length > 0)
    out.info(`skipped ${skipped.length} unreadable dead-letter file(s): ${skipped.join(', ')}`);
  const note = moved > 0 ? await target.queueNote() : null;
  if (note) out.info(note);
  return 0;
}
