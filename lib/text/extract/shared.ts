/** `2025-07-02T09:30:00+03:00` → `2025-07-02` (the publisher's own calendar date), else null. */
export function isoDate(value: string | null): string | null {
  const match = value ? /^\s*(\d{4})-(\d{2})-(\d{2})(?![\d])/.exec(value) : null;
  if (!match) return null;
  const [, y, m, d] = match;
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
  // Reject impossible dates such as 2025-02-30 (Date rolls them over).
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${m}-${d}`
    ? null
    : `${y}-${m}-${d}`;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Drops the first paragraph when it is the headline, so title + text never repeat it. */
export function removeLeadingTitle(text: string, title: string | null): string {
  if (!title) return text;
  const trimmed = text.replace(/^\s+/, '');
  const end = trimmed.indexOf('\n\n');
  const first = end < 0 ? trimmed : trimmed.slice(0, end);
  if (squash(first) !== squash(title)) return text;
  return end < 0 ? '' : trimmed.slice(end + 2).replace(/^\s+/, '');
}
