import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { describeInHand, inHand } from '../../../cli/commands/upload.ts';
import { createProgress } from '../../../cli/progress.ts';
import { displayWidth, neutraliseBidi, table, truncate, wrap } from '../../../cli/terminal.ts';

/** The cell where `needle` starts on `line`, counted the way a terminal draws the text before it. */
const cellOf = (line: string, needle: string): number => stringWidth(line.slice(0, line.indexOf(needle)));

describe('terminal widths', () => {
  it('gives emoji and wide characters two cells, and combining marks none', () => {
    expect(displayWidth('📰')).toBe(2);
    expect(displayWidth('👩‍👩‍👧')).toBe(2);
    expect(displayWidth('خبر')).toBe(3);
    expect(displayWidth('中文')).toBe(4);
  });

  it('never cuts an emoji or a combined grapheme in half', () => {
    expect(truncate('ab📰cd', 4)).toBe('ab…');
    expect(wrap('👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧', 4)).toEqual(['👩‍👩‍👧👩‍👩‍👧', '👩‍👩‍👧']);
  });
});

describe('table', () => {
  it('aligns the columns after a key holding emoji', () => {
    const out = table(
      ['key', 'status', 'title'],
      [
        ['incoming/📰 أخبار 🇪🇬.txt', 'done', 'first'],
        ['incoming/plain.txt', 'failed', 'second'],
      ],
    );

    // The emoji key takes 24 cells: 9 + 2 (📰) + 1 + 5 + 1 + 2 (flag) + 4.
    const [head, first, second] = out.split('\n') as [string, string, string];
    expect([cellOf(head, 'status'), cellOf(first, 'done'), cellOf(second, 'failed')]).toEqual([26, 26, 26]);
    expect([cellOf(head, 'title'), cellOf(first, 'first'), cellOf(second, 'second')]).toEqual([34, 34, 34]);
  });

  it('fits a terminal by cutting the shrinkable columns, and keeps cells whole in a pipe', () => {
    const title = 'A council approves three new night bus routes linking the hospital and the university';
    const rows = [['incoming/night-buses.txt', 'done', title, 'abc123']];

    const wide = table(['key', 'status', 'title', 'id'], rows, { columns: 160, shrink: [2, 0] });
    const narrow = table(['key', 'status', 'title', 'id'], rows, { columns: 80, shrink: [2, 0] });
    const piped = table(['key', 'status', 'title', 'id'], rows, { columns: null, shrink: [2, 0] });

    expect(wide).toContain(title);
    expect(Math.max(...narrow.split('\n').map((l) => stringWidth(l)))).toBeLessThanOrEqual(79);
    expect(narrow).toMatch(/A council approves .*… {2}abc123$/m);
    expect(narrow).toContain('incoming/night-buses.txt');
    expect(piped).toContain(title);
  });

  it('shows cells free of bidi controls, so an override cannot reverse the line', () => {
    const out = table(['title'], [['\u202Eevil\u202C \u2067ok\u2069']]);

    expect(out.split('\n')[1]).toBe('evil ok');
    expect(neutraliseBidi('a\u202Ab\u202Bc\u202Dd\u2066e\u2068f')).toBe('abcdef');
  });
});

describe('upload progress', () => {
  it('names the file being processed, its stage and for how long, with the rest counted', () => {
    const files = [
      { key: 'incoming/a.txt', stage: 'done' as const, since: 0 },
      { key: 'incoming/b.txt', stage: 'failed' as const, since: 0 },
      { key: 'incoming/big.txt', stage: 'processing' as const, since: 1_000 },
      { key: 'incoming/c.txt', stage: 'queued' as const, since: 0 },
    ];

    expect(inHand(files)?.key).toBe('incoming/big.txt');
    expect(describeInHand(files, 32_000)).toBe(
      '1 failed · now: incoming/big.txt processing 31s · 1 processing, 1 queued',
    );
    expect(inHand([{ key: 'x', stage: 'done' as const }])).toBeNull();
  });

  it('redraws the bar with the item in hand on a terminal', () => {
    const chunks: string[] = [];
    const progress = createProgress(
      { isTTY: true, columns: 160, write: (c: string) => chunks.push(c) > 0 },
      { items: 3, label: 'summaries' },
      () => 0,
    );

    progress.current('now: incoming/big.txt processing 4s');

    expect(chunks.join('')).toBe(
      'summaries [------------------------] 0/3  now: incoming/big.txt processing 4s',
    );
  });

  it('drops the item in hand from the bar once an item finishes', () => {
    const chunks: string[] = [];
    const progress = createProgress(
      { isTTY: true, columns: 160, write: (c: string) => chunks.push(c) > 0 },
      { items: 1, label: 'upload' },
      () => 0,
    );

    progress.current('incoming/big.txt (53 kB) uploading');
    progress.item('uploaded incoming/big.txt');

    expect(chunks.at(-1)).toBe('upload [########################] 1/1');
  });
});
