/** Article metadata of an HTML page: headline, publication date, outlet. */
import type { DomDocument, DomElement } from '../extract/dom.ts';
import { isoDate } from '../extract/shared.ts';

export interface HtmlMetadata {
  title: string | null;
  publishedAt: string | null;
  outlet: string | null;
}

function metaContent(document: DomDocument, ...selectors: string[]): string | null {
  for (const selector of selectors) {
    const value = document.querySelector(selector)?.getAttribute('content')?.trim();
    if (value) return value;
  }
  return null;
}

const textOf = (el: DomElement | null) => el?.textContent?.replace(/\s+/g, ' ').trim() || null;

/** JSON-LD `NewsArticle` fields, which many Arabic news sites fill more reliably than meta tags. */
function jsonLd(document: DomDocument): { datePublished: string | null; publisher: string | null } {
  const scripts = document.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length; i++) {
    try {
      const data: unknown = JSON.parse(scripts[i]?.textContent ?? '');
      const nodes: unknown[] = Array.isArray(data) ? data : [data];
      for (const node of nodes) {
        if (typeof node !== 'object' || node === null) continue;
        const record = node as Record<string, unknown>;
        const publisher = record.publisher as Record<string, unknown> | undefined;
        const datePublished = typeof record.datePublished === 'string' ? record.datePublished : null;
        const name = typeof publisher?.name === 'string' ? publisher.name : null;
        if (datePublished || name) return { datePublished, publisher: name };
      }
    } catch {
      // Broken JSON-LD is common and harmless: the meta tags are read as well.
    }
  }
  return { datePublished: null, publisher: null };
}

/** Headline from the article's h1, Open Graph or `<title>`; date and outlet from meta tags, `<time>`, JSON-LD. */
export function readMetadata(document: DomDocument): HtmlMetadata {
  const ld = jsonLd(document);
  const articleH1 = document.querySelector('article h1') ?? document.querySelector('main h1');
  const firstH1 = articleH1 ?? document.querySelector('h1');
  const title =
    textOf(articleH1) ??
    metaContent(document, 'meta[property="og:title"]', 'meta[name="twitter:title"]') ??
    textOf(firstH1) ??
    // <title> usually ends with " | Site" or " - Site": keep the longest part.
    (textOf(document.querySelector('title'))
      ?.split(/\s+[|–—-]\s+/)
      .sort((a, b) => b.length - a.length)[0] ||
      null);
  const time = document.querySelector('article time[datetime]') ?? document.querySelector('time[datetime]');
  const publishedAt = isoDate(
    metaContent(
      document,
      'meta[property="article:published_time"]',
      'meta[name="article:published_time"]',
      'meta[itemprop="datePublished"]',
      'meta[name="pubdate"]',
      'meta[name="publishdate"]',
      'meta[name="DC.date.issued"]',
    ) ??
      ld.datePublished ??
      time?.getAttribute('datetime') ??
      null,
  );
  const outlet =
    metaContent(document, 'meta[property="og:site_name"]', 'meta[name="application-name"]') ?? ld.publisher;
  return { title, publishedAt, outlet };
}
