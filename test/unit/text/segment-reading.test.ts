import { describe, expect, it } from 'vitest';
import { normaliseText } from '../../../lib/text/normalise.ts';
import { reflowParagraphs, wrapWidth } from '../../../lib/text/reflow.ts';
import { segmentArticle } from '../../../lib/text/segment.ts';

const segment = (text: string) => segmentArticle(normaliseText(text));

// Our own newspaper-style article, hard-wrapped at about 70 characters as print archives store it.
const WRAPPED = [
  ' افتتحت وزارة الثقافة صباح أمس المكتبة العامة الجديدة في حي الزهور بعد',
  'ثلاث سنوات من أعمال البناء، وتضم المكتبة أكثر من مئة ألف كتاب ومخطوطة في',
  'مختلف المجالات العلمية والأدبية.',
  ' وقال وزير الثقافة في كلمة ألقاها خلال حفل الافتتاح إن المكتبة ستفتح',
  'أبوابها للقراء طوال أيام الأسبوع، وإنها تضم قاعات للمطالعة ومختبرا',
  'للحاسوب وركنا خاصا بكتب الأطفال.',
  ' وأضاف أن الوزارة تعتزم إنشاء مكتبات مماثلة في المدن الأخرى خلال',
  'العامين المقبلين بالتعاون مع البلديات والجامعات الوطنية.',
].join('\r\n');

const LEAD =
  'افتتحت وزارة الثقافة صباح أمس المكتبة العامة الجديدة في حي الزهور بعد ثلاث سنوات من أعمال البناء، وتضم المكتبة أكثر من مئة ألف كتاب ومخطوطة في مختلف المجالات العلمية والأدبية.';

describe('reading hard-wrapped plain text', () => {
  it('re-joins an Arabic newspaper text wrapped at a fixed width into its paragraphs', () => {
    const paragraphs = reflowParagraphs(normaliseText(WRAPPED));

    expect(paragraphs).toHaveLength(3);
    expect(paragraphs[0]).toBe(LEAD);
    expect(paragraphs[2]).toBe(
      'وأضاف أن الوزارة تعتزم إنشاء مكتبات مماثلة في المدن الأخرى خلال العامين المقبلين بالتعاون مع البلديات والجامعات الوطنية.',
    );
  });

  it('takes no half of the wrapped lead sentence as the headline', () => {
    const result = segment(WRAPPED);

    expect(result.title).toBeNull();
    expect(result.body.split('\n\n')[0]).toBe(LEAD);
  });

  it('keeps a short headline, the date and source lines, and list items on their own lines', () => {
    const text = [
      'افتتاح مكتبة عامة جديدة في حي الزهور',
      'تاريخ النشر: 12 مارس 2025',
      ...WRAPPED.split('\r\n').slice(0, 6),
      'وتشمل خدمات المكتبة ما يلي من برامج ثقافية وتعليمية للقراء من جميع',
      '- إعارة الكتب والمخطوطات للقراء المسجلين في المكتبة مجانا',
      '- دورات أسبوعية في القراءة والكتابة للأطفال والشباب في الحي',
      'المصدر: وكالة الأنباء',
    ].join('\n');

    const result = segment(text);

    expect(result.title).toBe('افتتاح مكتبة عامة جديدة في حي الزهور');
    expect(result.publishedAt).toBe('2025-03-12');
    expect(result.outlet).toBe('وكالة الأنباء');
    const paragraphs = result.body.split('\n\n');
    expect(paragraphs[0]).toBe(LEAD);
    expect(paragraphs).toContain('- إعارة الكتب والمخطوطات للقراء المسجلين في المكتبة مجانا');
    expect(paragraphs).toContain('- دورات أسبوعية في القراءة والكتابة للأطفال والشباب في الحي');
  });

  it('re-joins Latin-script text wrapped the same way', () => {
    const text = [
      'The city library reopened on Monday after three years of building work,',
      'and it now holds more than one hundred thousand books and manuscripts',
      'in every field of science and letters.',
      'The minister said the library will open every day of the week and that',
      'it has reading rooms, a computer laboratory and a corner for children',
      'with books chosen by the teachers of the district schools.',
    ].join('\n');

    const paragraphs = reflowParagraphs(text);

    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]).toMatch(/^The city library .* letters\.$/u);
  });

  it('leaves text whose lines are whole paragraphs as it is', () => {
    const lines = [
      'عنوان قصير للخبر',
      'أعلنت البلدية اليوم عن افتتاح حديقة عامة جديدة في وسط المدينة بعد عامين من أعمال البناء والتشجير المتواصلة، وقالت إن الحديقة ستفتح أبوابها للزوار من الصباح حتى المساء طوال أيام الأسبوع.',
      'وأوضح رئيس البلدية في مؤتمر صحفي أن المشروع شمل زراعة أكثر من ألف شجرة وإنشاء ممرات للمشاة والدراجات، إضافة إلى ملاعب للأطفال ومساحات مخصصة للأنشطة الثقافية',
      'وأشار إلى أن تكلفة المشروع بلغت نحو خمسة ملايين دينار.',
    ];

    expect(wrapWidth(lines)).toBeNull();
    expect(reflowParagraphs(lines.join('\n'))).toEqual(lines);
  });

  it('leaves paragraphs of every length that end without a full stop on their own lines', () => {
    const lines = [
      'أعلنت البلدية افتتاح حديقة عامة جديدة في وسط المدينة بعد عامين من الأعمال',
      'وقال رئيس البلدية إن الحديقة تضم ممرات للمشاة وملاعب للأطفال',
      'وأوضح أن المشروع شمل زراعة أكثر من ألف شجرة من الأنواع المحلية التي تتحمل الحر والجفاف في الصيف الطويل',
      'وتفتح الحديقة أبوابها من الصباح حتى المساء',
      'وأشار إلى أن البلدية تخطط لإنشاء حدائق مماثلة في الأحياء الشمالية والجنوبية خلال الأعوام المقبلة',
      'ورحب سكان الحي بالمشروع الذي طال انتظاره',
    ];

    expect(reflowParagraphs(lines.join('\n'))).toEqual(lines);
  });

  it('does not join the short lines of a list or a verse', () => {
    const lines = [
      'المهام الرئيسية:',
      'دراسة السوق',
      'الإعلانات',
      'تطوير العلامة التجارية',
      'إدارة الحسابات',
    ];

    expect(reflowParagraphs(lines.join('\n'))).toEqual(lines);
  });
});

describe('headlines', () => {
  it('reads a whole lead paragraph on the first line as body, not as the headline', () => {
    const lead =
      'أعلنت وزارة الصحة اليوم عن إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تستهدف أكثر من مليون مواطن في جميع المحافظات خلال الأسابيع الأربعة المقبلة، وقالت إن اللقاح سيكون مجانيا.';
    const next = 'وأوضح المتحدث باسم الوزارة أن الحملة ستبدأ بكبار السن والعاملين في القطاع الصحي.';

    const result = segment([lead, next].join('\n'));

    expect(result.title).toBeNull();
    expect(result.body).toBe(`${lead}\n\n${next}`);
  });

  it('does not take a first line that ends with a comma or a full stop as the headline', () => {
    const result = segment(
      ['قالت الوزارة إن الحملة ستبدأ غدا.', 'وأوضح المتحدث أن اللقاح مجاني للجميع.'].join('\n'),
    );

    expect(result.title).toBeNull();
  });
});
