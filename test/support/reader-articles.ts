/**
 * The articles the reader page's Chromium test uploads, and the test LLM's behaviour for them:
 * an Arabic and an English article, one whose title and body carry markup, one whose summary the
 * LLM laces with bidi controls, and one the LLM refuses.
 */
import { articleOf, defaultSummary, isNotesRequest } from './openai-server.ts';

const RLO = '\u202E';
const PDF = '\u202C';
export const SCRIPT_TITLE = 'Council approves new night bus routes <script>alert(1)</script>';
/** Would set a window flag if any summary text ever reached an HTML parser. */
export const IMG_ATTACK = '<img src="x" onerror="window.__khulasaPwned = 1">';

export const ARTICLES = {
  ar: {
    key: 'reader/وزارة الصحة.txt',
    body: [
      'وزارة الصحة تطلق حملة وطنية لتطعيم طلاب المدارس',
      'القاهرة - 3 مارس 2025',
      'أعلنت وزارة الصحة اليوم إطلاق حملة وطنية لتطعيم طلاب المدارس ضد الحصبة، تستمر ثلاثة أسابيع وتشمل جميع المحافظات.',
      'وقال المتحدث باسم الوزارة إن الفرق الطبية ستزور المدارس وفق جدول معلن مسبقاً، وإن التطعيم مجاني لجميع الطلاب.',
      'ودعت الوزارة أولياء الأمور إلى مراجعة سجلات التطعيم الخاصة بأبنائهم والتواصل مع المدارس عند الحاجة.',
      'المصدر: وكالة الأنباء المحلية',
    ].join('\n'),
  },
  en: {
    key: 'reader/harbour-report.txt',
    body: [
      'Harbour authority opens a second container terminal',
      'Port City, 4 March 2025',
      'The harbour authority opened a second container terminal on Tuesday, doubling the port’s capacity for cargo ships.',
      'Officials said the terminal would create hundreds of jobs and shorten waiting times for ships at anchor.',
      'Shipping companies welcomed the move but asked for better road links to the new quay.',
      'Source: Port City Herald',
    ].join('\n'),
  },
  script: {
    key: 'reader/night-buses.txt',
    body: [
      SCRIPT_TITLE,
      'Riverside, 5 March 2025',
      `Protesters had written ${IMG_ATTACK} on the consultation forms before the vote.`,
      'The city council approved three new night bus routes on Wednesday after a year of public consultation.',
      'The routes will link the hospital, the university and the central station until two in the morning.',
      'Source: Riverside Daily',
    ].join('\n'),
  },
  bidi: {
    key: 'reader/lighthouse.txt',
    body: [
      'Harbour lighthouse gets a new lamp',
      'Port City, 6 March 2025',
      'Ships reach the harbour before the new lighthouse opens every night.',
      'The lamp can be seen from the far side of the bay, the keeper said.',
      'Source: Port City Herald',
    ].join('\n'),
  },
  refused: {
    key: 'reader/refused-report.txt',
    body: [
      'Report the model declines to summarise',
      'Riverside, 7 March 2025',
      'This report is written so that the test model refuses to summarise it.',
      'The reader page must then say what happened and what to do about it.',
      'Source: Riverside Daily',
    ].join('\n'),
  },
} as const;

/** The English summary the LLM gives the lighthouse article: an override wraps part of a sentence. */
export const BIDI_SUMMARY = `Ships reach the harbour ${RLO}before the new lighthouse opens${PDF} every night.`;
export const BIDI_SHOWN = 'Ships reach the harbour before the new lighthouse opens every night.';

/** The test LLM: refuses the refused article, slips bidi controls into the lighthouse summary. */
export function llmBehaviour(request: Parameters<typeof articleOf>[0]) {
  const article = articleOf(request);
  if (article.includes('test model refuses'))
    return { type: 'refusal' as const, refusal: 'I cannot help with that.' };
  if (article.includes('lighthouse') && !isNotesRequest(request)) {
    const answer = defaultSummary(request) as {
      summaries: Record<string, { title: string; summary: string }>;
    };
    const en = answer.summaries.en;
    if (en) {
      en.title = `${RLO}Lighthouse${PDF} lamp`;
      en.summary = BIDI_SUMMARY;
    }
    return { type: 'json' as const, content: answer };
  }
  return { type: 'summary' as const };
}
