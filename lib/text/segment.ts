/**
 * Split a normalised article into what the record and the summariser need.
 * The headline is the first line; the rest is the body, with paragraph breaks.
 */
export interface SegmentedArticle {
  title: string | null;
  body: string;
  publishedAt: string | null;
  outlet: string | null;
  related: { title: string }[];
}

export function segmentArticle(normalised: string): SegmentedArticle {
  const newline = normalised.indexOf('\n');
  const firstLine = (newline === -1 ? normalised : normalised.slice(0, newline)).trim();
  const rest = newline === -1 ? '' : normalised.slice(newline + 1).trim();
  // A one-line file has no separate headline: the line is the article.
  if (rest.length === 0)
    return { title: null, body: firstLine, publishedAt: null, outlet: null, related: [] };
  return { title: firstLine, body: rest, publishedAt: null, outlet: null, related: [] };
}
