/**
 * The comparison systems, on the raw article with their own sentence splitter (not khulasa's):
 * lead-N, random (seeded), TextRank (shared content tokens over log lengths, PageRank d = 0.85)
 * and LexRank (thresholded tf-idf cosine graph, PageRank d = 0.85), each cut to a word budget.
 */
import { rougeTokens, seeded } from './rouge.ts';

/** Paragraphs at blank lines; a line break not after `. ! ? ؟ … :` is a hard wrap; sentences after `. ! ? ؟ …`. */
export function baselineSentences(raw: string): string[] {
  const text = raw.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n');
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n[ \t]*\n/u)) {
    const joined = paragraph.replace(/(?<![.!?؟…:])[ \t]*\n[ \t]*/gu, ' ');
    for (const line of joined.split('\n')) {
      for (const sentence of line.split(/(?<=[.!?؟…])\s+/u)) {
        const trimmed = sentence.trim();
        if (rougeTokens(trimmed).length > 0) sentences.push(trimmed);
      }
    }
  }
  return sentences;
}

const words = (text: string): string[] => text.split(/\s+/u).filter((w) => w !== '');

/** Sentences (already in the order to take them) up to the budget, back in document order, cut to the budget. */
function fill(sentences: readonly string[], order: readonly number[], budget: number): string {
  const picked: number[] = [];
  let count = 0;
  for (const i of order) {
    if (count >= budget) break;
    picked.push(i);
    count += words(sentences[i] ?? '').length;
  }
  picked.sort((a, b) => a - b);
  return words(picked.map((i) => sentences[i]).join(' '))
    .slice(0, budget)
    .join(' ');
}

export const leadN = (sentences: readonly string[], budget: number): string =>
  fill(
    sentences,
    sentences.map((_, i) => i),
    budget,
  );

export function randomN(sentences: readonly string[], budget: number, seed: number): string {
  const random = seeded(seed);
  const order = sentences.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  return fill(sentences, order, budget);
}

const FUNCTION_WORDS = new Set(
  'في من الي علي عن ان او ثم قد لا ما لم لن مع هذا هذه ذلك تلك التي الذي الذين هو هي هم كان كانت بين بعد قبل عند حتي كل اي انه انها الا غير منذ خلال لدي كما'.split(
    ' ',
  ),
);

/** ROUGE tokens with one leading clitic stripped, without function words and one-letter tokens. */
function contentTokens(sentence: string): string[] {
  const out: string[] = [];
  for (const token of rougeTokens(sentence)) {
    const stripped = token.replace(/^(?:[وفبكل]ال|[وفبكل]|ال)(?=\p{L}{2})/u, '');
    if (stripped.length < 2 || FUNCTION_WORDS.has(token) || FUNCTION_WORDS.has(stripped)) continue;
    out.push(stripped);
  }
  return out;
}

/** idf = log(N / df) + 1 over the articles being scored. */
export function documentIdf(articles: readonly (readonly string[])[]): (term: string) => number {
  const df = new Map<string, number>();
  for (const sentences of articles) {
    for (const term of new Set(sentences.flatMap(contentTokens))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = articles.length;
  return (term) => Math.log(n / (df.get(term) ?? 1)) + 1;
}

/** PageRank over a weighted undirected graph given as neighbour lists (weight 1 when none given). */
function pageRank(neighbours: readonly number[][], damping = 0.85, weights?: readonly number[][]): number[] {
  const n = neighbours.length;
  const strength = neighbours.map((edges, i) =>
    weights ? (weights[i] ?? []).reduce((a, b) => a + b, 0) : edges.length,
  );
  let rank = new Array<number>(n).fill(1 / n);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const next = new Array<number>(n).fill((1 - damping) / n);
    let dangling = 0;
    for (let i = 0; i < n; i += 1) {
      const edges = neighbours[i] ?? [];
      const total = strength[i] ?? 0;
      if (edges.length === 0 || total === 0) dangling += rank[i] ?? 0;
      else
        edges.forEach((j, k) => {
          const w = weights ? (weights[i]?.[k] ?? 0) : 1;
          next[j] = (next[j] ?? 0) + (damping * (rank[i] ?? 0) * w) / total;
        });
    }
    for (let i = 0; i < n; i += 1) next[i] = (next[i] ?? 0) + (damping * dangling) / n;
    rank = next;
  }
  return rank;
}

export function lexRank(sentences: readonly string[], budget: number, idf: (term: string) => number): string {
  const vectors = sentences.map((s) => {
    const tf = new Map<string, number>();
    for (const t of contentTokens(s)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, f] of tf) {
      const w = f * idf(t);
      v.set(t, w);
      norm += w * w;
    }
    return { v, norm: Math.sqrt(norm) };
  });
  const neighbours = sentences.map(() => [] as number[]);
  for (let i = 0; i < sentences.length; i += 1) {
    for (let j = i + 1; j < sentences.length; j += 1) {
      const a = vectors[i];
      const b = vectors[j];
      if (!a || !b || a.norm === 0 || b.norm === 0) continue;
      let dot = 0;
      for (const [t, w] of a.v) dot += w * (b.v.get(t) ?? 0);
      if (dot / (a.norm * b.norm) > 0.1) {
        neighbours[i]?.push(j);
        neighbours[j]?.push(i);
      }
    }
  }
  const rank = pageRank(neighbours);
  const order = sentences.map((_, i) => i).sort((a, b) => (rank[b] ?? 0) - (rank[a] ?? 0) || a - b);
  return fill(sentences, order, budget);
}

export function textRank(sentences: readonly string[], budget: number): string {
  const tokens = sentences.map((s) => contentTokens(s));
  const sets = tokens.map((t) => new Set(t));
  const neighbours = sentences.map(() => [] as number[]);
  const weights = sentences.map(() => [] as number[]);
  for (let i = 0; i < sentences.length; i += 1) {
    for (let j = i + 1; j < sentences.length; j += 1) {
      const a = sets[i] ?? new Set<string>();
      const b = sets[j] ?? new Set<string>();
      let shared = 0;
      for (const t of a) if (b.has(t)) shared += 1;
      const norm = Math.log((tokens[i]?.length ?? 0) + 1) + Math.log((tokens[j]?.length ?? 0) + 1);
      if (shared === 0 || norm === 0) continue;
      neighbours[i]?.push(j);
      weights[i]?.push(shared / norm);
      neighbours[j]?.push(i);
      weights[j]?.push(shared / norm);
    }
  }
  const rank = pageRank(neighbours, 0.85, weights);
  const order = sentences.map((_, i) => i).sort((a, b) => (rank[b] ?? 0) - (rank[a] ?? 0) || a - b);
  return fill(sentences, order, budget);
}

export const wordCount = (text: string): number => words(text).length;
