import { describe, expect, it } from 'vitest';
import { extractDocument } from '../../../lib/text/extract/index.ts';
import { ARABIC_NEWS, newsPageHtml, windows1256NewsPage } from '../../support/documents.ts';

const CLUTTER = [
  'أخبار', // nav
  'شارك على فيسبوك', // share bar
  'غرّد',
  'اشترك في النشرة البريدية', // newsletter form
  'مقالات ذات صلة', // related aside
  'بمشاركة 14 دولة عربية',
  'أضف تعليقك', // comments
  'جميع الحقوق محفوظة', // footer
  'tracking', // script
  'font-family', // style
  'document.write',
];

describe('extractDocument for an HTML news page', () => {
  it('keeps the article paragraphs in order, separated by blank lines, with <br> as a line break', async () => {
    const out = await extractDocument(Buffer.from(newsPageHtml()), {
      contentType: 'text/html',
      key: 'a.html',
    });
    const [first, second, third] = ARABIC_NEWS.paragraphs as [string, string, string];
    const paragraphs = out.text.split('\n\n');
    expect(paragraphs).toContain(first);
    expect(paragraphs).toContain(`${second}\nوأضاف "المتحدث" أن التعاون الدولي ضروري & عاجل.`);
    expect(paragraphs.indexOf(first)).toBeLessThan(paragraphs.indexOf(third));
  });

  it('removes navigation, share bar, forms, related links, comments, footer, scripts and styles', async () => {
    const out = await extractDocument(Buffer.from(newsPageHtml()), {
      contentType: 'text/html',
      key: 'a.html',
    });
    for (const clutter of CLUTTER) expect(out.text).not.toContain(clutter);
  });

  it('takes the title from the article h1 (not <title> with the site name), the date and the outlet from metadata', async () => {
    const out = await extractDocument(Buffer.from(newsPageHtml()), {
      contentType: 'text/html',
      key: 'a.html',
    });
    expect(out).toMatchObject({
      format: 'html',
      title: ARABIC_NEWS.headline,
      publishedAt: '2025-07-02',
      outlet: 'الجزيرة',
      encoding: 'utf-8',
    });
    expect(out.text.startsWith(ARABIC_NEWS.headline)).toBe(false);
  });

  it('reads a windows-1256 page by its <meta charset> to the same text as the UTF-8 page', async () => {
    const utf8 = await extractDocument(Buffer.from(newsPageHtml()), {
      contentType: 'text/html',
      key: 'a.html',
    });
    const legacy = await extractDocument(windows1256NewsPage(), { contentType: null, key: 'a.htm' });
    expect(legacy.encoding).toBe('windows-1256');
    expect(legacy.text).toBe(utf8.text);
    expect(legacy.title).toBe(utf8.title);
  });

  it('falls back to <time datetime>, og:title and JSON-LD when other metadata is missing', async () => {
    const page = `<html><head><meta property="og:title" content="Headline from OG">
      <script type="application/ld+json">{"@type":"NewsArticle","publisher":{"name":"Reuters"}}</script></head>
      <body><div><time datetime="2026-03-03T08:00:00Z">3 March</time><p>${'Body sentence here. '.repeat(20)}</p></div></body></html>`;
    const out = await extractDocument(Buffer.from(page), {
      contentType: 'text/html; charset=utf-8',
      key: 'x',
    });
    expect(out).toMatchObject({ title: 'Headline from OG', publishedAt: '2026-03-03', outlet: 'Reuters' });
    expect(out.text).toContain('Body sentence here.');
  });

  it('keeps a short page without an article element whole, minus its clutter', async () => {
    const page =
      '<!doctype html><title>Short | Site</title><body><nav><a href="/">Home</a></nav><p>One short paragraph &amp; more.</p><p>Two.</p></body>';
    const out = await extractDocument(Buffer.from(page), { contentType: null, key: 'short.html' });
    expect(out).toMatchObject({ title: 'Short', text: 'One short paragraph & more.\n\nTwo.' });
  });
});
