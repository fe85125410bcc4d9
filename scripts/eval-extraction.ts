/**
 * Extraction quality on a corpus of real pages with snippet ground truth: every page goes
 * through the path an `.html` upload takes (`prepareArticle`, scored on the `body` the summariser
 * sees) and, in the same run, through plain Readability on linkedom. Prints micro-averaged
 * precision / recall / F1 for both and the pages where khulasa does worst against Readability.
 *
 * Truth format (one JSON object per line of `truth.jsonl`): `file` (gzip page, relative to the
 * corpus folder), `with` (snippets that must be in the text), `without` (snippets that must not).
 * A page whose extraction throws scores tp = fp = 0.
 *
 * Run: `npm run eval:extraction [DIR]` (default: the shared HTML corpus beside the repository).
 * Opt-in only: never run by `npm test` or the bench.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { ArticleError } from '../lib/errors.ts';
import { prepareArticle } from '../lib/text/prepare.ts';

interface Truth {
  file: string;
  with: string[];
  without: string[];
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

const MAX_TEXT_CHARS = 2_000_000;
const defaultDir = fileURLToPath(new URL('../../shared/corpora/html', import.meta.url));
const dir = resolve(process.argv[2] ?? defaultDir);

// Python's `\s` also matches U+001C–U+001F and U+0085; the scoring follows Python.
// biome-ignore lint/suspicious/noControlCharactersInRegex: those separators are whitespace to the scorer
const PY_SPACE = /[\s\x1c-\x1f\x85]+/gu;
const norm = (s: string): string => s.replace(PY_SPACE, ' ').trim();

function score(truth: Truth, text: string | null): Counts {
  const extracted = text === null ? null : norm(text);
  const found = (snippet: string) => extracted?.includes(norm(snippet)) ?? false;
  const tp = truth.with.filter(found).length;
  const fp = truth.without.filter(found).length;
  return { tp, fp, fn: truth.with.length - tp, tn: truth.without.length - fp };
}

function add(total: Counts, c: Counts): void {
  total.tp += c.tp;
  total.fp += c.fp;
  total.fn += c.fn;
  total.tn += c.tn;
}

function figures(c: Counts) {
  return {
    precision: c.tp / (c.tp + c.fp),
    recall: c.tp / (c.tp + c.fn),
    f1: (2 * c.tp) / (2 * c.tp + c.fp + c.fn),
    accuracy: (c.tp + c.tn) / (c.tp + c.fp + c.fn + c.tn),
  };
}

const pageF1 = (c: Counts): number => (c.tp === 0 ? 0 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn));

/** The baseline as a plain integration would do it: the declared charset (else UTF-8), linkedom, Readability. */
function readabilityText(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const label = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1] ?? 'utf-8';
  let html: string;
  try {
    html = new TextDecoder(label).decode(bytes);
  } catch {
    html = new TextDecoder('utf-8').decode(bytes);
  }
  const { document } = parseHTML(html);
  const article = new Readability(document as never).parse();
  return article?.textContent ?? null;
}

async function khulasaText(
  bytes: Uint8Array,
  file: string,
): Promise<{ text: string | null; error: string | null }> {
  try {
    const prepared = await prepareArticle(bytes, {
      maxTextChars: MAX_TEXT_CHARS,
      contentType: null,
      key: file,
    });
    return { text: prepared.body, error: null };
  } catch (e: unknown) {
    return { text: null, error: e instanceof ArticleError ? e.code : String(e) };
  }
}

const truths: Truth[] = readFileSync(join(dir, 'truth.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Truth);

const ours: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
const theirs: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
const rows: { file: string; ours: number; theirs: number; error: string | null; ms: number }[] = [];
const errors: Record<string, number> = {};
let baselineErrors = 0;
/** Pages where khulasa found nothing (an error) but Readability found text. */
const lost: string[] = [];
const started = performance.now();
for (const truth of truths) {
  const bytes = new Uint8Array(gunzipSync(readFileSync(join(dir, truth.file))));
  const t0 = performance.now();
  const { text, error } = await khulasaText(bytes, truth.file.replace(/\.gz$/, ''));
  const ms = performance.now() - t0;
  if (error) errors[error] = (errors[error] ?? 0) + 1;
  let baseline: string | null = null;
  try {
    baseline = readabilityText(bytes);
  } catch {
    baselineErrors += 1;
  }
  if (error && baseline?.trim()) lost.push(`${truth.file} (${error})`);
  const a = score(truth, text);
  const b = score(truth, baseline);
  add(ours, a);
  add(theirs, b);
  rows.push({ file: truth.file, ours: pageF1(a), theirs: pageF1(b), error, ms });
}

const fmt = (n: number) => n.toFixed(3);
const line = (name: string, c: Counts) => {
  const f = figures(c);
  return `${name.padEnd(22)} P ${fmt(f.precision)}  R ${fmt(f.recall)}  F1 ${fmt(f.f1)}  acc ${fmt(f.accuracy)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn} tn ${c.tn})`;
};
console.log(`${truths.length} pages from ${dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(line('khulasa prepareArticle', ours));
console.log(line('Readability (linkedom)', theirs));
console.log(`khulasa errors: ${JSON.stringify(errors)}; Readability errors: ${baselineErrors}`);
const better = rows.filter((r) => r.ours > r.theirs).length;
const worse = rows.filter((r) => r.ours < r.theirs).length;
console.log(`pages: khulasa better on ${better}, worse on ${worse}`);
console.log('10 worst pages by F1 delta (khulasa − Readability):');
for (const r of [...rows].sort((x, y) => x.ours - x.theirs - (y.ours - y.theirs)).slice(0, 10)) {
  console.log(
    `  ${(r.ours - r.theirs).toFixed(2).padStart(6)}  ours ${fmt(r.ours)} readability ${fmt(r.theirs)}  ${r.file}${r.error ? ` (${r.error})` : ''}`,
  );
}
const slowest = [...rows].sort((x, y) => y.ms - x.ms)[0];
if (slowest) console.log(`slowest page: ${slowest.file} ${slowest.ms.toFixed(0)} ms`);

// A gate as well as a report: khulasa must keep up with Readability on both counts, on every page.
const [mine, base] = [figures(ours), figures(theirs)];
const failures = [
  ...(mine.precision < base.precision ? ['precision below Readability'] : []),
  ...(mine.recall < base.recall ? ['recall below Readability'] : []),
  ...(lost.length > 0 ? [`no text where Readability found some: ${lost.join(', ')}`] : []),
];
if (failures.length > 0) console.log(`FAIL: ${failures.join('; ')}`);
process.exitCode = failures.length > 0 ? 1 : 0;
