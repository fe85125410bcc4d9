import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An Arabic news article written for khulasa's tests (the solar-farm sample plus a related-article
 * block after it): title line, date line, body paragraphs, source line, "read also" block.
 */
export const SOLAR_ARTICLE_PATH = join(import.meta.dirname, '../fixtures/ar-solar-farm-with-related.txt');

const text = readFileSync(SOLAR_ARTICLE_PATH, 'utf8');
const lines = text.split('\n');

export const SOLAR_ARTICLE = {
  bytes: Buffer.from(text, 'utf8'),
  text,
  title: lines[0] ?? '',
  /** The body paragraphs: between the date line and the source line. */
  paragraphs: lines.slice(
    2,
    lines.findIndex((l) => l.startsWith('المصدر:')),
  ),
  publishedAt: '2026-03-14',
  outlet: 'نشرة خلاصة التجريبية',
  /** A sentence of the body, as stored in the normalised text. */
  bodySentence: 'إن المحطة ستزود نحو 120 ألف منزل بالكهرباء',
  /** The headline of the related article after the body. */
  relatedTitle: 'بمشاركة 12 بلدية.. وزارة الطاقة تطلق برنامجا لتركيب الألواح الشمسية على أسطح المدارس',
} as const;
