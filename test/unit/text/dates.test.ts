import { describe, expect, it } from 'vitest';
import { dateLineDate, parseDate } from '../../../lib/text/dates.ts';
import { searchKey } from '../../../lib/text/search-key.ts';

describe('parseDate', () => {
  it.each([
    ['تاريخ النشر: 2nd, July 2025 GMT', '2025-07-02'],
    ['2 يوليو 2025', '2025-07-02'],
    ['2 يوليه 2025', '2025-07-02'],
    ['2 تموز 2025', '2025-07-02'],
    ['2 جويلية 2025', '2025-07-02'],
    ['15 أبريل 2024', '2024-04-15'],
    ['15 ابريل 2024', '2024-04-15'],
    ['3 أغسطس 2023', '2023-08-03'],
    ['1 كانون الثاني 2024', '2024-01-01'],
    ['9 تشرين الأول 2024', '2024-10-09'],
    ['9 أفريل 2024', '2024-04-09'],
    ['20 أوت 2024', '2024-08-20'],
    ['2 تموز/يوليو 2025', '2025-07-02'],
    ['\u200F٢\u200F/\u200F٧\u200F/\u200F٢٠٢٥', '2025-07-02'],
    ['Published: 3 March 2026', '2026-03-03'],
    ['Updated Mar 3, 2026 10:00 GMT', '2026-03-03'],
    ['2025-07-02T10:00:00Z', '2025-07-02'],
    ['الأربعاء 7 محرم 1447 هـ الموافق 2 يوليو 2025 م', '2025-07-02'],
    ['الساعة 10:30 م، 2 يوليو 2025 م', '2025-07-02'],
  ])('reads %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it('rejects impossible dates', () => {
    expect(parseDate('31 فبراير 2025')).toBeNull();
    expect(parseDate('31/2/2025')).toBeNull();
  });

  it('does not turn a Hijri-only date into a Gregorian one', () => {
    expect(parseDate('7 محرم 1447 هـ')).toBeNull();
  });
});

describe('dateLineDate', () => {
  it('accepts a line that is only a date with its labels', () => {
    expect(dateLineDate(searchKey('نشر في: الأربعاء 2 يوليو 2025 - 10:30 م'))).toBe('2025-07-02');
  });

  it('refuses a sentence that merely mentions a date', () => {
    const sentence = 'وقد سبق انعقاد دورتها الحالية اجتماع فرق العمل خلال الفترة من 26 إلى 28 مايو 2025';
    expect(dateLineDate(searchKey(sentence))).toBeNull();
  });
});
