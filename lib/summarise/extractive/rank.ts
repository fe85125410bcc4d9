/**
 * Sentence selection for the offline summary: the lead sentence first (news puts the essentials
 * there, and readers choose it), then sentences by a score that mixes centrality (LexRank-style
 * PageRank over tf-idf cosine similarity of light-stemmed terms) with position, skipping any
 * sentence that repeats or nearly repeats one already chosen, up to a length that follows the
 * article. Near-linear: the pairwise graph is built only over the first sentences of a long text.
 */
import { type Terms, termsOf } from './terms.ts';

export interface RankOptions {
  /** Summary length as a share of the article's words, within [minWords, maxWords]. */
  ratio: number;
  minWords: number;
  maxWords: number;
  /** Weights of centrality and position (each scaled to [0, 1]). */
  centralityWeight: number;
  positionWeight: number;
  /** Sentences longer than this many tokens lose `longPenalty`: run-on sentences carry less per word. */
  longTokens: number;
  longPenalty: number;
  /** Position score = 1 / (1 + index / positionScale): lower favours the lead more. */
  positionScale: number;
  /** Cosine similarity at or above which a sentence nearly repeats a chosen one. */
  redundancy: number;
  /** Sentences with fewer word tokens are quoted only when nothing else is left. */
  minTokens: number;
}

// Readers' extractive summaries of news and encyclopedia articles hold about a third of the words.
// Position outweighs centrality: in news the lead carries the story.
export const DEFAULT_RANK_OPTIONS: RankOptions = {
  ratio: 0.35,
  minWords: 40,
  maxWords: 250,
  centralityWeight: 0.3,
  positionWeight: 1,
  positionScale: 4,
  longTokens: 60,
  longPenalty: 0.3,
  redundancy: 0.6,
  minTokens: 6,
};

/** The pairwise similarity graph covers at most this many sentences (quadratic in it). */
const GRAPH_MAX_SENTENCES = 250;
/** Longer "sentences" are unpunctuated runs (tables, lists, a text without full stops), not quotable. */
const MAX_SENTENCE_CHARS = 1500;
const DAMPING = 0.85;
const ITERATIONS = 30;

export interface RankedSentence {
  text: string;
  /** Position among the article's sentences. */
  index: number;
  terms: Terms;
  words: number;
}

interface Vector {
  weights: Map<string, number>;
  norm: number;
}

function vectorsOf(sentences: readonly RankedSentence[]): Vector[] {
  const df = new Map<string, number>();
  for (const s of sentences) for (const term of s.terms.counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = sentences.length;
  return sentences.map((s) => {
    const weights = new Map<string, number>();
    let norm = 0;
    for (const [term, tf] of s.terms.counts) {
      const w = (1 + Math.log(tf)) * Math.log(1 + n / (df.get(term) ?? 1));
      weights.set(term, w);
      norm += w * w;
    }
    return { weights, norm: Math.sqrt(norm) };
  });
}

function cosine(a: Vector, b: Vector): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.weights.size <= b.weights.size ? [a.weights, b.weights] : [b.weights, a.weights];
  let dot = 0;
  for (const [term, w] of small) dot += w * (large.get(term) ?? 0);
  return dot / (a.norm * b.norm);
}

/** Weighted PageRank over the cosine graph (continuous LexRank). */
function lexRank(vectors: readonly Vector[]): number[] {
  const n = vectors.length;
  const sims: Float64Array[] = vectors.map(() => new Float64Array(n));
  const rowSums = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const a = vectors[i];
      const b = vectors[j];
      const sim = a && b ? cosine(a, b) : 0;
      (sims[i] as Float64Array)[j] = sim;
      (sims[j] as Float64Array)[i] = sim;
      rowSums[i] = (rowSums[i] ?? 0) + sim;
      rowSums[j] = (rowSums[j] ?? 0) + sim;
    }
  }
  let rank = new Float64Array(n).fill(1 / n);
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    const next = new Float64Array(n).fill((1 - DAMPING) / n);
    let dangling = 0;
    for (let j = 0; j < n; j += 1) {
      const sum = rowSums[j] ?? 0;
      const share = rank[j] ?? 0;
      if (sum === 0) {
        dangling += share;
        continue;
      }
      const row = sims[j] as Float64Array;
      for (let i = 0; i < n; i += 1) next[i] = (next[i] ?? 0) + (DAMPING * share * (row[i] ?? 0)) / sum;
    }
    for (let i = 0; i < n; i += 1) next[i] = (next[i] ?? 0) + (DAMPING * dangling) / n;
    rank = next;
  }
  return [...rank];
}

