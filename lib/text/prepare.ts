import { NoTextError, TooLongError } from '../errors.ts';
import { htmlArticleBody } from './extract/html-body.ts';
import { extractDocument } from './extract/index.ts';
import { countWords, normaliseText } from './normalise.ts';
import { segmentArticle } from './segment.ts';

export interface PreparedArticle {
  title: string | null;
  /** Normalised main-article body, paragraphs separated by blank lines: what the summariser sees. */
  body: string;
  /** Normalised main article as stored and served (`title` + body). */
  text: string;
  language: string | null;
  publishedAt: string | null;
  outlet: string | null;
  wordCount: number;
  related: { title: string }[];
  format: string;
  encoding: string | null;
}

export interface PrepareOptions {
  /** Extracted text longer than this is refused with `too_long`. */
  maxTextChars: number;
  /** The object's content type (S3 metadata), if any. */
  contentType?: string | null;
  /** The object key: its extension helps choose the format. */
  key?: string;
}

const orNull = (text: string | null): string | null => {
  if (text === null) return null;
  const normalised = normaliseText(text).replace(/\s+/g, ' ').trim();
  return normalised.length > 0 ? normalised : null;
};

/** The text stages, bytes to main article: extract (decode) → normalise → segment. Pure but for lazy imports. */
export async function prepareArticle(bytes: Uint8Array, options: PrepareOptions): Promise<PreparedArticle> {
  const doc = await extractDocument(bytes, {
    contentType: options.contentType ?? null,
    key: options.key ?? '',
  });
  if (doc.text.length > options.maxTextChars) throw new TooLongError(doc.text.length, options.maxTextChars);

  const normalised = normaliseText(doc.text);
  const segmented = segmentArticle(normalised, {
    title: orNull(doc.title),
    publishedAt: doc.publishedAt,
    outlet: orNull(doc.outlet),
  });
  const { title } = segmented;
  // An HTML article was chosen by the page's structure: the plain-text cues that end an article
  // (a © line, an inline "read also", a date line) do not apply inside it.
  const body = doc.format === 'html' ? htmlArticleBody(normalised, title) : segmented.body;
  const text = title ? (body ? `${title}\n\n${body}` : title) : body;
  const wordCount = countWords(text);
  if (wordCount === 0) throw new NoTextError('The file holds no words, only symbols or punctuation.');
  return {
    title,
    body: body || (title ?? ''),
    text,
    language: segmented.language,
    publishedAt: segmented.publishedAt,
    outlet: segmented.outlet,
    wordCount,
    related: segmented.related,
    format: doc.format,
    encoding: doc.encoding,
  };
}
