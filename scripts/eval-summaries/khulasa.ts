/**
 * khulasa's offline path for one plain-text file, as a `.txt` upload takes it: prepare (decode,
 * normalise, segment) then the extractive summariser.
 */
import { ArticleError } from '../../lib/errors.ts';
import { ExtractiveSummariser } from '../../lib/summarise/extractive.ts';
import { normaliseText } from '../../lib/text/normalise.ts';
import { prepareArticle } from '../../lib/text/prepare.ts';
import { splitSentences } from '../../lib/text/sentences.ts';

/** The ingest default for MAX_TEXT_CHARS. */
const MAX_TEXT_CHARS = 2_000_000;
const summariser = new ExtractiveSummariser();

export interface KhulasaRun {
  status: 'done' | 'failed';
  code: string | null;
  title: string;
  summary: string;
  /** The summary's sentences. */
  sentences: string[];
  ms: number;
}

/** The article sentences a summary quotes, in order (re-splitting the summary would merge a "…:" line with the next). */
function quotedSentences(summary: string, article: readonly string[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const sentence of article) {
    if (!summary.startsWith(sentence, at)) continue;
    out.push(sentence);
    at += sentence.length + 1;
  }
  return at >= summary.length ? out : splitSentences(summary);
}

export async function runKhulasa(bytes: Uint8Array, key: string): Promise<KhulasaRun> {
  const started = performance.now();
  try {
    const prepared = await prepareArticle(bytes, {
      maxTextChars: MAX_TEXT_CHARS,
      contentType: 'text/plain',
      key,
    });
    const result = await summariser.summarise({
      text: prepared.body,
      title: prepared.title,
      language: prepared.language,
      publishedAt: prepared.publishedAt,
      outlet: prepared.outlet,
      languages: ['ar', 'en'],
    });
    const own = result.summaries[prepared.language ?? ''] ?? Object.values(result.summaries)[0];
    const summary = own?.summary ?? '';
    return {
      status: summary === '' ? 'failed' : 'done',
      code: summary === '' ? 'empty_summary' : null,
      title: own?.title ?? '',
      summary,
      sentences: quotedSentences(summary, splitSentences(prepared.body)),
      ms: performance.now() - started,
    };
  } catch (e: unknown) {
    if (!(e instanceof ArticleError)) throw e;
    return {
      status: 'failed',
      code: e.code,
      title: '',
      summary: '',
      sentences: [],
      ms: performance.now() - started,
    };
  }
}

const TERMINAL = /[.!?؟…]["'»”’)\]]*$/u;

/**
 * Summary sentences that are not whole sentences of the article as a reader sees it (hard wraps
 * joined by the corpus rule, list items kept, independently of khulasa's own reflow): a sentence that stops where
 * the article's sentence goes on, or starts inside one.
 */
export function fragmentsOf(raw: string, sentences: readonly string[]): number {
  const paragraphs = normaliseText(raw)
    .split(/\n\n+/u)
    .map((p) =>
      p.replace(/(?<![.!?؟…:])\n(?!\s*(?:[-–•*]|\p{N}{1,2}[-.)]))/gu, ' ').replace(/[^\S\n]+/gu, ' '),
    );
  const reading = `\n${paragraphs.join('\n')}\n`;
  let fragments = 0;
  for (const sentence of sentences) {
    const at = reading.indexOf(sentence);
    if (at === -1) {
      fragments += 1;
      continue;
    }
    const before = reading.slice(Math.max(0, at - 3), at);
    const after = reading[at + sentence.length] ?? '\n';
    const startsWhole = /(?:\n|[.!?؟…:]["'»”’)\]]* ?)$/u.test(before) || /\n\s*$/u.test(before);
    const endsWhole = TERMINAL.test(sentence) || after === '\n';
    if (!startsWhole || !endsWhole) fragments += 1;
  }
  return fragments;
}
