import { describe, expect, it } from 'vitest';
import { normaliseText } from '../../../lib/text/normalise.ts';
import { segmentArticle } from '../../../lib/text/segment.ts';
import { SCRAPED, scrapedArticle } from '../../support/fixtures.ts';

const fixture = scrapedArticle();
const segment = (text: string) => segmentArticle(normaliseText(text));

// Our own test article (not third-party text).
const P1 =
  'أعلنت البلدية اليوم عن افتتاح حديقة عامة جديدة في وسط المدينة بعد عامين من أعمال البناء والتشجير المتواصلة، وقالت إن الحديقة ستفتح أبوابها للزوار من الصباح حتى المساء طوال أيام الأسبوع.';
const P2 =
  'وأوضح رئيس البلدية في مؤتمر صحفي أن المشروع شمل زراعة أكثر من ألف شجرة وإنشاء ممرات للمشاة والدراجات، إضافة إلى ملاعب للأطفال ومساحات مخصصة للأنشطة الثقافية والفنية في عطلات نهاية الأسبوع.';
const P3 =
  'وأشار إلى أن تكلفة المشروع بلغت نحو خمسة ملايين دينار، وأن البلدية تخطط لإنشاء حدائق مماثلة في الأحياء الشمالية والجنوبية خلال السنوات الثلاث المقبلة بالتعاون مع منظمات المجتمع المدني.';
const OTHER =
  'وفي سياق منفصل، شهدت أسواق الخضار في العاصمة ارتفاعا ملحوظا في أسعار الطماطم والبطاطس بسبب موجة الحر التي ضربت المنطقة خلال الأسبوع الماضي وأثرت على المحاصيل الزراعية في عدة مناطق.';

describe('segmentArticle on the scraped-news fixture', () => {
  const result = segment(fixture);
  const lines = normaliseText(fixture).split('\n');

  it('takes the first line as the title and reads the date and the outlet', () => {
    expect(result.title).toBe(lines[0]);
    expect(result.title).toBe(SCRAPED.title);
    expect(result.publishedAt).toBe(SCRAPED.publishedAt);
    expect(result.outlet).toBe(SCRAPED.outlet);
    expect(result.language).toBe('ar');
  });

  it('records exactly one related item, the headline after "إقرأ أيضاً"', () => {
    expect(result.related).toHaveLength(1);
    expect(result.related[0]?.title.startsWith(SCRAPED.relatedTitlePrefix)).toBe(true);
  });

  it('keeps every paragraph of the article and nothing of the longer appended one', () => {
    const paragraphs = result.body.split('\n\n');
    expect(paragraphs).toEqual(
      lines.slice(SCRAPED.firstParagraph, SCRAPED.firstParagraph + SCRAPED.paragraphCount),
    );
    expect(result.body).not.toContain(SCRAPED.appendedName);
    expect(result.body).not.toContain(SCRAPED.appendedTopic);
    expect(result.body).not.toContain('المصدر');
  });
});

describe('segmentArticle: markers', () => {
  const markers = [
    'اقرأ أيضا',
    'إقرأ أيضاً',
    'اقرأ أيضًا',
    'اقرأ ايضا',
    'اقرأ المزيد',
    'شاهد أيضاً',
    'طالع أيضاً',
    'انظر أيضاً',
    'مواضيع ذات صلة',
    'موضوعات ذات صلة',
    'مقالات ذات صلة',
    'الأخبار ذات الصلة',
    'أخبار متعلقة',
    'مقالات قد تهمك',
    'المزيد من الأخبار',
    'قصص مقترحة',
    'اخترنا لكم',
  ];
  it.each(markers)('"%s" after the article cuts the rest and records the next line as related', (marker) => {
    const text = ['حديقة جديدة في المدينة', P1, P2, `${marker}:`, 'عنوان خبر آخر عن الطقس', OTHER].join('\n');
    const result = segment(text);
    expect(result.body).toBe(`${P1}\n\n${P2}`);
    expect(result.related).toEqual([{ title: 'عنوان خبر آخر عن الطقس' }]);
  });

  it('takes the marker line’s own text after the colon as the related title', () => {
    const result = segment(['عنوان', P1, P2, 'اقرأ أيضا: عنوان خبر آخر', 'عنوان خبر ثالث'].join('\n'));
    expect(result.related).toEqual([{ title: 'عنوان خبر آخر' }, { title: 'عنوان خبر ثالث' }]);
    expect(result.body).toBe(`${P1}\n\n${P2}`);
  });

  it('records several short link-like lines after a marker as several items', () => {
    const text = ['عنوان', P1, P2, 'مقالات ذات صلة', 'خبر أول قصير', 'خبر ثان قصير', 'خبر ثالث قصير'].join(
      '\n',
    );
    expect(segment(text).related.map((r) => r.title)).toEqual([
      'خبر أول قصير',
      'خبر ثان قصير',
      'خبر ثالث قصير',
    ]);
  });

  it('removes only the line of an inline "اقرأ أيضا:" in mid-article', () => {
    const result = segment(['عنوان', P1, 'اقرأ أيضا: الحدائق العامة في العالم العربي', P2, P3].join('\n'));
    expect(result.body).toBe(`${P1}\n\n${P2}\n\n${P3}`);
    expect(result.related).toEqual([{ title: 'الحدائق العامة في العالم العربي' }]);
  });

  it('cuts two appended articles at their date lines and records their headlines', () => {
    const text = [
      'حديقة جديدة في المدينة',
      '2 يوليو 2025',
      P1,
      P2,
      'ارتفاع أسعار الخضار',
      '3 يوليو 2025',
      OTHER,
      'خبر ثالث عن الرياضة',
      '4 يوليو 2025',
      P3,
    ].join('\n');
    const result = segment(text);
    expect(result.publishedAt).toBe('2025-07-02');
    expect(result.body).toBe(`${P1}\n\n${P2}`);
    expect(result.related).toEqual([{ title: 'ارتفاع أسعار الخضار' }]);
  });

  it('cuts content glued on after the source line', () => {
    const result = segment(['عنوان', P1, P2, 'المصدر : وكالات', 'خبر ملصق', OTHER].join('\n'));
    expect(result.outlet).toBe('وكالات');
    expect(result.body).toBe(`${P1}\n\n${P2}`);
  });

  it('reads a Hijri + Gregorian date line and keeps the Gregorian date', () => {
    const result = segment(['عنوان', 'الأربعاء 7 محرم 1447 هـ الموافق 2 يوليو 2025 م', P1].join('\n'));
    expect(result.publishedAt).toBe('2025-07-02');
    expect(result.body).toBe(P1);
  });
});

