import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { documentClientFor } from '../support/dynamo.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import { runCaptured } from '../support/run-captured.ts';
import { pollJson, type StackProcess, startStackProcess } from '../support/stack-process.ts';

const REPO = join(import.meta.dirname, '../..');
const ARABIC = [
  'افتتحت البلدية اليوم مكتبة عامة جديدة في وسط المدينة بعد عامين من أعمال البناء.',
  'وتضم المكتبة قاعات للقراءة ومختبرا للحاسوب وركنا خاصا بكتب الأطفال.',
  'وقال رئيس البلدية إن المكتبة ستفتح أبوابها طوال أيام الأسبوع للجميع مجانا.',
  'ويأمل السكان أن تصبح المكتبة مكانا للقاء الطلاب والباحثين من المنطقة كلها.',
].join(' ');
const ENGLISH = [
  'The city council opened a new public library downtown after two years of construction.',
  'The library has reading rooms, a computer lab and a corner for children’s books.',
  'The mayor said the library will open every day of the week and entry is free for everyone.',
  'Residents hope the library becomes a meeting place for students and researchers from the region.',
].join(' ');
const AR_KEY = 'incoming/cli/مكتبة عامة.txt';
const EN_KEY = 'incoming/cli/library.txt';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const collapse = (s: string) => s.replace(/\s+/gu, ' ').trim();

