import { describe, expect, it } from 'vitest';
import { extractNumbers, verifySummary } from '../../../lib/summarise/verify.ts';

const source = {
  text: 'قال الإنتربول إن الضحايا من 66 دولة، وإن 3 من كل 4 ضحايا في آسيا. ويضم 196 دولة عضوا، وبلغت الخسائر 1,250,000 دولار بنسبة 2٫5 بالمئة في 2025.',
  title: 'الإنتربول يحذر',
  publishedAt: '2025-07-02',
  outlet: 'الجزيرة',
  languages: ['ar', 'en'],
};

const part = (summary: string) => ({ title: 'عنوان', summary, keyPoints: [] });

describe('extractNumbers', () => {
  it('folds Arabic-Indic digits, strips thousands separators and reads ٫ as a decimal point', () => {
    expect(extractNumbers('٦٦ و۱۹۶ و1,250,000 و١٬٠٠٠ و2٫5 و3.50 و07')).toEqual([
      '66',
      '196',
      '1250000',
      '1000',
      '2.5',
      '3.5',
      '7',
    ]);
  });

  it('reads ranges and lists as separate numbers', () => {
    expect(extractNumbers('2022-2025 and 1,2')).toEqual(['2022', '2025', '1', '2']);
  });

  it('reads numbers glued to Arabic letters, percentages and Persian digits', () => {
    expect(extractNumbers('و66دولة، بنسبة 12.5% و۱۲۰۰ و٪٣٠')).toEqual(['66', '12.5', '1200', '30']);
  });
});

describe('grounding', () => {
  const only = (summary: string, text: string) =>
    verifySummary(
      { summaries: { en: { title: 'Title', summary, keyPoints: [] } } },
      { text, title: null, publishedAt: null, outlet: null, languages: ['en'] },
    );

  it('grounds a number written with other digits or separators than in the article', () => {
    expect(only('It cost 1000 dollars, 2.5 percent.', 'بلغت الكلفة ١٬٠٠٠ دولار بنسبة ٢٫٥ بالمئة.')).toEqual(
      [],
    );
    expect(only('It cost ١٬٠٠٠ dollars.', 'The cost was 1,000 dollars.')).toEqual([]);
    expect(only('Some 1,200 people.', 'حضر ۱۲۰۰ شخص.')).toEqual([]);
  });

  it('does not ground a number by a longer number that contains its digits', () => {
    expect(only('From 66 countries.', 'From 166 countries in 1966.')).toEqual(['ungrounded_number:66']);
    expect(only('In 20 places.', 'In 2025.')).toEqual(['ungrounded_number:20']);
  });

  it('does not ground a decimal by its whole part, nor a whole number by a decimal', () => {
    expect(only('Up 2.5 percent.', 'Up 2 percent.')).toEqual(['ungrounded_number:2.5']);
    expect(only('Up 2 percent.', 'Up 2.5 percent.')).toEqual(['ungrounded_number:2']);
  });

  it('checks key points and titles as well as the summary', () => {
    const flags = verifySummary(
      { summaries: { en: { title: 'Top 10', summary: 'Fine.', keyPoints: ['About 77 people.'] } } },
      { text: 'Nothing numeric.', title: null, publishedAt: null, outlet: null, languages: ['en'] },
    );

    expect(flags.sort()).toEqual(['ungrounded_number:10', 'ungrounded_number:77']);
  });
});

describe('verifySummary', () => {
  it('flags nothing for a grounded summary in the right scripts', () => {
    const result = {
      summaries: {
        ar: part('الضحايا من ٦٦ دولة، و3 من كل 4 ضحايا في آسيا، والخسائر ١٬٢٥٠٬٠٠٠ دولار بنسبة 2.5 بالمئة.'),
        en: {
          title: 'Interpol warns',
          summary: 'Victims come from 66 countries; 196 members.',
          keyPoints: ['July 2 2025'],
        },
      },
    };

    expect(verifySummary(result, source)).toEqual([]);
  });

  it('flags a number that the source does not contain as a whole number', () => {
    const result = {
      summaries: {
        ar: part('تضرر 4 ملايين شخص من 20 دولة و202 منظمة.'),
        en: { title: 'T', summary: 'Fine text.', keyPoints: ['About 50 people.'] },
      },
    };

    // "4" is in the source ("4 ضحايا") but "20", "202" and "50" are not: "2025" grounds none of them.
    expect(verifySummary(result, source).sort()).toEqual([
      'ungrounded_number:20',
      'ungrounded_number:202',
      'ungrounded_number:50',
    ]);
  });

  it('does not let 2025 ground the number 4', () => {
    const flags = verifySummary(
      { summaries: { en: part('Four: 4') } },
      { ...source, text: 'In 2025.', languages: ['en'] },
    );

    expect(flags).toContain('ungrounded_number:4');
  });

  it('flags a requested language that is missing or has no letters', () => {
    const result = {
      summaries: { ar: part('الضحايا من 66 دولة.'), en: { title: '', summary: ' ', keyPoints: [] } },
    };

    expect(verifySummary(result, { ...source, languages: ['ar', 'en', 'fr'] }).sort()).toEqual([
      'missing_language:en',
      'missing_language:fr',
    ]);
  });

  it('flags a part written mostly in the wrong script', () => {
    const result = {
      summaries: {
        ar: {
          title: 'Interpol',
          summary: 'Interpol warns about trafficking.',
          keyPoints: ['A global crisis'],
        },
        en: { title: 'الإنتربول', summary: 'الإنتربول يحذر من الاتجار بالبشر.', keyPoints: [] },
      },
    };

    expect(verifySummary(result, source).sort()).toEqual(['wrong_language:ar', 'wrong_language:en']);
  });

  it('accepts an Arabic part that quotes a few Latin names', () => {
    const result = {
      summaries: { ar: part('حذرت منظمة Interpol من أزمة عالمية تطال الضحايا في آسيا وأفريقيا.') },
    };

    expect(verifySummary(result, { ...source, languages: ['ar'] })).toEqual([]);
  });
});
