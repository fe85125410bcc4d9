import { detectLanguage } from '../text/language.ts';
import { splitSentences } from '../text/sentences.ts';
import {
  analyseSentences,
  DEFAULT_RANK_OPTIONS,
  type RankedSentence,
  type RankOptions,
  selectSentences,
} from './extractive/rank.ts';
import { tokensWithTerms } from './extractive/terms.ts';
import { titleFromLead } from './extractive/title.ts';
import type { Summariser, SummaryRequest, SummaryResult } from './port.ts';

export { foldArabic } from './extractive/terms.ts';

/**
 * The offline summariser: the lead sentence, then the sentences that score best on centrality
 * (LexRank over light-stemmed, Arabic-folded terms) and position, without repeats, at a length
 * that follows the article. Deterministic, no network, no key.
 *
 * It can only quote the article, so it produces the article's own language and nothing else:
 * every other requested language is absent and flagged `missing_language:<l>`.
 */

export const EXTRACTIVE_MODEL = 'lead-centrality-v2';
/** Versioned on its own: the LLM prompt version says nothing about this algorithm. */
export const EXTRACTIVE_VERSION = 'extractive-2026-11-29.1';

const MAX_KEY_POINTS = 5;
const MAX_KEY_POINT_CHARS = 280;
const MAX_TITLE_CHARS = 200;
/** Only a text without sentence ends (one huge run-on "sentence") reaches this. */
const MAX_SUMMARY_CHARS = 4000;
const MAX_TOPICS = 5;

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The most frequent content words, shown in their most frequent spelling. */
function frequentTopics(sentences: readonly RankedSentence[]): string[] {
  const counts = new Map<string, { n: number; forms: Map<string, number> }>();
  for (const s of sentences) {
    for (const { token, term } of tokensWithTerms(s.text)) {
      if (term.length < 3 || /^\p{N}+$/u.test(term)) continue;
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

  private readonly options: RankOptions;

  constructor(options: Partial<RankOptions> = {}) {
    this.options = { ...DEFAULT_RANK_OPTIONS, ...options };
  }

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
    const all = analyseSentences(splitSentences(request.text));
    if (language !== null && request.languages.includes(language) && all.length > 0) {
      const chosen = selectSentences(all, this.options);
      const picked = new Set(chosen.map((s) => s.index));
      // Key points: the best sentences the summary left out; a short article has only the summary's.
      const rest = selectSentences(
        all.filter((s) => !picked.has(s.index)),
        this.options,
      ).slice(0, MAX_KEY_POINTS);
      const keyPoints = (rest.length > 0 ? rest : chosen)
        .slice(0, MAX_KEY_POINTS)
        .map((s) => clip(s.text, MAX_KEY_POINT_CHARS));
      // Without a headline the title is the lead's first clause; the summary still quotes the lead.
      const title = request.title?.trim() || titleFromLead(all[0]?.text ?? '');
      result.summaries[language] = {
        title: clip(title, MAX_TITLE_CHARS),
        summary: clip(chosen.map((s) => s.text).join(' '), MAX_SUMMARY_CHARS),
        keyPoints,
      };
      result.topics = frequentTopics(all);
    }
    for (const l of request.languages)
      if (result.summaries[l] === undefined) result.flags.push(`missing_language:${l}`);
    return result;
  }
}