describe('segmentArticle: clutter and English pages', () => {
  it('drops short social and page clutter lines but keeps a long sentence that mentions them', () => {
    const sentence =
      'وقال المتحدث إن على المواطنين أن يشارك كل منهم في الحملة وأن تابعونا على الصفحة الرسمية ليست الطريقة الوحيدة للمعرفة بل يجب متابعة البيانات الرسمية للبلدية أيضا في كل وقت.';
    const text = [
      'عنوان',
      'شارك',
      'غرّد',
      'انشر الخبر',
      P1,
      'تابعونا على فيسبوك وتويتر',
      'رابط مختصر: https://example.com/x',
      'تم نسخ الرابط',
      'اضغط هنا',
      sentence,
      P2,
      'جميع الحقوق محفوظة © 2025',
    ].join('\n');
    const result = segment(text);
    expect(result.body).toBe(`${P1}\n\n${sentence}\n\n${P2}`);
  });

  it('handles an English article with "Read more:" inline and a "Related articles" block', () => {
    const e1 =
      'The city council opened a new public park on Monday after two years of construction work, saying it would welcome visitors every day of the week from early morning until late evening.';
    const e2 =
      'The mayor told reporters that more than a thousand trees had been planted and that walking paths, cycle lanes and playgrounds had been built, with weekend space set aside for cultural events.';
    const e3 =
      'He said the project had cost about five million dinars and that similar parks were planned for the northern and southern districts over the next three years, working with local charities.';
    const text = [
      'New park opens in the city centre',
      'Published: 3 March 2026',
      'Share',
      'Tweet',
      e1,
      'Read more: Parks across the region',
      e2,
      e3,
      'Source: Reuters',
      'Related articles',
      'Vegetable prices rise',
      'Heatwave hits the region',
      'All rights reserved',
    ].join('\n');
    const result = segment(text);
    expect(result.title).toBe('New park opens in the city centre');
    expect(result.publishedAt).toBe('2026-03-03');
    expect(result.outlet).toBe('Reuters');
    expect(result.language).toBe('en');
    expect(result.body).toBe(`${e1}\n\n${e2}\n\n${e3}`);
    expect(result.related.map((r) => r.title)).toEqual([
      'Parks across the region',
      'Vegetable prices rise',
      'Heatwave hits the region',
    ]);
  });

  it('does not treat "Related to this, …" as a marker', () => {
    const line = 'Related to this, the council said it would publish the costs next week in full detail.';
    const result = segment(['Title', 'First paragraph of the story.', line].join('\n'));
    expect(result.body).toContain(line);
  });
});

describe('segmentArticle: hints', () => {
  it('uses the hinted title and drops the first line only when it repeats it', () => {
    expect(segment(['حديقة جديدة', P1].join('\n')).title).toBe('حديقة جديدة');
    const hinted = segmentArticle(normaliseText(['حديقة جديدة', P1].join('\n')), { title: 'حديقة جديدة' });
    expect(hinted.body).toBe(P1);
    const other = segmentArticle(normaliseText([P1, P2].join('\n')), { title: 'عنوان من الصفحة' });
    expect(other.title).toBe('عنوان من الصفحة');
    expect(other.body).toBe(`${P1}\n\n${P2}`);
  });

  it('prefers hinted metadata over lines of the text', () => {
    const result = segmentArticle(normaliseText(['عنوان', '2 يوليو 2025', P1].join('\n')), {
      publishedAt: '2025-07-01',
      outlet: 'X',
    });
    expect(result.publishedAt).toBe('2025-07-01');
    expect(result.outlet).toBe('X');
    expect(result.body).toBe(P1);
  });

  it('keeps a one-line text as the body without a title', () => {
    expect(segment(P1)).toMatchObject({ title: null, body: P1 });
  });
});
