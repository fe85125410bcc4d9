/**
 * The body of an HTML article after normalisation. The HTML extractor has already chosen the
 * article by its structure, so nothing here ends it early: a caption or credit line (`© …`), an
 * inline "read also" line or a date inside the text is part of what the page shows. Only lines
 * that are nothing but share/follow buttons go, and the headline and date lines that open the text
 * (the record carries both as metadata).
 */
import { dateLineDate } from '../dates.ts';
import { classifyLine } from '../markers.ts';
import { keyOfNormalised } from '../search-key.ts';

export function htmlArticleBody(normalised: string, title: string | null): string {
  const titleKey = title === null ? null : keyOfNormalised(title);
  const kept: string[] = [];
  for (const raw of normalised.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const key = keyOfNormalised(line);
    if (kept.length === 0 && (key === titleKey || (line.length <= 200 && dateLineDate(key) !== null)))
      continue;
    if (line.length <= 200 && classifyLine(line, key).kind === 'clutter') continue;
    kept.push(line);
  }
  return kept.join('\n\n');
}
