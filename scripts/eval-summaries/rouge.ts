/**
 * ROUGE-1/2/L F-measure with the corpus's Arabic normalisation: NFKC, marks/tatweel/controls
 * deleted, alef/yeh/teh-marbuta folded, digits to ASCII, lower case, tokens = runs of word
 * characters. Per article: the mean over its references; ROUGE-L is one LCS over the whole text.
 */

const DELETE =
  /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;
const TOKEN = /[\p{L}\p{N}_]+/gu;

export function rougeTokens(text: string): string[] {
  const folded = text
    .normalize('NFKC')
    .replace(DELETE, '')
    .replace(/[أإآٱ]/gu, 'ا')
    .replace(/ى/gu, 'ي')
    .replace(/ة/gu, 'ه')
    .replace(/[\u0660-\u0669]/gu, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/gu, (d) => String(d.charCodeAt(0) - 0x06f0))
    .toLowerCase();
  return folded.match(TOKEN) ?? [];
}

const f1 = (overlap: number, system: number, reference: number): number => {
  if (overlap === 0 || system === 0 || reference === 0) return 0;
  const p = overlap / system;
  const r = overlap / reference;
  return (2 * p * r) / (p + r);
};

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i += 1) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function rougeN(system: readonly string[], reference: readonly string[], n: number): number {
  const s = ngrams(system, n);
  const r = ngrams(reference, n);
  let overlap = 0;
  for (const [gram, count] of s) overlap += Math.min(count, r.get(gram) ?? 0);
  return f1(overlap, Math.max(0, system.length - n + 1), Math.max(0, reference.length - n + 1));
}

function lcs(a: readonly string[], b: readonly string[]): number {
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      current[j] =
        a[i - 1] === b[j - 1] ? (previous[j - 1] ?? 0) + 1 : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

export interface Scores {
  r1: number;
  r2: number;
  rl: number;
}

/** Mean F over the references (each already tokenised). An empty summary scores 0. */
export function scoreSummary(summary: string, references: readonly string[][]): Scores {
  const system = rougeTokens(summary);
  const total = { r1: 0, r2: 0, rl: 0 };
  for (const reference of references) {
    total.r1 += rougeN(system, reference, 1);
    total.r2 += rougeN(system, reference, 2);
    total.rl += f1(lcs(system, reference), system.length, reference.length);
  }
  const n = Math.max(1, references.length);
  return { r1: total.r1 / n, r2: total.r2 / n, rl: total.rl / n };
}

/** A small seeded generator (mulberry32): the same run, the same random baseline and bootstrap. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard deviation of the mean over `values` across 1000 bootstrap resamples. */
export function bootstrapSd(values: readonly number[], seed = 7): number {
  if (values.length === 0) return 0;
  const random = seeded(seed);
  const means: number[] = [];
  for (let b = 0; b < 1000; b += 1) {
    let sum = 0;
    for (let i = 0; i < values.length; i += 1) sum += values[Math.floor(random() * values.length)] ?? 0;
    means.push(sum / values.length);
  }
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  return Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / means.length);
}
