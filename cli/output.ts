import type { ProgressStream } from './progress.ts';

/** Results on stdout (pipeable), progress and notes on stderr. */
export interface Output {
  err: ProgressStream;
  /** Terminal width for layout decisions; null when stdout is not a terminal. */
  columns: number | null;
  print(text: string): void;
  info(text: string): void;
}

export function processOutput(): Output {
  return {
    err: process.stderr,
    // A pseudo-terminal may report 0 columns: assume the classic 80 then.
    columns: process.stdout.isTTY ? process.stdout.columns || 80 : null,
    print: (text) => void process.stdout.write(`${text}\n`),
    info: (text) => void process.stderr.write(`${text}\n`),
  };
}
