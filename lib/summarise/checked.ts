import type { LanguageSummary } from '../domain/record.ts';
import type { SummaryRequest } from './port.ts';
import type { QualityProblems } from './prompt.ts';
import type { SummaryAnswer } from './schema.ts';
import { verifySummary } from './verify.ts';

const clean = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/** Trim the answer and drop parts with no text: an empty language counts as not produced. */
function tidy(answer: SummaryAnswer, languages: readonly string[]) {
  const summaries: Record<string, LanguageSummary> = {};
  for (const language of languages) {
    const part = answer.summaries[language];
    if (part === undefined) continue;
    const tidied = {
      title: clean(part.title),
      summary: clean(part.summary),
      keyPoints: part.keyPoints.map(clean).filter((p) => p !== ''),
    };
    if (/\p{L}/u.test(`${tidied.title}${tidied.summary}${tidied.keyPoints.join('')}`))
      summaries[language] = tidied;
  }
  const seen = new Set<string>();
  const entities = answer.entities
    .map((e) => ({ name: clean(e.name), type: e.type }))
    .filter((e) => e.name !== '' && !seen.has(`${e.type}:${e.name}`) && seen.add(`${e.type}:${e.name}`));
  const topics = [...new Set(answer.topics.map(clean).filter((t) => t !== ''))];
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
