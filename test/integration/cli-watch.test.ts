import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watch } from '../../cli/commands/watch.ts';
import { main } from '../../cli/main.ts';
import type { Output } from '../../cli/output.ts';
import { eventLogOf, eventsDirOf } from '../../infra/local/event-log.ts';
import { FileOutcomeEvents } from '../../lib/adapters/file-events.ts';
import type { OutcomeDetail, OutcomeEvent } from '../../lib/domain/outcome-event.ts';

const REPO = join(import.meta.dirname, '../..');

function event(
  detail: Partial<OutcomeDetail> & Pick<OutcomeDetail, 'status' | 'key' | 'revision'>,
): OutcomeEvent {
  const types = { done: 'Summary Done', failed: 'Summary Failed', deleted: 'Summary Deleted' } as const;
  const full: OutcomeDetail = {
    id: `id-${detail.key}`,
    bucket: 'articles',
    title: null,
    languages: [],
    errorCode: null,
    updatedAt: '2026-11-29T10:00:00.000Z',
    ...detail,
  };
  return { source: 'khulasa', 'detail-type': types[full.status], time: full.updatedAt, detail: full };
}

/** An Output that keeps what is printed, and tells when a number of lines has arrived. */
function capture() {
  const printed: string[] = [];
  const notes: string[] = [];
  let waiter: (() => void) | null = null;
  const out: Output = {
    err: process.stderr,
    columns: null,
    print: (text) => {
      printed.push(text);
      waiter?.();
    },
    info: (text) => void notes.push(text),
  };
  const lines = async (count: number): Promise<string[]> => {
    const deadline = Date.now() + 10_000;
    while (printed.length < count && Date.now() < deadline)
      await new Promise<void>((resolve) => {
        waiter = resolve;
        setTimeout(resolve, 100);
      });
    return printed.slice(0, count);
  };
  /** `watch` says where it watches once it knows where the log ends. */
  const started = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (notes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  return { out, printed, notes, lines, started };
}

describe('khulasa watch', () => {
  let dataDir: string;
  let log: FileOutcomeEvents;
  let stop: AbortController;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-watch-'));
    log = new FileOutcomeEvents(eventsDirOf(dataDir));
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints each outcome logged after it started as one line, and not the ones before', async () => {
    await log.publish(event({ status: 'done', key: 'incoming/before.txt', revision: 2 }));
    const { out, lines, started } = capture();
    const running = watch(
      { stack: null, all: false, json: false },
      { KHULASA_DATA_DIR: dataDir },
      out,
      stop.signal,
    );
    await started();

    await log.publish(
      event({
        status: 'done',
        key: 'incoming/a.txt',
        revision: 2,
        languages: ['ar', 'en'],
        title: 'مكتبة عامة',
      }),
    );
    await log.publish(
      event({ status: 'failed', key: 'incoming/empty.txt', revision: 2, errorCode: 'empty' }),
    );
    await log.publish(event({ status: 'deleted', key: 'incoming/a.txt', revision: 3, title: 'مكتبة عامة' }));
    const printed = await lines(3);
    stop.abort();

    expect(await running).toBe(0);
    expect(printed).toEqual([
      '2026-11-29T10:00:00.000Z  ✓ done     incoming/a.txt  rev 2  ar,en  مكتبة عامة',
      '2026-11-29T10:00:00.000Z  ✗ failed   incoming/empty.txt  rev 2  empty',
      '2026-11-29T10:00:00.000Z  − deleted  incoming/a.txt  rev 3  مكتبة عامة',
    ]);
  });

  it('with --all --json prints the logged events first, each exactly as logged', async () => {
    const first = event({ status: 'done', key: 'incoming/one.txt', revision: 2 });
    await log.publish(first);
    const { out, lines } = capture();

    const running = watch(
      { stack: null, all: true, json: true },
      { KHULASA_DATA_DIR: dataDir },
      out,
      stop.signal,
    );
    const [line] = await lines(1);
    stop.abort();
    await running;

    expect(JSON.parse(line ?? 'null')).toEqual(first);
  });

  it('prints a backlog larger than one read of the log, every event once and in order', async () => {
    const count = 4000;
    const lines = Array.from({ length: count }, (_, i) =>
      JSON.stringify(
        event({ status: 'done', key: `incoming/backlog/${i}.txt`, revision: 2, title: 'ت'.repeat(150) }),
      ),
    );
    await mkdir(eventsDirOf(dataDir), { recursive: true });
    await appendFile(eventLogOf(dataDir), `${lines.join('\n')}\n`);
    const { out, lines: printedLines } = capture();

    const running = watch(
      { stack: null, all: true, json: true },
      { KHULASA_DATA_DIR: dataDir },
      out,
      stop.signal,
    );
    const printed = await printedLines(count);
    stop.abort();
    await running;

    expect(lines.join('').length).toBeGreaterThan(1024 * 1024);
    expect(printed).toEqual(lines);
  });

  it('refuses a deployed stack and says how to follow its EventBridge bus instead', async () => {
    const { out, notes } = capture();

    const code = await main(['watch', '--stack', 'Khulasa-prod'], {}, out);

    expect(code).toBe(2);
    expect(notes.join('\n')).toMatch(/EventBridge bus.*EventBusName.*rule for source "khulasa"/);
  });

  it('runs as `khulasa watch` and stops cleanly on Ctrl-C', async () => {
    await log.publish(
      event({ status: 'failed', key: 'incoming/bad.pdf', revision: 4, errorCode: 'undecodable' }),
    );
    const child = spawn(process.execPath, ['cli/khulasa.ts', 'watch', '--all'], {
      cwd: REPO,
      env: { ...process.env, KHULASA_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const deadline = Date.now() + 15_000;
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    child.kill('SIGINT');

    expect(stdout).toBe('2026-11-29T10:00:00.000Z  ✗ failed   incoming/bad.pdf  rev 4  undecodable\n');
    expect(await exited).toBe(0);
  });
});
