import type { LanguageSummary } from '../domain/record.ts';
import type { SummaryRequest } from './port.ts';
import type { QualityProblems } from './prompt.ts';
import { BOUNDS, type SummaryAnswer } from './schema.ts';
import { verifySummary } from './verify.ts';

// Bidi embeddings, overrides and isolates, LRM/RLM/ALM, zero-width space, word joiner, BOM and C0
// controls: a model's answer is shown in pages, terminals and other systems' UIs, where one
// U+202E reverses everything after it. Kept: ZWNJ/ZWJ, which Persian and emoji spelling need.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: C0 controls are what this removes.
  /[\u0000-\u0008\u000E-\u001F\u007F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/gu;
const clean = (s: string): string => s.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();

/** `s` cleaned and cut to `max` characters at a word boundary when longer (a server ignored `maxLength`). */
export function clip(s: string, max: number): string {
  const cleaned = clean(s);
  const chars = Array.from(cleaned);
  if (chars.length <= max) return cleaned;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Trim the answer and drop parts with no text: an empty language counts as not produced. */
function tidy(answer: SummaryAnswer, languages: readonly string[]) {
  const summaries: Record<string, LanguageSummary> = {};
  for (const language of languages) {
    const part = answer.summaries[language];
    if (part === undefined) continue;
    const tidied = {
      title: clip(part.title, BOUNDS.title),
      summary: clip(part.summary, BOUNDS.summary),
      keyPoints: part.keyPoints
        .map((p) => clip(p, BOUNDS.keyPoint))
        .filter((p) => p !== '')
        .slice(0, BOUNDS.keyPoints),
    };
    if (/\p{L}/u.test(`${tidied.title}${tidied.summary}${tidied.keyPoints.join('')}`))
      summaries[language] = tidied;
  }
  const seen = new Set<string>();
  const entities = answer.entities
    .map((e) => ({ name: clip(e.name, BOUNDS.entityName), type: e.type }))
    .filter((e) => e.name !== '' && !seen.has(`${e.type}:${e.name}`) && seen.add(`${e.type}:${e.name}`))
    .slice(0, BOUNDS.entities);
  const topics = [...new Set(answer.topics.map((t) => clip(t, BOUNDS.topic)).filter((t) => t !== ''))].slice(
    0,
    BOUNDS.topics,
  );
  return { summaries, entities, topics };
}

export interface Checked {
  tidied: ReturnType<typeof tidy>;
  flags: string[];
  content: string;
  problems: QualityProblems;
}

export function check(answer: SummaryAnswer, content: string, request: SummaryRequest): Checked {
  const tidied = tidy(answer, request.languages);
  const flags = verifySummary({ summaries: tidied.summaries }, request);
  const after = (prefix: string) =>
    flags.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
  const problems = {
    wrongLanguages: after('wrong_language:'),
    ungroundedNumbers: after('ungrounded_number:'),
  };
  return { tidied, flags, content, problems };
}

export const problemCount = (c: Checked): number =>
  c.problems.wrongLanguages.length + c.problems.ungroundedNumbers.length;
