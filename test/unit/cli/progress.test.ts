import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../cli/progress.ts';
import { displayWidth, table, truncate, wrap } from '../../../cli/terminal.ts';

const capture = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (c: string) => chunks.push(c) > 0 } };
};

describe('createProgress', () => {
  it('prints one plain line per item and no status lines when stderr is not a terminal', () => {
    const { chunks, stream } = capture(false);
    const progress = createProgress(stream, { items: 2, bytes: 300 });

    progress.item('uploaded a.txt', 100);
    progress.status('waiting…');
    progress.item('uploaded b.txt', 200);
    progress.done();

    expect(chunks.join('')).toBe('uploaded a.txt\nuploaded b.txt\n');
  });

  it('redraws one bar with count, bytes and rate on a terminal, and clears it when done', () => {
    const { chunks, stream } = capture(true);
    let now = 0;
    const progress = createProgress(stream, { items: 2, bytes: 2048 }, () => now);

    now = 1000;
    progress.item('a', 1024);
    now = 2000;
    progress.item('b', 1024);
    progress.done();

    const out = chunks.join('');
    expect(out).toContain('[############------------] 1/2  1.0 kB/2.0 kB  1.0 kB/s');
    expect(out).toContain('[########################] 2/2  2.0 kB/2.0 kB  1.0 kB/s');
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
    expect(out).not.toContain('\n');
  });
});

describe('terminal text', () => {
  it('counts Arabic letters but not harakat or bidi controls', () => {
    expect(displayWidth('مَرْحَبًا')).toBe(5);
    expect(displayWidth('\u2067abc\u2069')).toBe(3);
  });

  it('truncates and wraps by display width', () => {
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
  });

  it('aligns table columns', () => {
    expect(
      table(
        ['key', 'status'],
        [
          ['a.txt', 'done'],
          ['longer.txt', 'failed'],
        ],
      ),
    ).toBe('key         status\na.txt       done\nlonger.txt  failed');
  });
});
