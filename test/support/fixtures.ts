import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * khulasa's own scraped-news fixture, written for these tests in the shape real scraped files
 * have: a headline, a date line mixing Arabic and English, the body, a source line, a
 * "read also" marker with a related headline, then a longer unrelated article glued on.
 */
export const SCRAPED_ARTICLE_PATH = fileURLToPath(
  new URL('../fixtures/ar-scraped-news.txt', import.meta.url),
);
export const scrapedArticle = (): string => readFileSync(SCRAPED_ARTICLE_PATH, 'utf8');
export const scrapedArticleBytes = (): Buffer => readFileSync(SCRAPED_ARTICLE_PATH);

/** What a reader of the fixture finds in it. */
export const SCRAPED = {
  title: 'الهيئة الإقليمية للمياه تحذر من تراجع المخزون الجوفي في المدن الساحلية',
  publishedAt: '2025-07-02',
  outlet: 'صحيفة الخلاصة',
  /** Lines 3…12 (0-based 2…11) are the article's paragraphs. */
  firstParagraph: 2,
  paragraphCount: 10,
  /** A sentence of the last-but-one paragraph, verbatim. */
  bodySentence:
    'وتُعد الهيئة الإقليمية للمياه -التي تضم 12 دولة عضوا- أكبر جهة إقليمية معنية برصد المياه الجوفية',
  relatedTitlePrefix: 'بمشاركة 20 دار نشر عربية',
  /** Words found only in the unrelated article appended after the related headline. */
  appendedName: 'سلمى الحداد',
  appendedTopic: 'معرض الكتاب',
} as const;

/** The article's own paragraphs as the segment stage hands them over (between date and source lines). */
export const scrapedParagraphs = (): string[] => {
  const lines = scrapedArticle().split('\n');
  return lines.slice(SCRAPED.firstParagraph, SCRAPED.firstParagraph + SCRAPED.paragraphCount);
};
