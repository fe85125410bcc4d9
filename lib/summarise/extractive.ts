import { detectLanguage } from '../text/language.ts';
import { splitSentences } from '../text/sentences.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';

/**
 * The offline summariser: picks the article's most central sentences (TF-IDF cosine similarity to
 * the other sentences, a LexRank-style degree score). Deterministic, no network, no key.
 *
 * It can only quote the article, so it produces the article's own language and nothing else:
 * every other requested language is absent and flagged `missing_language:<l>` (DESIGN.md "Record").
 */

export const EXTRACTIVE_MODEL = 'centrality-v1';
/** Versioned on its own: the LLM prompt version says nothing about this algorithm. */
export const EXTRACTIVE_VERSION = 'extractive-2026-11-28.1';

const MIN_SUMMARY_SENTENCES = 3;
const MAX_SUMMARY_SENTENCES = 5;
const MAX_SUMMARY_CHARS = 1200;
const MAX_KEY_POINTS = 5;
const MAX_KEY_POINT_CHARS = 280;
const MAX_TITLE_CHARS = 200;
/** Sentences with fewer content tokens (date lines, "Source: …") are not worth quoting. */
const MIN_TOKENS = 4;
const MAX_TOPICS = 5;

const TOKEN = /\p{L}[\p{L}\p{M}\u0640]*|\p{N}+/gu;

// Frequent function words: they would make every pair of sentences look similar.
const STOP_WORDS = new Set(
  [
    // Arabic, already folded (see foldArabic)
    'في من علي الي عن ان او ثم قد لا ما لم لن مع هذا هذه ذلك تلك التي الذي الذين هو هي هم كان كانت يكون وقد كما بين بعد قبل عند حيث حتي كل اي اما انه انها الا غير منذ خلال لدي ضد نحو فقط ايضا وهو وهي وفي ومن ولا وان او ام قال وقال اليوم يوم',
    // English
    'the a an and or but of to in on at for from by with as is are was were be been being it its this that these those he she they we you i his her their our not no has have had will would can could said says also than then there which who whom what when where while into over after before about more most',
  ]
    .join(' ')
    .split(' '),
);

/** Fold Arabic spelling variants so the same word matches itself (search keys, never display). */
export function foldArabic(token: string): string {
  return token
    .replace(/[\u064B-\u0652\u0670\u0640]/gu, '')
    .replace(/[أإآٱ]/gu, 'ا')
    .replace(/ى/gu, 'ي')
    .replace(/ة/gu, 'ه');
}

// Light Arabic stemming: the article and the attached conjunction/preposition ("والشرطة" = "الشرطة").
const ARABIC_PREFIX = /^(?:وال|بال|كال|فال|لل|ال|و)(?=\p{L}{3})/u;

function termOf(token: string): string | null {
  const folded = foldArabic(token.toLowerCase()).replace(ARABIC_PREFIX, '');
  if (folded.length < 2 || STOP_WORDS.has(folded)) return null;
  return folded;
}

interface Sentence {
  text: string;
  index: number;
  terms: Map<string, number>;
  tokenCount: number;
}

function analyse(text: string, index: number): Sentence {
  const terms = new Map<string, number>();
  let tokenCount = 0;
  for (const [token] of text.matchAll(TOKEN)) {
    tokenCount += 1;
    const term = termOf(token);
    if (term !== null) terms.set(term, (terms.get(term) ?? 0) + 1);
  }
  return { text, index, terms, tokenCount };
}

