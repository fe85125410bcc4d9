import { NoTextError, TooLongError } from '../errors.ts';
import { decodeBytes } from './decode.ts';
import { detectLanguage } from './language.ts';
import { countWords, normaliseText } from './normalise.ts';
import { segmentArticle } from './segment.ts';

export interface PreparedArticle {
  title: string | null;
  /** Normalised main-article body: what the summariser sees. */
  body: string;
  /** Normalised main article as stored and served (`title` + body). */
  text: string;
  language: string | null;
  publishedAt: string | null;
  outlet: string | null;
  wordCount: number;
  related: { title: string }[];
  encoding: string;
}

export interface PrepareOptions {
  /** Extracted text longer than this is refused with `too_long`. */
  maxTextChars: number;
}

/** The text stages, bytes to main article: decode → normalise → segment. Pure. */
export function prepareArticle(bytes: Uint8Array, options: PrepareOptions): PreparedArticle {
  const decoded = decodeBytes(bytes);
  if (decoded.text.length > options.maxTextChars) {
    throw new TooLongError(decoded.text.length, options.maxTextChars);
  }
  const normalised = normaliseText(decoded.text);
  const segmented = segmentArticle(normalised);
  const text = segmented.title ? `${segmented.title}\n\n${segmented.body}` : segmented.body;
  if (countWords(text) === 0) throw new NoTextError('The file holds no words, only symbols or punctuation.');
  return {
    title: segmented.title,
    body: segmented.body,
    text,
    language: detectLanguage(text),
    publishedAt: segmented.publishedAt,
    outlet: segmented.outlet,
    wordCount: countWords(text),
    related: segmented.related,
    encoding: decoded.encoding,
  };
}
