import { formatBytes, truncate } from './terminal.ts';

/**
 * Progress on stderr. On a terminal: one bar redrawn in place (count, bytes, rate, and what is
 * being worked on right now). Otherwise (pipes, CI, tests): one plain line per finished item,
 * nothing redrawn, so logs stay readable.
 */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** One item finished: `bytes` adds to the byte count, `line` is what plain output prints. */
  item(line: string, bytes?: number): void;
  /**
   * What is in hand now (e.g. `big.txt processing 12s`), shown after the bar until the next
   * `item` or `current`; TTY only.
   */
  current(text: string): void;
  /** A live status line in place of the bar (TTY only); plain output ignores it. */
  status(text: string): void;
  /** Clears the bar or status line. */
  done(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 80;

export function createProgress(
  stream: ProgressStream,
  total: { items: number; bytes?: number; label?: string },
  now: () => number = Date.now,
): Progress {
  const tty = stream.isTTY === true;
  const started = now();
  let items = 0;
  let bytes = 0;
  let lastDraw = 0;
  let shown = false;
  let inHand = '';

  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const draw = (text: string) => {
    clear();
    // A pseudo-terminal may report 0 columns: assume the classic 80 then.
    const columns = stream.columns && stream.columns > 0 ? stream.columns : 80;
    stream.write(truncate(text, columns - 1));
    shown = true;
    lastDraw = now();
  };
  const bar = () => {
    const ratio = total.items === 0 ? 1 : items / total.items;
    const filled = Math.round(ratio * BAR_WIDTH);
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const size = total.bytes === undefined ? '' : `  ${formatBytes(bytes)}/${formatBytes(total.bytes)}`;
    const rate = total.bytes === undefined ? '' : `  ${formatBytes(Math.round(bytes / seconds))}/s`;
    const label = total.label ? `${total.label} ` : '';
    const hand = inHand ? `  ${inHand}` : '';
    return `${label}[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${items}/${total.items}${size}${rate}${hand}`;
  };

  return {
    item(line, size = 0) {
      items += 1;
      bytes += size;
      inHand = '';
      if (!tty) {
        stream.write(`${line}\n`);
        return;
      }
      if (items === total.items || now() - lastDraw >= REDRAW_MS) draw(bar());
    },
    current(text) {
      inHand = text;
      if (tty) draw(bar());
    },
    status(text) {
      if (tty) draw(text);
    },
    done() {
      if (tty) clear();
    },
  };
}
