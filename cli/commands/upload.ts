import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { collectUploads, type UploadItem } from '../files.ts';
import type { Output } from '../output.ts';
import { createProgress } from '../progress.ts';
import type { Target } from '../target.ts';
import { formatBytes, table } from '../terminal.ts';

interface Uploaded extends UploadItem {
  id: string;
  /** Unquoted etag of the version we uploaded: the record must describe this version, not an older one. */
  etag: string | null;
}

const POLL_MS = 500;

export async function upload(
  target: Target,
  command: { paths: string[]; prefix: string; wait: boolean; timeoutSeconds: number },
  out: Output,
): Promise<number> {
  const items = await collectUploads(command.paths, command.prefix);
  const totalBytes = items.reduce((n, i) => n + i.size, 0);
  const progress = createProgress(out.err, { items: items.length, bytes: totalBytes });
  const uploaded: Uploaded[] = [];
  const s3 = await target.s3();
  for (const [index, item] of items.entries()) {
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
  out.print(table(['key', 'status', 'title'], rows));
  const failed = rows.filter((r) => r[1] === 'failed').length;
  const waiting = uploaded.length - settled.size;
  if (waiting > 0) out.info(`${waiting} still processing after ${command.timeoutSeconds}s`);
  return failed > 0 || waiting > 0 ? 1 : 0;
}

/** Polls each record until it describes the uploaded version and is `done` or `failed`. */
async function waitForSummaries(
  target: Target,
  uploaded: Uploaded[],
  timeoutSeconds: number,
  out: Output,
): Promise<Map<string, SummaryRecord>> {
  const settled = new Map<string, SummaryRecord>();
  const progress = createProgress(out.err, { items: uploaded.length });
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  while (settled.size < uploaded.length && Date.now() < deadline) {
    const counts: Record<string, number> = {};
    for (const u of uploaded) {
      if (settled.has(u.id)) continue;
      const record = await target.api.find(u.id);
      const ours = record !== null && (u.etag === null || record.source.etag === u.etag);
      if (ours && (record.status === 'done' || record.status === 'failed')) {
        settled.set(u.id, record);
        progress.item(`${record.status.padEnd(6)} ${u.key}`);
      } else {
        const state = ours ? record.status : 'queued';
        counts[state] = (counts[state] ?? 0) + 1;
      }
    }
    const done = [...settled.values()].filter((r) => r.status === 'done').length;
    const waiting = Object.entries(counts).map(([state, n]) => `${n} ${state}`);
    progress.status(
      `summaries: ${done} done, ${settled.size - done} failed${waiting.length ? `, ${waiting.join(', ')}` : ''} (${Math.round((Date.now() - started) / 1000)}s)`,
    );
    if (settled.size < uploaded.length) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  progress.done();
  return settled;
}
