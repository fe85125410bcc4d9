import type { SummaryRecord } from '../../lib/domain/record.ts';
import type { Status } from '../args.ts';
import { ApiError, CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { resolveRecordId } from '../resolve.ts';
import type { Target } from '../target.ts';
import { isolateRtl, neutraliseBidi, padEnd, table, wrap } from '../terminal.ts';

/** The title a person would recognise: the article's, else a summary's (a failed record may have neither). */
const titleOf = (r: SummaryRecord): string =>
  r.article?.title || r.summaries.en?.title || Object.values(r.summaries)[0]?.title || '';

export async function list(target: Target, command: { status: Status | null; limit: number }, out: Output) {
  const records: SummaryRecord[] = [];
  for await (const r of target.api.listAll(command.limit, command.status)) records.push(r);
  if (records.length === 0) {
    out.info(`no summaries${command.status ? ` with status ${command.status}` : ''} in ${target.label}`);
    return 0;
  }
  // The error column only when a record has one: `khulasa show` gives its message.
  const withError = records.some((r) => r.error !== null);
  const header = ['created (UTC)', 'status', 'key', 'title', ...(withError ? ['error'] : []), 'id'];
  const rows = records.map((r) => [
    r.createdAt.slice(0, 19).replace('T', ' '),
    r.status,
    r.source.key,
    titleOf(r),
    ...(withError ? [r.error?.code ?? ''] : []),
    r.id,
  ]);
  // On a narrow terminal the title gives way first, then the key; ids and codes stay whole.
  out.print(table(header, rows, { columns: out.columns, shrink: [3, 2] }));
  return 0;
}

/** `<id|key>` → the record, with a "not found" line that names what was asked for. */
async function fetchRecord(target: Target, ref: string): Promise<SummaryRecord> {
  const { id, key } = resolveRecordId(ref, target.bucket);
  try {
    return await target.api.get(id);
  } catch (e: unknown) {
    if (e instanceof ApiError && e.status === 404)
      throw new CliError(`no summary for ${key === null ? `id ${id}` : `key "${key}" (id ${id})`}`);
    if (e instanceof ApiError && e.status === 410) throw new CliError(`${ref} was deleted`);
    throw e;
  }
}

export async function text(target: Target, command: { ref: string }, out: Output) {
  const record = await fetchRecord(target, command.ref);
  try {
    out.print((await target.api.text(record.id)).replace(/\n$/, ''));
  } catch (e: unknown) {
    if (e instanceof ApiError && e.status === 404)
      throw new CliError(`no text is stored for ${record.source.key} (status ${record.status})`);
    throw e;
  }
  return 0;
}

const RTL_LANGUAGES = new Set(['ar', 'fa', 'ur', 'he', 'ps', 'ckb']);
/** Side by side needs room for two readable columns. */
const SIDE_BY_SIDE_MIN = 100;

function languageBlock(lang: string, record: SummaryRecord, width: number, isolate: boolean): string[] {
  const s = record.summaries[lang];
  if (!s) return [];
  const rtl = RTL_LANGUAGES.has(lang);
  const lines = [`[${lang}] ${s.title}`, s.summary, ...s.keyPoints.map((p) => `• ${p}`)].flatMap((l) =>
    wrap(neutraliseBidi(l), width),
  );
  // Printed in logical order: a terminal with bidi support shows Arabic right-to-left itself.
  return rtl && isolate ? lines.map(isolateRtl) : lines;
}

export async function show(target: Target, command: { ref: string; bidiIsolate: boolean }, out: Output) {
  const r = await fetchRecord(target, command.ref);
  const meta = [
    ['key', r.source.key],
    ['id', r.id],
    ['status', r.status],
    ['title', r.article?.title ?? ''],
    ['published', r.article?.publishedAt ?? ''],
    ['outlet', r.article?.outlet ?? ''],
    ['model', r.model ? `${r.model.provider}/${r.model.name} (prompt ${r.model.promptVersion})` : ''],
    ['flags', r.quality.flags.join(', ')],
    ['error', r.error ? `${r.error.code}: ${r.error.message}` : ''],
  ].filter(([, v]) => v);
  out.print(table(['', ''], meta).split('\n').slice(1).join('\n'));

  const langs = Object.keys(r.summaries);
  const width = out.columns ?? 80;
  const ltr = langs.filter((l) => !RTL_LANGUAGES.has(l));
  const rtl = langs.filter((l) => RTL_LANGUAGES.has(l));
  if (out.columns !== null && width >= SIDE_BY_SIDE_MIN && ltr.length > 0 && rtl.length > 0) {
    // English on the left, Arabic on the right: the line starts left-to-right, so a bidi terminal
    // keeps the columns in place and only turns the Arabic run around.
    const col = Math.floor((width - 3) / 2);
    const left = ltr.flatMap((l) => languageBlock(l, r, col, command.bidiIsolate));
    const right = rtl.flatMap((l) => languageBlock(l, r, col, command.bidiIsolate));
    out.print('');
    for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
      const l = left[i] ?? '';
      out.print(`${padEnd(l, col)} │ ${right[i] ?? ''}`.trimEnd());
    }
    return 0;
  }
  // Narrow terminals and pipes: one language after the other, Arabic first (khulasa is Arabic-first).
  for (const lang of [...rtl, ...ltr]) {
    out.print('');
    for (const line of languageBlock(lang, r, Math.min(width, 100), command.bidiIsolate)) out.print(line);
  }
  if (langs.length === 0 && r.status === 'done') out.print('\n(no summaries)');
  return 0;
}
