import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../../infra/local/dynamodb.ts';
import { lockDataDir } from '../../../infra/local/lock.ts';
import { freePort, freePorts, runLocalScript } from '../../support/stack-process.ts';

// `npm start` and `npm run reset` as a person runs them, in their own processes.

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-start-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const startEnv = async (extra: Record<string, string> = {}) => {
  const [s3, dynamo, api] = await freePorts(3);
  return {
    KHULASA_DATA_DIR: dataDir,
    KHULASA_SAMPLES: 'false',
    S3_PORT: String(s3),
    DYNAMODB_PORT: String(dynamo),
    PORT: String(api),
    OPENAI_API_KEY: '',
    LLM_PROVIDER: '',
    DEBUG: '',
    ...extra,
  };
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('npm start refusing to start', () => {
  let occupied: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (occupied ? occupied.close(() => resolve()) : resolve()));
    occupied = undefined;
  });

  it('names the busy API port and the variable that moves it, on one line', async () => {
    const busyPort = await freePort();
    occupied = createServer();
    await new Promise<void>((resolve) => occupied?.listen(busyPort, '127.0.0.1', () => resolve()));

    const run = await runLocalScript('start.ts', await startEnv({ PORT: String(busyPort) }));

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toBe(
      `khulasa: port ${busyPort} is already in use (API). Stop the other process or choose another: PORT=${busyPort + 1} npm start`,
    );
  });

  it('names a bad LLM_PROVIDER on one line, without a stack trace', async () => {
    const run = await runLocalScript('start.ts', await startEnv({ LLM_PROVIDER: 'claude' }));

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^khulasa: invalid configuration: LLM_PROVIDER must be openai, azure, bedrock or extractive/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the folder of a table it cannot open and suggests npm run reset', async () => {
    const tableDir = join(dataDir, 'dynamodb');
    await mkdir(tableDir, { recursive: true });
    await writeFile(join(tableDir, 'CURRENT'), 'MANIFEST-that-is-not-there\n');

    const run = await runLocalScript('start.ts', await startEnv());

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(tableDir);
    expect(run.stderr).toContain('npm run reset');
  });
});

describe('a table damaged inside its files', () => {
  it('names the folder and says how to recover, on one line', async () => {
    // Arrange: a real table, its log turned into a table file, then that file overwritten.
    const tableDir = join(dataDir, 'dynamodb');
    const dynamo = await startLocalDynamo({ port: 0, directory: tableDir, tableName: 'summaries' });
    await dynamo.close();
    await compactTableLog(tableDir);
    const tableFile = (await readdir(tableDir)).find((f) => f.endsWith('.ldb'));
    if (!tableFile) throw new Error('expected a table file after compaction');
    const bytes = await readFile(join(tableDir, tableFile));
    await writeFile(join(tableDir, tableFile), bytes.fill(0xff, 0, Math.min(bytes.length, 4096)));

    const run = await runLocalScript('start.ts', await startEnv());

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(tableDir);
    expect(run.stderr).toMatch(/Move that folder aside .* npm run reset/);
  });
});

describe('npm run reset', () => {
  it('refuses while a stack holds the data folder, and empties it once the stack is gone', async () => {
    await writeFile(join(dataDir, 'cursor-secret'), 'kept\n');
    const unlock = await lockDataDir(dataDir);

    const refused = await runLocalScript('reset.ts', { KHULASA_DATA_DIR: dataDir });
    await unlock();
    const done = await runLocalScript('reset.ts', { KHULASA_DATA_DIR: dataDir });

    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(new RegExp(`pid ${process.pid}.*stop it`));
    expect(done.code).toBe(0);
    expect(await exists(dataDir)).toBe(false);
  });

  it('refuses a folder that holds no khulasa data and deletes nothing in it', async () => {
    await writeFile(join(dataDir, 'thesis.txt'), 'years of work\n');

    const run = await runLocalScript('reset.ts', { KHULASA_DATA_DIR: dataDir });

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toMatch(/refusing to reset .*holds no khulasa data/);
    expect(await readFile(join(dataDir, 'thesis.txt'), 'utf8')).toBe('years of work\n');
  });

  it('removes only what the stack wrote when other files share the folder', async () => {
    await mkdir(join(dataDir, 'queue'), { recursive: true });
    await writeFile(join(dataDir, 'cursor-secret'), 'secret\n');
    await writeFile(join(dataDir, 'notes.txt'), 'mine\n');

    const run = await runLocalScript('reset.ts', { KHULASA_DATA_DIR: dataDir });

    expect(run.code).toBe(0);
    expect(await readdir(dataDir)).toEqual(['notes.txt']);
  });

  it('ignores the lock a killed stack left behind', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(join(dataDir, 'stack.pid'), `${gone.stdout.toString()}\n`);

    const run = await runLocalScript('reset.ts', { KHULASA_DATA_DIR: dataDir });

    expect(run.code).toBe(0);
    expect(await exists(dataDir)).toBe(false);
  });
});

/** Opening LevelDB replays its log into a table file (.ldb), as a later start would. */
async function compactTableLog(directory: string): Promise<void> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as {
    Level: new (p: string, o: object) => { open(): Promise<void>; close(): Promise<void> };
  };
  const db = new Level(directory, { valueEncoding: 'json' });
  await db.open();
  await db.close();
}