/** Similarity to the whole text's centroid: the linear stand-in for sentences beyond the graph. */
function centroidSimilarity(vectors: readonly Vector[]): number[] {
  const centroid = new Map<string, number>();
  for (const v of vectors)
    for (const [term, w] of v.weights) centroid.set(term, (centroid.get(term) ?? 0) + w);
  let norm = 0;
  for (const w of centroid.values()) norm += w * w;
  const c: Vector = { weights: centroid, norm: Math.sqrt(norm) };
  return vectors.map((v) => cosine(v, c));
}

const scaled = (values: readonly number[]): number[] => {
  const max = values.reduce((m, v) => Math.max(v, m), 0);
  return max === 0 ? values.map(() => 0) : values.map((v) => v / max);
};

export function analyseSentences(texts: readonly string[]): RankedSentence[] {
  return texts.map((text, index) => {
    const terms = termsOf(text);
    return { text, index, terms, words: text.split(' ').length };
  });
}

/** The chosen sentences in article order. `sentences` are the article's, in order. */
export function selectSentences(
  sentences: readonly RankedSentence[],
  options: RankOptions = DEFAULT_RANK_OPTIONS,
): RankedSentence[] {
  // The lead sentence is always eligible, however short.
  const eligible = sentences.filter(
    (s, i) =>
      s.text.length <= MAX_SENTENCE_CHARS &&
      (s.terms.tokens >= options.minTokens || (i === 0 && s.terms.counts.size > 0)),
  );
  const pool = eligible.length > 0 ? eligible : [...sentences];
  if (pool.length === 0) return [];
  const vectors = vectorsOf(pool);
  const graphSize = Math.min(pool.length, GRAPH_MAX_SENTENCES);
  const central = scaled([
    ...lexRank(vectors.slice(0, graphSize)),
    ...centroidSimilarity(vectors).slice(graphSize),
  ]);
  const scores = pool.map(
    (s, i) =>
      options.centralityWeight * (central[i] ?? 0) +
      options.positionWeight / (1 + s.index / options.positionScale) -
      (s.terms.tokens > options.longTokens ? options.longPenalty : 0),
  );

  const totalWords = sentences.reduce((sum, s) => sum + s.words, 0);
  const target = Math.min(
    options.maxWords,
    Math.max(options.minWords, Math.round(totalWords * options.ratio)),
  );
  // The lead sentence first, whatever its score; then best first.
  const order = pool.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  order.splice(order.indexOf(0), 1);
  order.unshift(0);

  const chosen: number[] = [];
  const seen = new Set<string>();
  let words = 0;
  for (const i of order) {
    if (words >= target) break;
    const s = pool[i] as RankedSentence;
    const key = [...s.terms.counts.keys()].join(' ') || s.text;
    const v = vectors[i] as Vector;
    if (seen.has(key) || chosen.some((j) => cosine(v, vectors[j] as Vector) >= options.redundancy)) continue;
    // The sentence that reaches the target is taken whole; only the hard cap skips one.
    if (chosen.length > 0 && words + s.words > options.maxWords) continue;
    seen.add(key);
    chosen.push(i);
    words += s.words;
  }
  return chosen.sort((a, b) => a - b).map((i) => pool[i] as RankedSentence);
}
