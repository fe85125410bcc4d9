import type { DocumentFormat } from './format.ts';

export interface ExtractedDocument {
  format: DocumentFormat;
  /**
   * Plain text with paragraphs separated by blank lines ("\n\n"), lines by "\n". Not yet
   * normalised. When `title` was found it is not repeated at the start of `text`.
   */
  text: string;
  /** Headline found by the format itself (Markdown `#`, HTML h1/og:title, DOCX Title/Heading 1, PDF title metadata), else null. */
  title: string | null;
  /** ISO date YYYY-MM-DD from structured metadata (article:published_time, `<time datetime>`), else null. */
  publishedAt: string | null;
  /** Outlet from og:site_name / publisher metadata, else null. */
  outlet: string | null;
  /** Encoding used for text formats (e.g. 'utf-8', 'windows-1256'), null for binary formats. */
  encoding: string | null;
}
