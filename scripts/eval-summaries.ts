/**
 * npm run eval:summaries [DIR] [--news DIR]
 *
 * Scores khulasa's offline summary against human extractive summaries (ROUGE-1/2/L F, the corpus's
 * Arabic normalisation, mean over the references, then over the articles; ± is a bootstrap sd),
 * beside lead-N, LexRank, TextRank and random at the same length in words, in one run. Then a robustness
 * pass: every article of a news folder through the `.txt` upload path, which must end `done` with
 * a title and no sentence fragments. Opt-in: reads corpora outside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  baselineSentences,
  documentIdf,
  leadN,
  lexRank,
  randomN,
  textRank,
  wordCount,
} from './eval-summaries/baselines.ts';
import { fragmentsOf, type KhulasaRun, runKhulasa } from './eval-summaries/khulasa.ts';
import { bootstrapSd, rougeTokens, type Scores, scoreSummary } from './eval-summaries/rouge.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const newsAt = args.indexOf('--news');
const newsDir = resolve(
  newsAt === -1 ? join(root, '..', 'shared', 'corpora', 'news-ar') : (args[newsAt + 1] ?? ''),
);
const positional = args.filter((a, i) => !a.startsWith('--') && (newsAt === -1 || i !== newsAt + 1));
const corpusDir = resolve(positional[0] ?? join(root, '..', 'shared', 'corpora', 'summaries-ar'));

interface IndexEntry {
  id: string;
  article: string;
  refs: string[];
}

const readIndex = <T>(dir: string): T[] =>
  readFileSync(join(dir, 'index.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

interface Row {
  name: string;
  scores: Scores[];
  words: number[];
}

const row = (name: string): Row => ({ name, scores: [], words: [] });

function printTable(rows: readonly Row[]): void {
  console.log('| system | R-1 | R-2 | R-L | words |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const r1 = r.scores.map((s) => s.r1);
    const cells = [
      `${mean(r1).toFixed(3)} ± ${bootstrapSd(r1).toFixed(3)}`,
      mean(r.scores.map((s) => s.r2)).toFixed(3),
      mean(r.scores.map((s) => s.rl)).toFixed(3),
      mean(r.words).toFixed(0),
    ];
    console.log(`| ${r.name} | ${cells.join(' | ')} |`);
  }
}

async function evaluateSummaries(): Promise<boolean> {
  const entries = readIndex<IndexEntry>(corpusDir);
  const articles = entries.map((e) => {
    const bytes = readFileSync(join(corpusDir, e.article));
    const raw = bytes.toString('utf8');
    const refs = e.refs.map((r) => readFileSync(join(corpusDir, r), 'utf8'));
    return { e, bytes, raw, sentences: baselineSentences(raw), refs, refTokens: refs.map(rougeTokens) };
  });
  const idf = documentIdf(articles.map((a) => a.sentences));
  const rows = {
    khulasa: row('khulasa extractive'),
    lead: row('lead-N, same length'),
    lexrank: row('LexRank, same length'),
    textrank: row('TextRank, same length'),
    random: row('random, same length'),
    leadRef: row('lead-N @reference length'),
  };
  let failed = 0;
  let withLead = 0;
  let repeated = 0;
  for (const [n, a] of articles.entries()) {
    const run = await runKhulasa(a.bytes, `${a.e.id}.txt`);
    if (run.status !== 'done') failed += 1;
    const budget = Math.max(1, wordCount(run.summary));
    const systems: [Row, string][] = [
      [rows.khulasa, run.summary],
      [rows.lead, leadN(a.sentences, budget)],
      [rows.lexrank, lexRank(a.sentences, budget, idf)],
      [rows.textrank, textRank(a.sentences, budget)],
      [rows.random, randomN(a.sentences, budget, 1000 + n)],
    ];
    const refBudget = Math.max(1, Math.round(mean(a.refs.map(wordCount))));
    systems.push([rows.leadRef, leadN(a.sentences, refBudget)]);
    for (const [r, summary] of systems) {
      r.scores.push(scoreSummary(summary, a.refTokens));
      r.words.push(wordCount(summary));
    }
    // The lead's opening words: the corpus splitter sometimes runs the lead into the next sentence.
    const first = rougeTokens(a.sentences[0] ?? '')
      .slice(0, 10)
      .join(' ');
    if (first !== '' && rougeTokens(run.summary).join(' ').includes(first)) withLead += 1;
    if (new Set(run.sentences).size < run.sentences.length) repeated += 1;
  }
  console.log(`\n## ${corpusDir}: ${articles.length} articles\n`);
  printTable(Object.values(rows));
  console.log(
    `\nkhulasa: ${failed} failed, the lead sentence in ${withLead}/${articles.length} summaries, a sentence repeated in ${repeated}`,
  );
  const k = rows.khulasa.scores;
  const beats = (other: Row): boolean =>
    (['r1', 'r2', 'rl'] as const).every(
      (m) => mean(k.map((s) => s[m])) > mean(other.scores.map((s) => s[m])),
    );
  const ok = beats(rows.lead) && beats(rows.lexrank);
  console.log(`khulasa beats lead-N and LexRank on R-1, R-2 and R-L: ${ok ? 'yes' : 'no'}`);
  return ok;
}

interface NewsEntry {
  file: string;
}

async function robustness(): Promise<void> {
  if (!existsSync(join(newsDir, 'index.jsonl'))) {
    console.log(`\n(no robustness corpus at ${newsDir})`);
    return;
  }
  const entries = readIndex<NewsEntry>(newsDir);
  const codes = new Map<string, number>();
  let done = 0;
  let titled = 0;
  let withFragments = 0;
  let fragments = 0;
  let repeated = 0;
  let slowest = 0;
  const examples: string[] = [];
  for (const e of entries) {
    const bytes = readFileSync(join(newsDir, e.file));
    const run: KhulasaRun = await runKhulasa(bytes, e.file);
    slowest = Math.max(slowest, run.ms);
    if (run.status !== 'done') {
      codes.set(run.code ?? '?', (codes.get(run.code ?? '?') ?? 0) + 1);
      continue;
    }
    done += 1;
    if (run.title.trim() !== '') titled += 1;
    const n = fragmentsOf(bytes.toString('utf8'), run.sentences);
    fragments += n;
    if (n > 0) {
      withFragments += 1;
      if (examples.length < 3) examples.push(e.file);
    }
    if (new Set(run.sentences).size < run.sentences.length) repeated += 1;
  }
  console.log(`\n## robustness, ${newsDir}: ${entries.length} articles through the .txt path\n`);
  console.log(
    `done ${done}, failed ${entries.length - done}${codes.size ? ` (${[...codes].join(', ')})` : ''}`,
  );
  console.log(
    `with a title ${titled}/${done}; summaries with a sentence fragment ${withFragments} (${fragments} sentences)`,
  );
  console.log(`summaries repeating a sentence ${repeated}; slowest article ${slowest.toFixed(0)} ms`);
  if (examples.length > 0) console.log(`fragments in: ${examples.join(', ')}`);
}

const started = performance.now();
const ok = await evaluateSummaries();
await robustness();
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = ok ? 0 : 1;