describe('khulasa CLI against the local stack', () => {
  let llm: OpenAiTestServer;
  let stack: StackProcess;
  let dataDir: string;
  let filesDir: string;
  let cliEnv: Record<string, string>;

  /** The CLI as a user runs it: its own process, output captured (not a terminal). */
  const cli = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
    runCaptured(process.execPath, ['cli/khulasa.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, ...cliEnv, ...extraEnv },
    });

  const record = (key: string) =>
    pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', key)}`,
      (_b, status) => status === 200,
    );

  beforeAll(async () => {
    llm = await startOpenAiTestServer();
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-cli-'));
    filesDir = await mkdtemp(join(tmpdir(), 'khulasa-cli-files-'));
    const llmEnv = {
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'test-model',
      LLM_MAX_RETRIES: '0',
      LLM_TIMEOUT_MS: '10000',
    };
    stack = await startStackProcess({
      ...llmEnv,
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
      // One try: a failing LLM call dead-letters at once, which `redrive` then moves back.
      MAX_RECEIVE_COUNT: '1',
    });
    const port = (url: string) => new URL(url).port;
    cliEnv = {
      ...llmEnv,
      S3_PORT: port(stack.s3Endpoint),
      DYNAMODB_PORT: port(stack.dynamoEndpoint),
      PORT: port(stack.apiUrl),
      KHULASA_DATA_DIR: dataDir,
      KHULASA_STACK: '',
    };
    await mkdir(join(filesDir, 'cli'));
    await writeFile(join(filesDir, 'cli', 'مكتبة عامة.txt'), ARABIC);
    await writeFile(join(filesDir, 'cli', 'library.txt'), ENGLISH);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await llm?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(filesDir, { recursive: true, force: true });
  });

  it('uploads a folder, prints a progress line per file and per summary, then a table of done records', async () => {
    const result = await cli(['upload', join(filesDir, 'cli'), '--prefix', 'incoming/cli/']);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^uploaded incoming\/cli\/library\.txt \(\d+ B\) 1\/2$/m);
    expect(result.stderr).toMatch(/^uploaded incoming\/cli\/مكتبة عامة\.txt \(\d+ B\) 2\/2$/m);
    expect(result.stderr).toMatch(/^done {3}incoming\/cli\/library\.txt$/m);
    expect(result.stderr).toMatch(/^done {3}incoming\/cli\/مكتبة عامة\.txt$/m);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^key\s+status\s+title$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([
      [EN_KEY, 'done'],
      [AR_KEY, 'done'],
    ]);
  });

  it('lists records newest first', async () => {
    const [ar, en] = [await record(AR_KEY), await record(EN_KEY)];
    const newestFirst = [ar, en].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((r) => r.id);

    const result = await cli(['list', '--status', 'done', '--limit', '10']);

    expect(result.code).toBe(0);
    const ids = result.stdout.match(/[A-Za-z0-9_-]{43}$/gm) ?? [];
    expect(ids).toEqual(newestFirst);
    expect(result.stdout).toContain(AR_KEY);
  });

  it('shows a record by key with its Arabic and English summaries', async () => {
    const ar = await record(AR_KEY);

    const byKey = await cli(['show', AR_KEY]);
    const byId = await cli(['show', ar.id]);

    expect(byKey.code).toBe(0);
    expect(collapse(byKey.stdout)).toContain(collapse(ar.summaries.ar?.summary ?? 'missing'));
    expect(byKey.stdout).toContain(`[ar] ${ar.summaries.ar?.title.slice(0, 20)}`);
    expect(byKey.stdout).toMatch(/^\[en\] /m);
    expect(byKey.stdout).toMatch(/^status\s+done$/m);
    expect(byId.stdout).toBe(byKey.stdout);
  });

  it('prints the normalised text', async () => {
    const ar = await record(AR_KEY);
    const served = await (await fetch(`${stack.apiUrl}/summaries/${ar.id}/text`)).text();

    const result = await cli(['text', AR_KEY]);
    const byId = await cli(['text', ar.id]);

    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd()).toBe(served.trimEnd());
    expect(byId.stdout).toBe(result.stdout);
    expect(result.stdout).toContain('مكتبة عامة جديدة');
  });

  it('reindexes records the filters miss (written before filters existed), then finds nothing to do', async () => {
    const ids = [(await record(AR_KEY)).id, (await record(EN_KEY)).id].sort();
    const topicTest = async () => {
      const page = (await (await fetch(`${stack.apiUrl}/summaries?topic=test`)).json()) as {
        items: { id: string }[];
      };
      const facets = (await (await fetch(`${stack.apiUrl}/facets?kind=topic`)).json()) as {
        values: { key: string; count: number }[];
      };
      return {
        ids: page.items.map((i) => i.id).sort(),
        count: facets.values.find((v) => v.key === 'test')?.count,
      };
    };
    const doc = documentClientFor(stack.dynamoEndpoint);
    try {
      // The records as a table written before filters holds them: no index state, no index items.
      const items = await doc.send(
        new ScanCommand({ TableName: 'summaries', ProjectionExpression: 'pk, sk' }),
      );
      for (const { pk, sk } of (items.Items ?? []) as { pk: string; sk: string }[]) {
        const Key = { pk, sk };
        if (sk === 'record')
          await doc.send(
            new UpdateCommand({ TableName: 'summaries', Key, UpdateExpression: 'REMOVE ixk, ixp' }),
          );
        else if (/^(ix|fc)#/.test(pk)) await doc.send(new DeleteCommand({ TableName: 'summaries', Key }));
      }
    } finally {
      doc.destroy();
    }
    expect(await topicTest()).toEqual({ ids: [], count: undefined });

    const first = await cli(['reindex']);
    const afterFirst = await topicTest();
    const second = await cli(['reindex']);

    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'reindexed 2 of 2 records in the local stack: filters and facets include them now\n',
    );
    expect(afterFirst).toEqual({ ids, count: 2 });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('nothing to reindex among 2 records in the local stack\n');
    expect(await topicTest()).toEqual({ ids, count: 2 });
  });

  it('reprocesses a prefix: every record re-runs once per run, and a second run does the same', async () => {
    const before = [await record(AR_KEY), await record(EN_KEY)];

    const refused = await cli(['reprocess', '--prefix', 'incoming/cli/']);
    const first = await cli(['reprocess', '--prefix', 'incoming/cli/', '--yes']);
    const rerun = await Promise.all(
      before.map((r) =>
        pollJson<SummaryRecord>(
          `${stack.apiUrl}/summaries/${r.id}`,
          (b) => b.status === 'done' && b.updatedAt > r.updatedAt,
        ),
      ),
    );
    const second = await cli(['reprocess', '--prefix', 'incoming/cli/', '--yes']);
    await Promise.all(
      rerun.map((r) =>
        pollJson<SummaryRecord>(
          `${stack.apiUrl}/summaries/${r.id}`,
          (b) => b.status === 'done' && b.updatedAt > r.updatedAt,
        ),
      ),
    );
    const listed = await cli(['list', '--limit', '100']);

    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toBe(
      'khulasa: 2 records under "incoming/cli/" would be re-run; pass --yes to confirm\n',
    );
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`queued ${EN_KEY} 1/2`);
    expect(first.stdout).toBe('queued 2 records for reprocessing in the local stack\n');
    expect(second.stdout).toBe('queued 2 records for reprocessing in the local stack\n');
    expect(rerun.map((r) => r.createdAt)).toEqual(before.map((r) => r.createdAt));
    expect(listed.stdout.match(/incoming\/cli\//g)).toHaveLength(2);
  }, 60_000);

  it('selects stale records by the model the current configuration would write', async () => {
    const current = await cli(['reprocess', '--stale']);
    const otherModel = await cli(['reprocess', '--stale'], { OPENAI_MODEL: 'a-newer-model' });

    expect(current.code).toBe(0);
    expect(current.stderr).toMatch(/^nothing to reprocess: no records stale/);
    expect(otherModel.code).not.toBe(0);
    expect(otherModel.stderr).toMatch(
      /^khulasa: 2 records stale \(not openai\/a-newer-model, prompt .+\) would be re-run; pass --yes/,
    );
  });

  it('redrives a dead-lettered upload back to the queue, where it then succeeds', async () => {
    const failingDir = join(filesDir, 'dlq');
    await mkdir(failingDir);
    await writeFile(join(failingDir, 'retry.txt'), ENGLISH.replace('library', 'museum'));
    llm.setDefault({ type: 'status', status: 500 });

    const failedUpload = await cli(['upload', join(failingDir, 'retry.txt'), '--prefix', 'incoming/dlq/']);
    const deadLetters = await pollDir(join(dataDir, 'dead-letter'));
    llm.setDefault({ type: 'summary' });
    const result = await cli(['redrive']);
    const done = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/dlq/retry.txt')}`,
      (b) => b.status === 'done',
    );

    expect(failedUpload.code).toBe(1);
    expect(failedUpload.stdout).toMatch(/^incoming\/dlq\/retry\.txt\s+failed\s+llm_failed: /m);
    expect(deadLetters).toHaveLength(1);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('moved 1 dead-letter message back to the queue of the local stack\n');
    expect(result.stderr).toMatch(/^moved incoming\/dlq\/retry\.txt \(last error: .+\)$/m);
    expect(await readdir(join(dataDir, 'dead-letter'))).toEqual([]);
    expect(done.summaries.en?.summary).toContain('museum');
  }, 60_000);

  it('answers an unknown id or key with one clear error line and a non-zero exit', async () => {
    const unknownId = recordId('articles', 'incoming/never-uploaded.txt');

    const byId = await cli(['show', unknownId]);
    const byKey = await cli(['text', 'incoming/never-uploaded.txt']);

    expect(byId.code).toBe(1);
    expect(byId.stderr).toBe(`khulasa: no summary for id ${unknownId}\n`);
    expect(byId.stdout).toBe('');
    expect(byKey.code).toBe(1);
    expect(byKey.stderr).toBe(
      `khulasa: no summary for key "incoming/never-uploaded.txt" (id ${unknownId})\n`,
    );
  });

  it('answers --version and help, also through the npm script the README gives', async () => {
    const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };

    const direct = await cli(['--version']);
    const help = await cli(['help']);
    const viaNpm = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn('npm', ['run', 'khulasa', '--', '--version'], {
        cwd: REPO,
        env: { ...process.env, ...cliEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
      });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr: '' }));
    });

    expect(direct).toEqual({ code: 0, stdout: `khulasa ${version}\n`, stderr: '' });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: khulasa <command> \[options\]/);
    expect(help.stdout).toMatch(/^ {2}upload <files or folders…>/m);
    expect(viaNpm.code).toBe(0);
    // npm prints its own header (`> node cli/khulasa.ts --version`) first; the CLI's line follows.
    expect(viaNpm.stdout.trimEnd().split('\n').at(-1)).toBe(`khulasa ${version}`);
  });

  it('lists failed records with their title and error code, columns aligned after emoji keys', async () => {
    const dir = join(filesDir, 'emoji');
    await mkdir(dir);
    await writeFile(join(dir, '📰 عاجل.txt'), `Breaking: the bridge reopens\n\n${ENGLISH}`);
    await writeFile(join(dir, '🚫 empty.txt'), '');
    // The one LLM call of this upload (the empty file never reaches the LLM) is refused.
    llm.enqueue({ type: 'refusal' });

    const uploaded = await cli(['upload', dir, '--prefix', 'incoming/emoji/']);
    const failed = await cli(['list', '--status', 'failed', '--limit', '50']);

    expect(uploaded.code).toBe(1);
    expect(uploaded.stdout).toMatch(/^incoming\/emoji\/📰 عاجل\.txt\s+failed\s+llm_refused: /m);
    expect(uploaded.stdout).toMatch(/^incoming\/emoji\/🚫 empty\.txt\s+failed\s+empty: /m);
    expect(failed.code).toBe(0);
    const [header = '', ...rows] = failed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^created \(UTC\)\s+status\s+key\s+title\s+error\s+id$/);
    expect(rows).toHaveLength(2);
    const refused = rows.find((r) => r.includes('llm_refused')) ?? '';
    expect(refused).toContain('📰 عاجل.txt');
    expect(refused).toMatch(/\sfailed\s.*\sBreaking: the bridge reopens\s+llm_refused\s+[A-Za-z0-9_-]{43}$/);
    expect(rows.find((r) => r.includes('🚫'))).toMatch(/\sempty\s+[A-Za-z0-9_-]{43}$/);
    // Each column starts at the same terminal cell on every line, emoji counted as two cells.
    const cell = (line: string, text: string) => stringWidth(line.slice(0, line.lastIndexOf(text)));
    const errorCell = cell(header, 'error');
    expect(rows.map((r) => cell(r, r.includes('llm_refused') ? 'llm_refused' : 'empty'))).toEqual([
      errorCell,
      errorCell,
    ]);
    const idCell = cell(header, 'id');
    expect(rows.map((r) => stringWidth(r) - 43)).toEqual([idCell, idCell]);
  }, 60_000);

  it('uploads without waiting, and re-runs every stale record with --yes', async () => {
    await writeFile(join(filesDir, 'a.txt'), ENGLISH.replace('library', 'swimming pool'));

    const noWait = await cli(['upload', join(filesDir, 'a.txt'), '--prefix', 'news/', '--no-wait']);
    const stale = await cli(['reprocess', '--stale', '--yes'], { OPENAI_MODEL: 'a-newer-model' });

    expect(noWait.code).toBe(0);
    expect(noWait.stdout).toBe(`key         id\nnews/a.txt  ${recordId('articles', 'news/a.txt')}\n`);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(/^queued \d+ records for reprocessing in the local stack\n$/);
  }, 60_000);
});

/** Waits until the folder holds at least one file. */
async function pollDir(dir: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.length > 0) return names;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing appeared in ${dir}`);
}
