import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { collectUploads, type UploadItem } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import type { Target } from '../target.ts';
import { formatBytes, formatSeconds, table } from '../terminal.ts';

interface Uploaded extends UploadItem {
  id: string;
  /** Unquoted etag of the version we uploaded: the record must describe this version, not an older one. */
  etag: string | null;
}

const POLL_MS = 500;

/** Where one file is: the CLI puts it, the queue holds it, the ingest works on it, then it settles. */
export type Stage = 'uploading' | 'queued' | 'processing' | 'done' | 'failed';

/** The file shown beside the bar: the first one being processed, else the first still queued. */
export function inHand<T extends { key: string; stage: Stage }>(files: T[]): T | null {
  return files.find((f) => f.stage === 'processing') ?? files.find((f) => f.stage === 'queued') ?? null;
}

export async function upload(
  target: Target,
  command: { paths: string[]; from: string; prefix: string; wait: boolean; timeoutSeconds: number },
  out: Output,
): Promise<number> {
  const items = await collectUploads(command.paths, command.prefix, command.from);
  const totalBytes = items.reduce((n, i) => n + i.size, 0);
  const progress = createProgress(out.err, { items: items.length, bytes: totalBytes, label: 'upload' });
  const uploaded: Uploaded[] = [];
  const s3 = await target.s3();
  for (const [index, item] of items.entries()) {
    progress.current(`${item.key} (${formatBytes(item.size)}) uploading`);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: item.key,
        Body: await readFile(item.path),
        ContentType: item.contentType,
      }),
    );
    uploaded.push({
      ...item,
      id: recordId(target.bucket, item.key),
      etag: put.ETag?.replace(/"/g, '') ?? null,
    });
    progress.item(`uploaded ${item.key} (${formatBytes(item.size)}) ${index + 1}/${items.length}`, item.size);
  }
  progress.done();
  out.info(
    `uploaded ${items.length} file${items.length === 1 ? '' : 's'} (${formatBytes(totalBytes)}) to ${target.label}`,
  );
  if (!command.wait) {
    out.print(
      table(
        ['key', 'id'],
        uploaded.map((u) => [u.key, u.id]),
        { columns: out.columns, shrink: [0] },
      ),
    );
    return 0;
  }

  const settled = await waitForSummaries(target, uploaded, command.timeoutSeconds, out);
  const rows = uploaded.map((u) => {
    const record = settled.get(u.id);
    const status = record ? record.status : 'waiting';
    const title =
      record?.status === 'failed'
        ? `${record.error?.code ?? ''}: ${record.error?.message ?? ''}`
        : (record?.article?.title ?? '');
    return [u.key, status, title];
  });
  out.print(table(['key', 'status', 'title'], rows, { columns: out.columns, shrink: [2, 0] }));
  const failed = rows.filter((r) => r[1] === 'failed').length;
  const waiting = uploaded.length - settled.size;
  if (waiting > 0) out.info(`${waiting} still processing after ${command.timeoutSeconds}s`);
  return failed > 0 || waiting > 0 ? 1 : 0;
}

interface Tracked {
  key: string;
  stage: Stage;
  /** When this stage was first seen, for "processing 12s". */
  since: number;
}

/**
 * Polls each record until it describes the uploaded version and is `done` or `failed`. On a
 * terminal the bar names the file in hand and its stage, so one long summary never looks stuck.
 */
async function waitForSummaries(
  target: Target,
  uploaded: Uploaded[],
  timeoutSeconds: number,
  out: Output,
): Promise<Map<string, SummaryRecord>> {
  const settled = new Map<string, SummaryRecord>();
  const progress = createProgress(out.err, { items: uploaded.length, label: 'summaries' });
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  const tracked = uploaded.map((u): Tracked => ({ key: u.key, stage: 'queued', since: started }));
  while (settled.size < uploaded.length && Date.now() < deadline) {
    for (const [index, u] of uploaded.entries()) {
      if (settled.has(u.id)) continue;
      const record = await target.api.find(u.id);
      const ours = record !== null && (u.etag === null || record.source.etag === u.etag);
      const stage: Stage = ours && record.status !== 'deleted' ? record.status : 'queued';
      const file = tracked[index] as Tracked;
      if (file.stage !== stage) Object.assign(file, { stage, since: Date.now() });
      if (ours && (record.status === 'done' || record.status === 'failed')) {
        settled.set(u.id, record);
        progress.item(`${record.status.padEnd(6)} ${u.key}`);
      }
    }
    progress.current(describeInHand(tracked, Date.now()));
    if (settled.size < uploaded.length) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  progress.done();
  return settled;
}

/** `failed 1 · now: big.txt processing 31s · 2 processing, 37 queued` */
export function describeInHand(files: Tracked[], now: number): string {
  const count = (stage: Stage) => files.filter((f) => f.stage === stage).length;
  const failed = count('failed');
  const hand = inHand(files);
  const waiting = (['processing', 'queued'] as const)
    .map((stage) => [stage, count(stage)] as const)
    .filter(([, n]) => n > 0)
    .map(([stage, n]) => `${n} ${stage}`);
  return [
    failed > 0 ? `${failed} failed` : null,
    hand ? `now: ${hand.key} ${hand.stage} ${formatSeconds(now - hand.since)}` : null,
    waiting.length > 0 ? waiting.join(', ') : null,
  ]
    .filter(Boolean)
    .join(' · ');
}
