import { describe, expect, it } from 'vitest';
import { titleFromLead } from '../../../lib/summarise/extractive/title.ts';
import { ExtractiveSummariser } from '../../../lib/summarise/extractive.ts';
import type { SummaryRequest } from '../../../lib/summarise/port.ts';
import { splitSentences } from '../../../lib/text/sentences.ts';

// Our own Arabic news article, one sentence per paragraph.
const SENTENCES = [
  'أعلنت وزارة الزراعة اليوم عن خطة وطنية لزيادة إنتاج القمح بنسبة عشرين في المئة خلال ثلاث سنوات، وذلك بدعم المزارعين بالبذور المحسنة والأسمدة.',
  'وقال وزير الزراعة في مؤتمر صحفي إن الخطة تشمل استصلاح خمسين ألف هكتار من الأراضي في المحافظات الجنوبية.',
  'وأضاف أن الوزارة ستوفر قروضا ميسرة للمزارعين الصغار لشراء معدات الري الحديثة التي توفر المياه.',
  'وأشار الوزير إلى أن إنتاج القمح تراجع في العام الماضي بسبب الجفاف وارتفاع تكاليف الأسمدة.',
  'ومن المتوقع أن تبدأ المرحلة الأولى من الخطة في الخريف المقبل مع بداية موسم الزراعة.',
  'وفي سياق آخر، افتتحت الوزارة معرضا للمنتجات الزراعية المحلية في العاصمة بمشاركة مئة شركة.',
  'وقال مزارعون إن دعم البذور والأسمدة سيساعدهم على زيادة إنتاج القمح وتحسين دخلهم.',
  'ويستهلك البلد نحو ثلاثة ملايين طن من القمح سنويا يستورد نصفها تقريبا من الخارج.',
];

const request = (text: string, title: string | null): SummaryRequest => ({
  text,
  title,
  language: 'ar',
  publishedAt: null,
  outlet: null,
  languages: ['ar'],
});

describe('ExtractiveSummariser on Arabic news', () => {
  it('quotes the lead sentence first even when the article has no headline', async () => {
    const result = await new ExtractiveSummariser().summarise(request(SENTENCES.join('\n\n'), null));

    const summary = splitSentences(result.summaries.ar?.summary ?? '');
    expect(summary[0]).toBe(SENTENCES[0]);
  });

  it('derives a short title from the lead sentence instead of copying it', async () => {
    const result = await new ExtractiveSummariser().summarise(request(SENTENCES.join('\n\n'), null));

    const title = result.summaries.ar?.title ?? '';
    expect(title).toBe(
      'أعلنت وزارة الزراعة اليوم عن خطة وطنية لزيادة إنتاج القمح بنسبة عشرين في المئة خلال ثلاث سنوات',
    );
    expect(result.summaries.ar?.summary).toContain(SENTENCES[0]);
  });

  it('keeps the headline as the title when there is one', async () => {
    const result = await new ExtractiveSummariser().summarise(
      request(SENTENCES.join('\n\n'), 'خطة لزيادة إنتاج القمح'),
    );

    expect(result.summaries.ar?.title).toBe('خطة لزيادة إنتاج القمح');
    expect(splitSentences(result.summaries.ar?.summary ?? '')[0]).toBe(SENTENCES[0]);
  });

  it('never quotes a sentence twice when paragraphs repeat', async () => {
    const repeated = [...SENTENCES, ...SENTENCES, SENTENCES[1], SENTENCES[1], SENTENCES[1]].join('\n\n');

    const result = await new ExtractiveSummariser().summarise(request(repeated, null));

    const summary = splitSentences(result.summaries.ar?.summary ?? '');
    expect(summary.length).toBeGreaterThan(1);
    expect(new Set(summary).size).toBe(summary.length);
  });

  it('leaves out a near-duplicate of a sentence already chosen', async () => {
    const nearCopy = `${SENTENCES[0]?.replace('اليوم', 'صباح اليوم')}`;
    const text = [SENTENCES[0], nearCopy, ...SENTENCES.slice(1)].join('\n\n');

    const result = await new ExtractiveSummariser().summarise(request(text, null));

    expect(result.summaries.ar?.summary).not.toContain(nearCopy);
  });

  it('writes a longer summary for a longer article', async () => {
    const short = await new ExtractiveSummariser().summarise(request(SENTENCES.join('\n\n'), null));
    const more = SENTENCES.map((s) =>
      s.replace('.', '، وهو ما أكده مسؤولون في الوزارة والمحافظات المعنية بالخطة.'),
    );
    const long = await new ExtractiveSummariser().summarise(
      request([...SENTENCES, ...more, ...more.map((s) => `وتابع: ${s}`)].join('\n\n'), null),
    );

    const words = (s: string | undefined) => (s ?? '').split(' ').length;
    expect(words(long.summaries.ar?.summary)).toBeGreaterThan(words(short.summaries.ar?.summary));
  });
});

describe('titleFromLead', () => {
  it('keeps a short lead sentence whole, without its full stop', () => {
    expect(titleFromLead('ارتفاع أسعار الذهب في الأسواق المحلية.')).toBe(
      'ارتفاع أسعار الذهب في الأسواق المحلية',
    );
  });

  it('cuts a long lead at the first clause boundary after a few words', () => {
    const lead =
      'قررت الحكومة رفع الحد الأدنى للأجور بنسبة عشرة في المئة، بعد مفاوضات طويلة مع النقابات العمالية استمرت عدة أشهر وانتهت باتفاق شامل.';

    expect(titleFromLead(lead)).toBe('قررت الحكومة رفع الحد الأدنى للأجور بنسبة عشرة في المئة');
  });

  it('stops before a bracketed aside and a relative clause', () => {
    expect(
      titleFromLead(
        'التمويل (بالإنجليزية: Finance) يعني تحديد احتياجات الأفراد والشركات من الموارد النقدية وطرق جمعها.',
      ),
    ).toBe(
      'التمويل (بالإنجليزية: Finance) يعني تحديد احتياجات الأفراد والشركات من الموارد النقدية وطرق جمعها',
    );
    expect(
      titleFromLead(
        'شهدت المدينة أمطارا غزيرة وسيولا جارفة حيث غمرت المياه الشوارع الرئيسية والأحياء المنخفضة وتعطلت حركة السير لساعات طويلة.',
      ),
    ).toBe('شهدت المدينة أمطارا غزيرة وسيولا جارفة');
  });

  it('ends a lead without any boundary on a word, not a dangling preposition, and marks the cut', () => {
    const lead =
      'يعمل الباحثون في المختبر الوطني على تطوير لقاح جديد ضد المرض في القرى النائية والمناطق الريفية منذ سنوات عديدة دون علاج فعال';

    expect(titleFromLead(lead)).toBe('يعمل الباحثون في المختبر الوطني على تطوير لقاح جديد ضد المرض…');
  });
});
