import { seededRandom } from './seeded.ts';

/**
 * Inputs that are valid uploads but hard on a parser or a summariser, generated here (written for
 * khulasa, deterministic: a fixed seed each).
 */

const MB = 1024 * 1024;

/** 1 MB on one line, no whitespace at all: letters, digits and punctuation. */
export function oneLineWithoutSpaces(bytes = MB): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:-_()[]';
  const random = seededRandom(1);
  let out = '';
  while (out.length < bytes) out += alphabet[random.int(alphabet.length)];
  return out;
}

const SUBJECTS = [
  'وزارة الصحة',
  'المجلس البلدي',
  'جامعة المدينة',
  'شركة الكهرباء الوطنية',
  'اتحاد الصيادين',
  'هيئة الطرق',
  'مكتبة الحي',
  'غرفة التجارة',
  'نادي الشباب',
  'مديرية الزراعة',
];
const VERBS = ['أعلنت', 'افتتحت', 'أطلقت', 'ناقشت', 'أقرت', 'رفضت', 'أجلت', 'راجعت', 'وسعت', 'دعمت'];
const OBJECTS = [
  'خطة جديدة لتطوير الخدمات',
  'مشروعا لتحسين شبكة المياه',
  'برنامجا لتدريب المعلمين',
  'حملة للتوعية بالسلامة المرورية',
  'مبادرة لزراعة الأشجار في الأحياء',
  'ميزانية إضافية لصيانة المدارس',
  'مركزا صحيا في القرية المجاورة',
  'سوقا أسبوعية للمنتجات المحلية',
];
const PLACES = ['في العاصمة', 'في المنطقة الشمالية', 'على الساحل', 'في الريف الجنوبي', 'في وسط المدينة'];
const TIMES = ['يوم الأحد', 'صباح الاثنين', 'مساء الثلاثاء', 'الأسبوع الماضي', 'مطلع الشهر الجاري'];
const TAILS = [
  'وقال مسؤولون إن العمل سيبدأ قريبا.',
  'ورحب السكان بالقرار ودعوا إلى تنفيذه بسرعة.',
  'وأكد المتحدث أن التكلفة ستغطى من الموارد المتاحة.',
  'ومن المتوقع أن يستفيد منه آلاف الأسر.',
  'وطالب خبراء بمتابعة النتائج بشكل دوري.',
];

/** About `bytes` of Arabic news prose (UTF-8), sentences varied from a fixed seed, in paragraphs. */
export function arabicArticleOfSize(bytes = 2 * MB): string {
  const random = seededRandom(2);
  const pick = (list: readonly string[]) => list[random.int(list.length)] as string;
  const paragraphs: string[] = ['تقرير موسع عن مشاريع المدن والقرى خلال العام'];
  let size = Buffer.byteLength(paragraphs[0] as string);
  while (size < bytes) {
    const sentences = Array.from(
      { length: 3 + random.int(4) },
      () =>
        `${pick(VERBS)} ${pick(SUBJECTS)} ${pick(TIMES)} ${pick(OBJECTS)} ${pick(PLACES)} بكلفة ${10 + random.int(990)} ألف دينار. ${pick(TAILS)}`,
    );
    const paragraph = sentences.join(' ');
    paragraphs.push(paragraph);
    size += Buffer.byteLength(paragraph) + 2;
  }
  return paragraphs.join('\n\n');
}

const WORDS =
  'the harbour council library school road market water power bridge garden station plan budget residents workers engineers opened approved delayed reviewed announced expanded funded repaired'.split(
    ' ',
  );

/** A page of `depth` nested `<div>`s, each holding a sentence, about `bytes` in all. */
export function nestedDivsWithText(depth = 5_000, bytes = MB): string {
  const random = seededRandom(3);
  const perDiv = Math.max(1, Math.floor(bytes / depth) - '<div></div>'.length);
  const sentence = () => {
    let s = 'Level';
    while (s.length < perDiv - 1) s += ` ${WORDS[random.int(WORDS.length)]}`;
    return `${s.slice(0, perDiv - 1)}.`;
  };
  const open = Array.from({ length: depth }, () => `<div>${sentence()}`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Nested report</title></head><body>${open}${'</div>'.repeat(depth)}</body></html>`;
}

/** `depth` nested `<div>`s with one paragraph of text at the bottom. */
export function deeplyNestedDivs(depth = 50_000): string {
  const text =
    '<p>The harbour council approved a plan on Tuesday to turn the old docks into a public park. Work is expected to begin next spring.</p>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Deep page</title></head><body>${'<div>'.repeat(depth)}${text}${'</div>'.repeat(depth)}</body></html>`;
}
