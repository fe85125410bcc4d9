import { decodeBytes } from '../lib/text/decode.ts';
import { normaliseText } from '../lib/text/normalise.ts';
import { segmentArticle } from '../lib/text/segment.ts';
import { SCRAPED, scrapedArticle } from '../test/support/fixtures.ts';

const TARGET_BYTES = 5 * 1024 * 1024;
const RUNS = 11;
const WARMUP = 2;
const BUDGET = 10;

const fixture = scrapedArticle();

/** Realistic scraping noise, varied per copy so no run of the input is a verbatim repeat. */
function vary(text: string, copy: number): string {
  const lines = text.split('\n');
  return lines
    .map((line, i) => {
      switch ((copy + i) % 6) {
        case 0: // presentation forms: lam-alef ligature and isolated alef
          return line.replace(/لا/g, '\uFEFB').replace(/ ا/g, ' \uFE8D');
        case 1: // tatweel stretching and a hijri "هـ"
          return line.replace(/الإنتربول/g, 'الإنتـــربول').replace(/ 2025/g, ' 1447 هـ 2025');
        case 2: // bidi marks around numbers, as copied from web pages
          return line.replace(/(\d+)/g, '\u200F$1\u200F');
        case 3: // NBSP and double spaces
          return line.replace(/ و/g, '\u00A0و').replace(/، /g, '،  ');
        case 4: // CRLF line ending and a zero-width space
          return `${line.replace(/ في /g, ' في\u200B ')}\r`;
        default:
          return line;
      }
    })
    .join('\n');
}

function build(source: string, noisy: boolean): Uint8Array {
  const parts: string[] = [];
  let size = 0;
  for (let copy = 0; size < TARGET_BYTES; copy += 1) {
    const part = `${noisy ? vary(source, copy) : source}\n\n`;
    parts.push(part);
    size += Buffer.byteLength(part);
  }
  return new TextEncoder().encode(parts.join(''));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(fn: () => unknown): number {
  for (let i = 0; i < WARMUP; i += 1) fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

interface Row {
  input: string;
  /** Whether the budget applies to this input (the stress inputs are reported only). */
  budgeted: boolean;
  megabytes: number;
  baselineMs: number;
  decodeMs: number;
  normaliseMs: number;
  segmentMs: number;
  stagesMs: number;
  ratio: number;
}

/** Baseline and stages alternate run by run, so load from other processes hits both alike. */
function sideBySide(
  baseline: () => unknown,
  stages: () => unknown,
): { baselineMs: number; stagesMs: number } {
  for (let i = 0; i < WARMUP; i += 1) {
    baseline();
    stages();
  }
  const base: number[] = [];
  const staged: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    let start = performance.now();
    baseline();
    base.push(performance.now() - start);
    start = performance.now();
    stages();
    staged.push(performance.now() - start);
  }
  return { baselineMs: median(base), stagesMs: median(staged) };
}

function measure(input: string, bytes: Uint8Array, budgeted: boolean): Row {
  const decoded = decodeBytes(bytes).text;
  const normalised = normaliseText(decoded);
  const decodeMs = time(() => decodeBytes(bytes));
  const normaliseMs = time(() => normaliseText(decoded));
  const segmentMs = time(() => segmentArticle(normalised));
  const { baselineMs, stagesMs } = sideBySide(
    () => new TextDecoder('utf-8', { fatal: true }).decode(bytes).normalize('NFC'),
    () => segmentArticle(normaliseText(decodeBytes(bytes).text)),
  );
  return {
    input,
    budgeted,
    megabytes: bytes.length / 1024 / 1024,
    baselineMs,
    decodeMs,
    normaliseMs,
    segmentMs,
    stagesMs,
    ratio: stagesMs / baselineMs,
  };
}

// The fixture as scraped (main article + appended article, cut early by the segmenter), and one
// long article without markers or source lines, which the segmenter has to walk to the end.
const mainOnly = fixture
  .split('\n')
  .slice(0, SCRAPED.firstParagraph + SCRAPED.paragraphCount)
  .join('\n');
const rows = [
  measure('fixture as scraped, repeated', build(fixture, false), true),
  measure('one long article as scraped', build(mainOnly, false), true),
  measure('stress: noise on every line, repeated', build(fixture, true), false),
  measure('stress: noise on every line, one article', build(mainOnly, true), false),
];

// An HTML page of 1 MB with 5,000 nested elements (Arabic paragraphs inside 5,000 <div>s), through
// the HTML text stages (bound markup, parse, Readability, clean, normalise) against the plain-text
// baseline: the same paragraphs uploaded as a .txt file through the text stages. Budget 20×.
const HTML_BUDGET = 20;
const HTML_RUNS = 3;
async function measureNestedHtml() {
  const paragraph = `<p>${mainOnly.split('\n').filter((l: string) => l.length > 80)[0] ?? fixture.slice(0, 400)}</p>\n`;
  const inner = paragraph.repeat(Math.ceil(1_000_000 / Buffer.byteLength(paragraph)));
  const html = new TextEncoder().encode(
    `<!DOCTYPE html><html><head><title>t</title></head><body>${'<div>'.repeat(5_000)}${inner}${'</div>'.repeat(5_000)}</body></html>`,
  );
  const text = new TextEncoder().encode(inner.replace(/<[^>]+>/g, ''));
  const { prepareArticle } = await import('../lib/text/prepare.ts');
  const run = (bytes: Uint8Array, key: string) => prepareArticle(bytes, { maxTextChars: 2_000_000, key });
  await run(html, 'page.html');
  await run(text, 'page.txt');
  const base: number[] = [];
  const staged: number[] = [];
  for (let i = 0; i < HTML_RUNS; i += 1) {
    let start = performance.now();
    await run(text, 'page.txt');
    base.push(performance.now() - start);
    start = performance.now();
    await run(html, 'page.html');
    staged.push(performance.now() - start);
  }
  const baselineMs = median(base);
  const stagesMs = median(staged);
  const ratio = stagesMs / baselineMs;
  return {
    megabytes: html.length / 1024 / 1024,
    baselineMs,
    stagesMs,
    ratio,
    limit: HTML_BUDGET,
    pass: ratio <= HTML_BUDGET,
  };
}
const nestedHtml = await measureNestedHtml();

const fmt = (n: number): string => n.toFixed(1).padStart(8);
console.log(
  'input                                             MB   baseline   decode normalise  segment   stages  ratio',
);
for (const r of rows) {
  console.log(
    `${r.input.padEnd(48)} ${r.megabytes.toFixed(1)} ${fmt(r.baselineMs)} ${fmt(r.decodeMs)} ${fmt(r.normaliseMs)} ${fmt(r.segmentMs)} ${fmt(r.stagesMs)} ${r.ratio.toFixed(2).padStart(6)}x ${r.budgeted ? `${r.ratio <= BUDGET ? 'pass' : 'FAIL'} (budget ${BUDGET}x)` : '(reported)'}`,
  );
}
console.log(
  `${'HTML: 5,000 nested elements vs the same text as .txt'.padEnd(48)} ${nestedHtml.megabytes.toFixed(1)} ${fmt(nestedHtml.baselineMs)} ${fmt(nestedHtml.stagesMs)} ${nestedHtml.ratio.toFixed(2).padStart(6)}x ${nestedHtml.pass ? 'pass' : 'FAIL'} (budget ${HTML_BUDGET}x)`,
);
console.log(JSON.stringify({ budget: 'text-stages', limit: BUDGET, runs: RUNS, rows, nestedHtml }));
