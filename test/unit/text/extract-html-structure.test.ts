import { describe, expect, it } from 'vitest';
import { prepareArticle } from '../../../lib/text/prepare.ts';

/** Article paragraphs long enough for Readability to score them as prose. */
const EN = [
  'The city council approved the new transport plan on Tuesday after a debate that lasted most of the afternoon, with members from every district asking for changes to the bus routes.',
  'Under the plan, three tram lines will be extended by the end of next year, and the ticket price for students and pensioners will fall by a third from the first of March.',
  'Opponents said the budget was too small for the promised work, and warned that the road works would close the main bridge for several months during the busiest season.',
  'The mayor answered that the money had already been set aside in the last budget and that the bridge would stay open for buses and bicycles during all of the construction.',
];
const AR = [
  'وافق مجلس المدينة يوم الثلاثاء على خطة النقل الجديدة بعد نقاش استمر معظم فترة بعد الظهر، وطالب أعضاء من كل الأحياء بتعديل مسارات الحافلات في الأحياء الشرقية والغربية.',
  'وبموجب الخطة ستمدد ثلاثة خطوط للترام بحلول نهاية العام المقبل، وسينخفض سعر التذكرة للطلاب والمتقاعدين بمقدار الثلث ابتداء من الأول من مارس المقبل.',
  'وقال المعارضون إن الميزانية أصغر من الأعمال الموعودة، وحذروا من أن أعمال الطرق ستغلق الجسر الرئيسي عدة أشهر خلال الموسم الأكثر ازدحاما في المدينة.',
  'ورد رئيس البلدية بأن الأموال رصدت بالفعل في الميزانية الأخيرة، وأن الجسر سيبقى مفتوحا أمام الحافلات والدراجات طوال فترة الأعمال الإنشائية كلها.',
];

const page = (lang: string, body: string, head = '') =>
  `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>Transport plan | Daily</title>${head}</head><body>${body}</body></html>`;

const prepare = async (html: string | Uint8Array, contentType: string | null = null) =>
  prepareArticle(typeof html === 'string' ? Buffer.from(html) : html, {
    maxTextChars: 2_000_000,
    contentType,
    key: 'article.html',
  });

const nav =
  '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>';
const footer = '<footer><p>Daily news, all rights reserved.</p></footer>';

describe.each([
  ['en', EN, '(Image: © Reuters / Jane Doe)', 'Read more: Council elections set for spring', 'More stories'],
  ['ar', AR, '(الصورة: © رويترز)', 'اقرأ أيضا: موعد انتخابات المجلس في الربيع', 'أخبار أخرى'],
] as const)(
  'an HTML article (%s) keeps its whole body',
  (lang, paragraphs, credit, readAlso, moreStories) => {
    const [p1, p2, p3, p4] = paragraphs;

    it('keeps a photo credit or caption inside the article and the paragraphs after it', async () => {
      const html = page(
        lang,
        `${nav}<article><h1>Transport</h1><p>${p1}</p><figure><img src="a.jpg"><figcaption>${credit}</figcaption></figure><p>© Jane Doe</p><p>${p2}</p><p>${p3}</p><p>${p4}</p></article>${footer}`,
      );

      const out = await prepare(html);

      for (const p of paragraphs) expect(out.body).toContain(p);
      expect(out.body).toContain(credit);
    });

    it('does not end the article at an inline "read more" line with a link inside the body', async () => {
      const html = page(
        lang,
        `${nav}<article><p>${p1}</p><p>${p2}</p><p><strong>${readAlso.split(':')[0]}:</strong> <a href="/other">${readAlso.split(':')[1]}</a></p><p>${p3}</p><p>${p4}</p></article>${footer}`,
      );

      const out = await prepare(html);

      expect(out.body).toContain(p3);
      expect(out.body).toContain(p4);
      expect(out.body).not.toContain(readAlso.split(':')[1]?.trim());
    });

    it('drops a dated "more stories" block before the article and keeps the article after it', async () => {
      const teasers = [1, 2, 3]
        .map(
          (n) =>
            `<div><h3><a href="/s${n}">Teaser headline number ${n} of the day</a></h3><span>2025-03-0${n}</span><p>A short summary of another story from the city.</p></div>`,
        )
        .join('');
      const html = page(
        lang,
        `${nav}<div class="story"><h2>${moreStories}</h2><div>${teasers}</div><p>${p1}</p><p>${p2}</p><p>${p3}</p><p>${p4}</p></div>${footer}`,
      );

      const out = await prepare(html);

      for (const p of paragraphs) expect(out.body).toContain(p);
      expect(out.body).not.toContain('Teaser headline number 2');
    });

    it.each([
      [
        'an ASP.NET form around the whole page',
        '<form method="post" action="./article.aspx" id="aspnetForm">',
        '</form>',
      ],
      [
        'a wrapper whose class contains "ad"',
        '<div class="Page-ad-margins"><div class="m-advertisement-off-canvas--pusher">',
        '</div></div>',
      ],
      [
        'WordPress post classes',
        '<div id="post-42" class="post-42 post type-post category-social tag-share comment-open">',
        '</div>',
      ],
    ])('extracts the article from %s', async (_name, open, close) => {
      const html = page(
        lang,
        `${open}${nav}<div><p>${p1}</p><p>${p2}</p><p>${p3}</p><p>${p4}</p></div>${footer}${close}`,
      );

      const out = await prepare(html);

      for (const p of paragraphs) expect(out.body).toContain(p);
    });

    it('drops a closing "more on this topic" section after the main text but keeps a final section with prose', async () => {
      const html = page(
        lang,
        `<article><p>${p1}</p><p>${p2}</p><h2>Background</h2><p>${p3}</p><h3>${moreStories}</h3><div><span>Teaser words</span> <a href="/x">Other story headline here</a></div></article>${footer}`,
      );

      const out = await prepare(html);

      expect(out.body).toContain(p3);
      expect(out.body).toContain('Background');
      expect(out.body).not.toContain(moreStories);
      expect(out.body).not.toContain('Teaser words');
    });

    it('does not fall back to the whole page when the article is shorter than the boilerplate', async () => {
      const notices = Array.from({ length: 80 }, (_, i) => `<div>Site notice line ${i}</div>`).join('');
      const html = page(
        lang,
        `<div class="info">${notices}</div><div class="content"><p>${p1}</p><p>${p2}</p><p>${p3}</p></div>${footer}`,
      );

      const out = await prepare(html);

      expect(out.body).toContain(p1);
      expect(out.body).toContain(p3);
      expect(out.body).not.toContain('Site notice line 7');
    });
  },
);

describe('the body of an HTML article', () => {
  it('does not open with the headline or the date line, which the record carries as metadata', async () => {
    const html = page(
      'ar',
      `<article><h1>خطة النقل الجديدة</h1><div><time datetime="2025-07-02">2 يوليو 2025</time></div><p>${AR[0]}</p><p>${AR[1]}</p><p>${AR[2]}</p></article>`,
      '<meta property="og:title" content="خطة النقل الجديدة">',
    );

    const out = await prepare(html);

    expect(out.publishedAt).toBe('2025-07-02');
    expect(out.body.startsWith(AR[0] as string)).toBe(true);
  });
});
