import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleOf, type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import { type StackProcess, startStackProcess } from '../support/stack-process.ts';

/**
 * `khulasa upload` as a person sees it in a 160-column terminal. Node has no pseudo-terminal of
 * its own, so util-linux's `script` gives the CLI one (stdout and stderr are then TTYs, exactly
 * as in a shell); the test reads what `script` relays, as the terminal would draw it.
 */
const SCRIPT = '/usr/bin/script';
const REPO = join(import.meta.dirname, '../..');
const COLUMNS = 160;
/** Every sentence of the large article has it: its LLM calls wait until the test has seen the screen. */
const BIG_MARKER = 'of the harbour survey records';
const BIG_KEY = 'incoming/pty/big-harbour-survey.txt';
const LONG_TITLE =
  'Riverside council approves three new night bus routes linking the hospital, the university and the station';

/** About 60 kB of distinct sentences: the large file among small ones. */
function bigArticle(): string {
  const lines = ['Harbour survey: the state of the old quays', 'Port City, 8 March 2025'];
  for (let i = 1; i <= 400; i += 1) {
    lines.push(
      `Section ${i} ${BIG_MARKER} that quay ${i} handled cargo for ${i + 3} shipping lines, and that its cranes need new cables before winter.`,
    );
  }
  lines.push('Source: Port City Herald');
  return lines.join('\n');
}

const smallArticle = (title: string, town: string) =>
  [
    title,
    `${town}, 9 March 2025`,
    `The council of ${town} met on Monday and agreed the plan after a long public consultation.`,
    'Residents welcomed the decision but asked for the work to start before the summer.',
    'Source: Riverside Daily',
  ].join('\n');

const ESC = String.fromCharCode(0x1b);
const ERASE_LINE = `${ESC}[2K`;
const CONTROL_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'gu');

/** What a terminal shows: every in-place redraw (`\r`, erase-line) starts a new screen line. */
const screenLines = (raw: string): string[] =>
  raw
    .replaceAll(ERASE_LINE, '\n')
    .split(/\r\n|\n|\r/u)
    .map((l) => l.replace(CONTROL_SEQUENCE, ''))
    .filter((l) => l.trim() !== '');

describe('khulasa upload in a pseudo-terminal', () => {
  let llm: OpenAiTestServer;
  let stack: StackProcess;
  let dataDir: string;
  let filesDir: string;
  let releaseBig: () => void = () => undefined;
  const bigReleased = new Promise<void>((resolve) => {
    releaseBig = resolve;
  });

  beforeAll(async () => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: install util-linux (Debian has it).`);
    llm = await startOpenAiTestServer({
      defaultBehaviour: {
        type: 'custom',
        respond: async (request) => {
          if (articleOf(request.body).includes(BIG_MARKER)) await bigReleased;
          return { type: 'summary' };
        },
      },
    });
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-pty-'));
    filesDir = await mkdtemp(join(tmpdir(), 'khulasa-pty-files-'));
    stack = await startStackProcess({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'test-model',
      LLM_MAX_RETRIES: '0',
      LLM_TIMEOUT_MS: '120000',
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
    });
    const dir = join(filesDir, 'pty');
    await mkdir(dir);
    await writeFile(join(dir, 'big-harbour-survey.txt'), bigArticle());
    await writeFile(join(dir, 'night-buses.txt'), smallArticle(LONG_TITLE, 'Riverside'));
    await writeFile(join(dir, 'park.txt'), smallArticle('A new park opens by the river', 'Northfield'));
    await writeFile(join(dir, 'school.txt'), smallArticle('The school gets a new library', 'Eastbrook'));
    await writeFile(join(dir, 'market.txt'), smallArticle('The market moves to the square', 'Westhaven'));
  }, 90_000);

  afterAll(async () => {
    releaseBig();
    await stack?.stop();
    await llm?.close();
    for (const dir of [dataDir, filesDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI under `script` in a COLUMNS-wide terminal; `raw` grows as the terminal would draw. */
  function inTerminal(args: string[]) {
    const port = (url: string) => new URL(url).port;
    const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child: ChildProcessWithoutNullStreams = spawn(
      SCRIPT,
      [
        '-qfec',
        `stty cols ${COLUMNS} rows 40; exec '${process.execPath}' cli/khulasa.ts ${quoted}`,
        '/dev/null',
      ],
      {
        cwd: REPO,
        env: {
          ...process.env,
          S3_PORT: port(stack.s3Endpoint),
          DYNAMODB_PORT: port(stack.dynamoEndpoint),
          PORT: port(stack.apiUrl),
          KHULASA_DATA_DIR: dataDir,
          KHULASA_STACK: '',
          TERM: 'xterm-256color',
        },
      },
    );
    const session = { raw: '', child, exited: new Promise<number | null>((r) => child.once('close', r)) };
    child.stdout.on('data', (c: Buffer) => {
      session.raw += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      session.raw += c.toString('utf8');
    });
    return session;
  }

  const waitFor = async (read: () => string, pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = screenLines(read()).find((l) => pattern.test(l));
      if (line) return line;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${pattern} never appeared on screen:\n${screenLines(read()).join('\n')}`);
  };

  it('names the large file and its stage while it is summarised, then prints a table as wide as the terminal', async () => {
    const session = inTerminal(['upload', join(filesDir, 'pty'), '--prefix', 'incoming/pty/']);

    // The small files settle; the large one stays in the LLM until the screen has said so.
    const inHand = await waitFor(
      () => session.raw,
      new RegExp(`^summaries \\[#{19}-{5}\\] 4/5 .*now: ${BIG_KEY.replaceAll('.', '\\.')} processing \\d+s`),
    );
    releaseBig();
    const code = await session.exited;
    const screen = screenLines(session.raw);

    expect(inHand).toMatch(/· 1 processing$/);
    expect(stringWidth(inHand)).toBeLessThan(COLUMNS);
    expect(code).toBe(0);
    const table = screen.slice(screen.findIndex((l) => /^key\s+status\s+title$/.test(l)));
    expect(table.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([
      [BIG_KEY, 'done'],
      ['incoming/pty/market.txt', 'done'],
      ['incoming/pty/night-buses.txt', 'done'],
      ['incoming/pty/park.txt', 'done'],
      ['incoming/pty/school.txt', 'done'],
    ]);
    // 160 columns hold the whole 105-character title: nothing is cut at a fixed 60.
    expect(table.find((l) => l.includes('night-buses'))).toContain(LONG_TITLE);
    expect(Math.max(...table.map((l) => stringWidth(l)))).toBeLessThan(COLUMNS);
  }, 120_000);
});