/** Centrality of each sentence: summed TF-IDF cosine similarity to every other sentence. */
function centrality(sentences: readonly Sentence[]): number[] {
  const df = new Map<string, number>();
  for (const s of sentences) for (const term of s.terms.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = sentences.length;
  const vectors = sentences.map((s) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [term, tf] of s.terms) {
      const w = (1 + Math.log(tf)) * Math.log(1 + n / (df.get(term) ?? 1));
      v.set(term, w);
      norm += w * w;
    }
    return { v, norm: Math.sqrt(norm) };
  });
  const scores = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i += 1) {
    const a = vectors[i];
    if (a === undefined || a.norm === 0) continue;
    for (let j = i + 1; j < n; j += 1) {
      const b = vectors[j];
      if (b === undefined || b.norm === 0) continue;
      let dot = 0;
      const [small, large] = a.v.size <= b.v.size ? [a.v, b.v] : [b.v, a.v];
      for (const [term, w] of small) dot += w * (large.get(term) ?? 0);
      const sim = dot / (a.norm * b.norm);
      scores[i] = (scores[i] ?? 0) + sim;
      scores[j] = (scores[j] ?? 0) + sim;
    }
  }
  // News puts the essentials first: a small lead bonus breaks near-ties in favour of early sentences.
  return scores.map((score, i) => score + 0.25 / (i + 1));
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The most frequent content words, shown in their most frequent spelling. */
function frequentTopics(sentences: readonly Sentence[]): string[] {
  const counts = new Map<string, { n: number; forms: Map<string, number> }>();
  for (const s of sentences) {
    for (const [token] of s.text.matchAll(TOKEN)) {
      const term = termOf(token);
      if (term === null || term.length < 4 || /^\p{N}+$/u.test(term)) continue;
      const entry = counts.get(term) ?? { n: 0, forms: new Map<string, number>() };
      entry.n += 1;
      entry.forms.set(token, (entry.forms.get(token) ?? 0) + 1);
      counts.set(term, entry);
    }
  }
  return [...counts.entries()]
    .filter(([, e]) => e.n >= 3)
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .slice(0, MAX_TOPICS)
    .map(
      ([, e]) => [...e.forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '',
    )
    .filter((t) => t !== '');
}

export class ExtractiveSummariser implements Summariser {
  readonly provider = 'extractive' as const;
  readonly modelName = EXTRACTIVE_MODEL;
  readonly promptVersion = EXTRACTIVE_VERSION;

  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    const language = request.language ?? detectLanguage(request.text);
    const result: SummaryResult = {
      summaries: {},
      entities: [],
      topics: [],
      flags: [],
      model: { provider: this.provider, name: this.modelName, promptVersion: this.promptVersion },
      usage: { inputTokens: 0, outputTokens: 0, llmCalls: 0 },
    };
    const all = splitSentences(request.text).map(analyse);
    if (language !== null && request.languages.includes(language) && all.length > 0) {
      // Without a headline the first line is the title and is not quoted again in the summary.
      const title = request.title ?? all[0]?.text ?? '';
      const body = request.title === null ? all.slice(1) : all;
      const candidates = body.filter((s) => s.tokenCount >= MIN_TOKENS);
      const pool = candidates.length > 0 ? candidates : body.length > 0 ? body : all;
      const scores = centrality(pool);
      const ranked = pool
        .map((s, i) => ({ s, score: scores[i] ?? 0 }))
        .sort((a, b) => b.score - a.score || a.s.index - b.s.index)
        .map((r) => r.s);

      let take = Math.min(MAX_SUMMARY_SENTENCES, Math.max(MIN_SUMMARY_SENTENCES, Math.ceil(pool.length / 4)));
      const length = (k: number) => ranked.slice(0, k).reduce((sum, s) => sum + s.text.length + 1, 0);
      while (take > MIN_SUMMARY_SENTENCES && length(take) > MAX_SUMMARY_CHARS) take -= 1;
      const chosen = ranked.slice(0, take).sort((a, b) => a.index - b.index);
      // A short article has nothing left after the summary: its key points are the summary's sentences.
      const rest = ranked.slice(take, take + MAX_KEY_POINTS);
      const keyPoints = (rest.length > 0 ? rest : chosen).map((s) => clip(s.text, MAX_KEY_POINT_CHARS));

      result.summaries[language] = {
        title: clip(title.trim(), MAX_TITLE_CHARS),
        summary: chosen.map((s) => s.text).join(' '),
        keyPoints,
      };
      result.topics = frequentTopics(all);
    }
    for (const l of request.languages)
      if (result.summaries[l] === undefined) result.flags.push(`missing_language:${l}`);
    return result;
  }
}
