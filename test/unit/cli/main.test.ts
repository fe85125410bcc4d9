import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { describeError, main } from '../../../cli/main.ts';
import type { Output } from '../../../cli/output.ts';

const capture = () => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = {
    err: { write: (c: string) => stderr.push(c) > 0 },
    columns: null,
    print: (t) => void stdout.push(t),
    info: (t) => void stderr.push(t),
  };
  return { out, stdout, stderr };
};

describe('main', () => {
  it('prints usage on stdout and exits 0 for --help', async () => {
    const { out, stdout, stderr } = capture();

    expect(await main(['--help'], {}, out)).toBe(0);
    expect(stdout.join('\n')).toMatch(/^Usage: khulasa <command>/);
    expect(stderr).toEqual([]);
  });

  it('prints the same usage for the help command, with or without a command after it', async () => {
    const flag = capture();
    const command = capture();
    const about = capture();

    await main(['--help'], {}, flag.out);
    expect(await main(['help'], {}, command.out)).toBe(0);
    expect(await main(['help', 'upload'], {}, about.out)).toBe(0);

    expect(command.stdout).toEqual(flag.stdout);
    expect(about.stdout).toEqual(flag.stdout);
    expect(command.stdout.join('\n')).toMatch(/^ {2}help /m);
  });

  it('prints the package version for --version and -v', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
    const long = capture();
    const short = capture();

    expect(await main(['--version'], {}, long.out)).toBe(0);
    expect(await main(['-v'], {}, short.out)).toBe(0);

    expect(long.stdout).toEqual([`khulasa ${version}`]);
    expect(short.stdout).toEqual(long.stdout);
    expect(long.stderr).toEqual([]);
  });

  it('turns a usage error into one line on stderr and exit 2, with the stack only under --debug', async () => {
    const plain = capture();
    const debug = capture();

    expect(await main(['show'], {}, plain.out)).toBe(2);
    expect(await main(['show', '--debug'], {}, debug.out)).toBe(2);

    expect(plain.stderr).toEqual(['khulasa: show needs an id or a key']);
    expect(debug.stderr[0]).toBe('khulasa: show needs an id or a key');
    expect(debug.stderr[1]).toMatch(/^UsageError: show needs an id or a key\n\s+at /);
  });

  it('rejects a bad local port with its variable name', async () => {
    const { out, stderr } = capture();

    expect(await main(['list'], { PORT: 'eighty' }, out)).toBe(2);
    expect(stderr).toEqual(['khulasa: PORT must be a port number (got "eighty")']);
  });
});

describe('describeError', () => {
  it('keeps SDK errors to one line and hints at a stopped stack on a refused connection', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4569'), { code: 'ECONNREFUSED' });
    const sdk = Object.assign(new Error('Requested resource not found\nmore'), {
      name: 'ResourceNotFoundException',
    });

    expect(describeError(refused)).toBe(
      'connect ECONNREFUSED 127.0.0.1:4569: is the stack running (npm start)?',
    );
    expect(describeError(sdk)).toBe('ResourceNotFoundException: Requested resource not found');
  });
});
