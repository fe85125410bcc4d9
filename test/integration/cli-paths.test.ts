/**
 * `npm run khulasa -- upload ./x` as the README gives it, typed in a folder other than the
 * repository: npm runs the CLI from the package root, and the CLI must still read `./x` from the
 * folder the user was in.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, startTestS3, type TestS3 } from '../support/local-s3.ts';
import { runCaptured } from '../support/run-captured.ts';

const REPO = join(import.meta.dirname, '../..');

interface NpmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function npmRunKhulasa(cwd: string, args: string[], env: Record<string, string>): Promise<NpmResult> {
  return runCaptured('npm', ['--prefix', REPO, 'run', '--silent', 'khulasa', '--', ...args], {
    cwd,
    env: { ...process.env, ...env },
  });
}

describe('npm run khulasa -- upload with relative paths', () => {
  let s3: TestS3;
  let work: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    s3 = await startTestS3();
    work = await mkdtemp(join(tmpdir(), 'khulasa-cli-paths-'));
    await mkdir(join(work, 'batch'));
    await writeFile(join(work, 'story.txt'), 'A story written in the folder the command was typed in.');
    await writeFile(join(work, 'batch', 'one.txt'), 'The first article of a folder given as ./batch.');
    env = { S3_PORT: new URL(s3.s3.endpoint).port, KHULASA_STACK: '', KHULASA_DATA_DIR: join(work, 'data') };
  });

  afterAll(async () => {
    await s3?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('reads ./file and ./folder from the folder the command was typed in, not from the repository', async () => {
    const result = await npmRunKhulasa(
      work,
      ['upload', './story.txt', './batch', '--prefix', 'paths/', '--no-wait'],
      env,
    );

    expect(result.stderr).not.toMatch(/no such file/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^paths\/story\.txt\s+[A-Za-z0-9_-]{43}$/m);
    expect(result.stdout).toMatch(/^paths\/one\.txt\s+[A-Za-z0-9_-]{43}$/m);
    expect((await download(s3.client, 'paths/story.txt')).toString('utf8')).toBe(
      'A story written in the folder the command was typed in.',
    );
  });

  it('names a relative path that is missing together with where it looked', async () => {
    const result = await npmRunKhulasa(work, ['upload', './missing.txt', '--no-wait'], env);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `khulasa: no such file or folder: ./missing.txt (${join(work, 'missing.txt')})`,
    );
  });
});
